package dev.hardening.lifecycle.jetty;

import dev.hardening.config.Checks;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Closes the listening socket of a Jetty 12 {@link ServerConnector} so that it stops listening at
 * once and no connection the kernel has already completed is reset.
 *
 * <p>Why this is needed: a connector with no acceptor threads (Jetty 12.1's default, and
 * {@code HardenedHttpServer}'s choice) accepts on its selector, and its listening channel is
 * registered with that selector. java.nio defers the close of a registered channel until the
 * selector next selects, and an idle selector can sleep in {@code select()} until the server
 * stops: measured, the socket kept listening ~250 ms after Jetty's graceful shutdown "closed" it,
 * the kernel kept completing handshakes, and the final close reset them (1-47 fresh connections per
 * SIGTERM under 50 reconnecting clients). Here the selector thread holding the listener does it all
 * in one step: takes the connections the kernel has completed and hands them to the selectors to be
 * served, drops its key, closes, and selects at once so that the close takes effect. A connector
 * with acceptor threads (a blocking listener) is closed directly, which takes effect at once.
 *
 * <p>What remains is the moment between the last {@code accept()} and the close, in which a
 * handshake can still complete and be reset; Java 17 cannot stop the kernel completing handshakes on
 * a listening socket first. Callers that also stop prompting clients to reconnect just before the
 * close (no {@code Connection: close} response going out) leave no client racing it.
 *
 * <p>Thread-safe; idempotent.
 */
public final class ListenerClose {

    private ListenerClose() {
    }

    /**
     * Closes {@code connector}'s listening socket as described above and stops it accepting; the
     * connections it took from the kernel's queue are served like any other. Waits at most
     * {@code wait} for the selectors to run the close, then closes from the calling thread.
     *
     * @param connector a started or stopped connector; one not listening is left alone
     * @param wait      the longest wait for the selectors, positive
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code wait} is not positive
     */
    public static void close(ServerConnector connector, Duration wait) {
        Checks.notNull(connector, "connector");
        Checks.positive(wait, "wait");
        Object transport = connector.getTransport();
        if (transport instanceof ServerSocketChannel && ((ServerSocketChannel) transport).isOpen()) {
            ServerSocketChannel listener = (ServerSocketChannel) transport;
            if (listener.isBlocking()) {
                // acceptor threads: the close of a blocking channel takes effect at once
                closeQuietly(listener);
            } else {
                closeOnSelector(connector, listener, wait);
            }
        }
        connector.setAccepting(false);
    }

    private static void closeOnSelector(ServerConnector connector, ServerSocketChannel listener, Duration wait) {
        List<ManagedSelector> selectors = List.copyOf(connector.getSelectorManager().getBeans(ManagedSelector.class));
        CountDownLatch done = new CountDownLatch(selectors.size());
        for (ManagedSelector selector : selectors) {
            selector.submit(s -> {
                try {
                    SelectionKey key = listener.keyFor(s);
                    if (key != null) {
                        synchronized (listener) {
                            takeAndClose(connector, listener);
                            key.cancel();
                            try {
                                s.selectNow(); // ends the registration: the socket closes now
                            } catch (IOException e) {
                                // the selector is closing
                            }
                            s.wakeup(); // keys made ready by selectNow are handled on the next select
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (listener) {
            if (listener.isOpen()) {
                // no selector held it (not started), or none ran in time
                takeAndClose(connector, listener);
            }
        }
    }

    /**
     * Takes the connections the kernel has completed but nobody has accepted yet (the close would
     * reset them after their clients had sent a request), hands them to the selectors, then closes.
     */
    private static void takeAndClose(ServerConnector connector, ServerSocketChannel listener) {
        try {
            for (SocketChannel c = listener.accept(); c != null; c = listener.accept()) {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, connector.getAcceptedTcpNoDelay());
                connector.getSelectorManager().accept(c);
            }
        } catch (IOException e) {
            // the listener is closing anyway
        } finally {
            closeQuietly(listener);
        }
    }

    private static void closeQuietly(ServerSocketChannel listener) {
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
