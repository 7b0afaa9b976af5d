package dev.hardening.lifecycle.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.lifecycle.RawHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a forked service under a steady stream of requests (keep-alive and new connections,
 * some slow): nothing the service accepted fails, late requests on open connections get 503 with
 * Connection: close, readiness turns 503 first, a second SIGTERM does not skip the drain, and the
 * process exits 0 within its budget.
 */
class DrainUnderLoadIT {

    private static final long DELAY_MS = 300;
    private static final long DRAIN_MS = 5000;
    private static final long BUDGET_MS = DELAY_MS + DRAIN_MS + 2000;

    private final Map<String, RawHttp.Outcome> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger seq = new AtomicInteger();
    private final AtomicBoolean terminated = new AtomicBoolean();

    @Test
    void drainsEverythingAcceptedUnderLoadAndExitsZero() throws Exception {
        try (ForkedJvm jvm = ForkedJvm.start(DrainTestServer.class, "delay=" + DELAY_MS, "drain=" + DRAIN_MS)) {
            int port = jvm.port();

            RawHttp idle = RawHttp.connect(port);
            assertThat(idle.attempt("/work?id=idle0", false).ok()).isTrue();

            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(start(() -> keepAliveWorker(port)));
            }
            for (int i = 0; i < 2; i++) {
                workers.add(start(() -> newConnectionWorker(port)));
            }
            CountDownLatch slowSent = new CountDownLatch(3);
            for (int i = 0; i < 3; i++) {
                String id = "slow" + i;
                workers.add(start(() -> {
                    try (RawHttp c = RawHttp.connect(port)) {
                        slowSent.countDown();
                        outcomes.put(id, c.attempt("/work?ms=1500&id=" + id, false));
                    } catch (IOException e) {
                        outcomes.put(id, RawHttp.Outcome.failed(e.toString()));
                    }
                }));
            }
            slowSent.await();
            jvm.awaitStdout(l -> l.equals("accepted slow2"), Duration.ofSeconds(10));
            jvm.awaitStdout(l -> l.equals("accepted slow0"), Duration.ofSeconds(10));
            jvm.awaitStdout(l -> l.equals("accepted slow1"), Duration.ofSeconds(10));
            awaitTrue(() -> outcomes.values().stream().filter(RawHttp.Outcome::ok).count() >= 50, Duration.ofSeconds(20));

            long t0 = System.nanoTime();
            terminated.set(true);
            jvm.sigterm();

            // Readiness turns 503 while the listener still accepts.
            boolean sawNotReady = false;
            while (!RawHttp.refuses(port)) {
                try (RawHttp c = RawHttp.connect(port)) {
                    RawHttp.Outcome o = c.attempt("/readyz", true);
                    if (o.status() == 503) {
                        sawNotReady = true;
                    }
                } catch (IOException e) {
                    break;
                }
                assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(10).toNanos());
            }
            assertThat(sawNotReady).as("/readyz answered 503 during the shutdown delay").isTrue();

            // Listeners are closed; a request on a connection opened before answers 503 + close.
            RawHttp.Outcome late = idle.attempt("/work?id=late", false);
            idle.close();
            assertThat(late.status()).as("late request on an open keep-alive connection: " + late).isEqualTo(503);
            assertThat(late.connectionClose()).isTrue();

            jvm.sigterm(); // a second SIGTERM must not skip the drain

            assertThat(jvm.waitFor(Duration.ofMillis(BUDGET_MS + 5000))).isTrue();
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000L;
            int exit = jvm.awaitExit(Duration.ofSeconds(5)).orElseThrow();
            for (Thread w : workers) {
                w.join(20_000);
            }

            Set<String> accepted = jvm.stdout().stream().filter(l -> l.startsWith("accepted "))
                    .map(l -> l.substring(9)).collect(Collectors.toSet());
            List<String> failedAccepted = accepted.stream()
                    .filter(id -> outcomes.containsKey(id) && !outcomes.get(id).ok())
                    .map(id -> id + "=" + outcomes.get(id)).sorted().toList();
            long ok = outcomes.values().stream().filter(RawHttp.Outcome::ok).count();
            List<RawHttp.Outcome> unavailable = outcomes.values().stream().filter(o -> o.status() == 503).toList();

            assertThat(failedAccepted).as("accepted requests that failed").isEmpty();
            assertThat(ok).isGreaterThan(50);
            assertThat(outcomes.get("slow0").ok()).isTrue();
            assertThat(outcomes.get("slow1").ok()).isTrue();
            assertThat(outcomes.get("slow2").ok()).isTrue();
            assertThat(unavailable).allMatch(RawHttp.Outcome::connectionClose);
            assertThat(exit).as("exit code; stderr=" + jvm.stderr()).isZero();
            assertThat(elapsedMs).isLessThan(BUDGET_MS);
            assertThat(jvm.stderr()).anyMatch(l -> l.contains("shutdown drained"));
        }
    }

    private void keepAliveWorker(int port) {
        RawHttp c = null;
        int n = 0;
        while (true) {
            if (c == null) {
                try {
                    c = RawHttp.connect(port);
                } catch (IOException e) {
                    if (terminated.get()) {
                        return;
                    }
                    continue;
                }
            }
            String id = "k" + seq.incrementAndGet();
            long ms = (++n % 10 == 0) ? 200 : 2;
            RawHttp.Outcome o = c.attempt("/work?ms=" + ms + "&id=" + id, false);
            outcomes.put(id, o);
            if (o.connectionClose() || o.status() < 0) {
                closeQuietly(c);
                c = null;
            }
        }
    }

    private void newConnectionWorker(int port) {
        while (true) {
            try (RawHttp c = RawHttp.connect(port)) {
                String id = "n" + seq.incrementAndGet();
                outcomes.put(id, c.attempt("/work?ms=3&id=" + id, true));
            } catch (IOException e) {
                if (terminated.get()) {
                    return;
                }
            }
        }
    }

    private static void closeQuietly(RawHttp c) {
        try {
            c.close();
        } catch (IOException e) {
            // ignore
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r, "load");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void awaitTrue(BooleanSupplier condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("condition not met within " + timeout);
            }
            LockSupport.parkNanos(5_000_000L); // polling with a deadline
        }
    }
}
