package dev.hardening.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/** Free loopback ports for test servers. Stateless and thread-safe. */
public final class LoopbackPorts {

    /** Ports never handed out: a developer's own Redis (6379) and PostgreSQL (5432). */
    public static final Set<Integer> RESERVED = Set.of(5432, 6379);

    private LoopbackPorts() {
    }

    /**
     * @return a port on 127.0.0.1 that was free a moment ago, never one of {@link #RESERVED}
     * @throws UncheckedIOException if no port can be bound
     */
    public static int free() {
        while (true) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                if (!RESERVED.contains(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
