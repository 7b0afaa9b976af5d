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
     *
     * @param environment         the environment
     * @param bindAddress         the address the service will bind, as configured
     * @param allowDevOnNetwork   the explicit, visible opt-out
     * @return the finding {@code HC-M002}
     */
    public static Finding devModeBinding(AppEnvironment environment, String bindAddress, boolean allowDevOnNetwork) {
        String rule = "dev mode stays on loopback";
        if (environment.isProduction()) {
            return Finding.pass("HC-M002", rule, "BIND_ADDRESS", "production binds " + bindAddress, "");
        }
        boolean loopback;
        try {
            InetAddress a = InetAddress.getByName(bindAddress);
            loopback = a.isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            loopback = false;
        }
        if (loopback) {
            return Finding.pass("HC-M002", rule, "BIND_ADDRESS", environment.name() + " mode on loopback " + bindAddress, "");
        }
        if (allowDevOnNetwork) {
            return Finding.warn("HC-M002", rule, "BIND_ADDRESS", environment.name() + " mode exposed on " + bindAddress
                    + " (explicitly allowed by ALLOW_DEV_ON_NETWORK)", "bind 127.0.0.1 in dev mode");
        }
        return Finding.fail("HC-M002", rule, "BIND_ADDRESS", environment.name() + " mode would be reachable from the network on "
                + bindAddress, "bind 127.0.0.1, run in production mode, or set ALLOW_DEV_ON_NETWORK=true deliberately");
    }
}
