package dev.hardening.lifecycle.jetty;

import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Closes the listening sockets of a Jetty 12 server at shutdown so that no client is reset: neither
 * one whose connection the kernel had already completed, nor one told {@code Connection: close} a
 * moment before and reconnecting as the listener closes.
 *
 * <p><b>The close itself</b> ({@link #close(ServerConnector, Duration)}): a connector with no acceptor
 * threads (Jetty 12.1's default, and {@code HardenedHttpServer}'s choice) accepts on its selector, and
 * java.nio defers the close of a channel registered with a selector until that selector next selects;
 * an idle selector can sleep in {@code select()} until the server stops. Measured: the socket kept
 * listening ~250 ms after it was "closed", the kernel kept completing handshakes, and the final close
 * reset them (1-47 fresh connections per SIGTERM under 50 reconnecting clients). Here the selector
 * thread holding the listener takes the connections the kernel has completed and hands them to the
 * selectors to be served, drops its key, closes, and selects at once so that the close takes effect.
 * A blocking listener (acceptor threads) is closed directly; note that its close took effect only
 * when the acceptor's next connection came (measured on Spring Boot's Jetty: ~130 ms later), so
 * prefer {@code acceptors = 0}.
 *
 * <p><b>The hold before it</b> ({@link #closeListeners}): between the last {@code accept()} and the close
 * a handshake can still complete and be reset, and Java 17 cannot stop the kernel completing
 * handshakes first. Clients reconnect there because they were just told {@code Connection: close}.
 * So requests that start are held (the server's handler {@linkplain #defer defers} them), the
 * listeners stay open until no response has ended for {@link #QUIET} (at most {@link #MAX}), then they
 * close and the held requests run: every client prompted to reconnect has landed on an accepted
 * connection by then, and none is reconnecting as the listener closes. Measured on both samples under
 * 50 reconnecting clients: from 1-30 resets in a third to a half of the SIGTERM runs to none.
 *
 * <p>Thread-safe. One instance per server; its sequence runs once.
 */
public final class ListenerClose {

    /** How long no response may have ended before the listeners close. */
    public static final Duration QUIET = Duration.ofMillis(200);
    /** The longest the listeners stay open waiting for {@link #QUIET}. */
    public static final Duration MAX = Duration.ofSeconds(1);

    private final Object lock = new Object();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Requests deferred while holding; null before the hold and after the release. */
    private List<Runnable> held;
    private boolean started;
    private volatile boolean holding;
    /**
     * The JVM's clock, never a test's: the settle waits for clients on the network, in real time
     * (a server driven by a fake clock still closes its listener).
     */
    private final TimeSource time = TimeSource.system();
    /** {@link #time}'s nanoTime when a request last ended while holding (0: none did). */
    private volatile long lastEnded;

    private ListenerClose() {
    }

    /** @return a sequence not yet run; thread-safe */
    public static ListenerClose create() {
        return new ListenerClose();
    }

    /** @return whether requests that start now are held until the listeners have closed */
    public boolean holding() {
        return holding;
    }

    /**
     * For a request that is starting: while holding, keeps it to run once the listeners have closed.
     *
     * @param request  what handles the request (it completes {@code callback} itself)
     * @param callback the request's callback, failed if {@code request} throws when it runs later
     * @return whether it was kept; if not, the caller handles the request now
     * @throws NullPointerException if an argument is null
     */
    public boolean defer(Runnable request, Callback callback) {
        Checks.notNull(request, "request");
        Checks.notNull(callback, "callback");
        if (!holding) {
            return false;
        }
        synchronized (lock) {
            if (held == null) {
                return false;
            }
            held.add(() -> {
                try {
                    request.run();
                } catch (Throwable x) {
                    callback.failed(x);
                }
            });
            return true;
        }
    }

    /** Notes that a request has ended (its response is out); cheap when not holding. */
    public void requestEnded() {
        if (holding) {
            lastEnded = time.nanoTime();
        }
    }

    /**
     * Runs the sequence once: holds requests that start, waits until no response has ended for
     * {@link #QUIET} (at most {@link #MAX}; not at all when {@code connectionsOpen} says none is
     * open), {@linkplain #close(ServerConnector, Duration) closes} every {@link ServerConnector} among
     * {@code connectors}, then runs the held requests on {@code executor} (on the calling thread if it
     * refuses them). A concurrent or later call waits until the first has closed the listeners.
     *
     * @param connectors      the server's connectors
     * @param executor        where held requests run
     * @param connectionsOpen whether any connection is open (if none, nobody can be prompted to reconnect)
     * @throws NullPointerException if an argument is null
     */
    public void closeListeners(Collection<? extends Connector> connectors, Executor executor, BooleanSupplier connectionsOpen) {
        Checks.notNull(connectors, "connectors");
        Checks.notNull(executor, "executor");
        Checks.notNull(connectionsOpen, "connectionsOpen");
        boolean first;
        synchronized (lock) {
            first = !started;
            if (first) {
                started = true;
                held = new ArrayList<>();
                holding = true;
            }
        }
        if (!first) {
            // outside the lock: the first call needs it to release the held requests, and requests
            // that start meanwhile need it to be held (ListenerCloseTest)
            awaitClosed();
            return;
        }
        try {
            if (connectionsOpen.getAsBoolean()) {
                settle();
            }
            for (Connector c : connectors) {
                if (c instanceof ServerConnector) {
                    close((ServerConnector) c, MAX);
                }
            }
        } finally {
            release(executor);
            closed.countDown();
        }
    }

    private void awaitClosed() {
        try {
            closed.await(MAX.toMillis() * 4, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits, in real time (clients on the network), until no response has ended for {@link #QUIET}. */
    private void settle() {
        long start = time.nanoTime();
        while (true) {
            long now = time.nanoTime();
            long quietFor = now - Math.max(start, lastEnded);
            long left = Math.min(QUIET.toNanos() - quietFor, MAX.toNanos() - (now - start));
            if (left <= 0) {
                return;
            }
            // polls the last response's time; a latch would need a signal per response
            LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private void release(Executor executor) {
        List<Runnable> run;
        synchronized (lock) {
            holding = false;
            run = held;
            held = null;
        }
        for (Runnable r : run) {
            try {
                executor.execute(r);
            } catch (RejectedExecutionException e) {
                r.run(); // the pool is stopping: answer on this thread rather than drop the request
            }
        }
    }

    /**
     * Closes {@code connector}'s listening socket at once (see the class comment) and stops it accepting; the
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
