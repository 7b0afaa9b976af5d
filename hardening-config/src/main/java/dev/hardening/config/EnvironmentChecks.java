package dev.hardening.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Ready-made startup checks about the environment a service runs in. Thread-safe. */
public final class EnvironmentChecks {
    private EnvironmentChecks() {
    }

    /**
     * Dev mode must not listen on the network: outside production, a bind address that is not
     * loopback is a FAIL unless explicitly allowed (then a WARN). In production any address passes.
     * The finding names {@code BIND_ADDRESS} and {@code ALLOW_DEV_ON_NETWORK}.
     *
     * @param environment         the environment
     * @param bindAddress         the address the service will bind, as configured
     * @param allowDevOnNetwork   the explicit, visible opt-out
     * @return the finding {@code HC-M002}
     */
    public static Finding devModeBinding(AppEnvironment environment, String bindAddress, boolean allowDevOnNetwork) {
        return devModeBinding(environment, bindAddress, allowDevOnNetwork, "BIND_ADDRESS", "ALLOW_DEV_ON_NETWORK");
    }

    /**
     * The same rule as {@link #devModeBinding(AppEnvironment, String, boolean)}, for a service whose
     * settings have other names (a framework's properties, say): the finding's subject is
     * {@code addressName} and its detail and fix name {@code allowName}.
     *
     * @param environment       the environment
     * @param bindAddress       the address the service will bind, as configured ({@code 0.0.0.0} for every interface)
     * @param allowDevOnNetwork the explicit, visible opt-out
     * @param addressName       the name of the bind-address setting, such as {@code BIND_ADDRESS}
     * @param allowName         the name of the opt-out setting, such as {@code ALLOW_DEV_ON_NETWORK}
     * @return the finding {@code HC-M002}
     * @throws NullPointerException if an argument is null
     */
    public static Finding devModeBinding(AppEnvironment environment, String bindAddress, boolean allowDevOnNetwork,
                                         String addressName, String allowName) {
        Checks.notNull(environment, "environment");
        Checks.notNull(bindAddress, "bindAddress");
        Checks.notNull(addressName, "addressName");
        Checks.notNull(allowName, "allowName");
        String rule = "dev mode stays on loopback";
        if (environment.isProduction()) {
            return Finding.pass("HC-M002", rule, addressName, "production binds " + bindAddress, "");
        }
        boolean loopback;
        try {
            InetAddress a = InetAddress.getByName(bindAddress);
            loopback = a.isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            loopback = false;
        }
        if (loopback) {
            return Finding.pass("HC-M002", rule, addressName, environment.name() + " mode on loopback " + bindAddress, "");
        }
        if (allowDevOnNetwork) {
            return Finding.warn("HC-M002", rule, addressName, environment.name() + " mode exposed on " + bindAddress
                    + " (explicitly allowed by " + allowName + ")", "bind 127.0.0.1 in dev mode");
        }
        return Finding.fail("HC-M002", rule, addressName, environment.name() + " mode would be reachable from the network on "
                + bindAddress, "bind 127.0.0.1, run in production mode, or set " + allowName + "=true deliberately");
    }
}
