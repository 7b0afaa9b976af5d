package dev.hardening.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.core.Ordered;
import org.springframework.mock.env.MockEnvironment;

/** An unusable {@code server.port} must reach the startup report, not fail the web server's creation. */
class UnusablePortGuardTest {

    private final List<Object> ports = new ArrayList<>();

    /** A factory that records every {@code setPort} (a proxy: the interface differs between Boot versions). */
    private ConfigurableWebServerFactory factory() {
        return (ConfigurableWebServerFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurableWebServerFactory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setPort")) {
                        ports.add(args[0]);
                    }
                    return null;
                });
    }

    private List<Object> customize(String port, boolean reported) {
        MockEnvironment env = new MockEnvironment();
        if (port != null) {
            env.setProperty("server.port", port);
        }
        new UnusablePortGuard(env, () -> reported).customize(factory());
        return ports;
    }

    @Test
    void aPortOutsideTheRangeBecomesZeroWhileTheDeployCheckReportsIt() {
        assertThat(customize("70000", true)).containsExactly(0);
        ports.clear();
        assertThat(customize(" -1 ", true)).containsExactly(0);
    }

    @Test
    void aUsablePortAnUnparsableOneOrAnUnreportedOneIsLeftAlone() {
        assertThat(customize("8080", true)).isEmpty();
        assertThat(customize("0", true)).isEmpty();
        assertThat(customize("65535", true)).isEmpty();
        assertThat(customize(null, true)).isEmpty();
        assertThat(customize("eighty", true)).isEmpty();
        assertThat(customize("70000", false)).isEmpty();
    }

    @Test
    void runsAfterBootsOwnCustomizers() {
        assertThat(new UnusablePortGuard(new MockEnvironment(), () -> true).getOrder()).isEqualTo(Ordered.LOWEST_PRECEDENCE);
    }
}
