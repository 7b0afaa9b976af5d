package dev.hardening.benchmarks.load;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load and abuse against the reference service, as a user would measure it (plain sockets, no
 * framework):
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.hardening.benchmarks.load.LoadTool slowloris URL HEADS BODIES SECONDS TOKEN
 * java -cp benchmarks/target/benchmarks.jar dev.hardening.benchmarks.load.LoadTool keepalive URL CONNECTIONS SECONDS
 * java -cp benchmarks/target/benchmarks.jar dev.hardening.benchmarks.load.LoadTool sigterm URL CONNECTIONS PID SECONDS_BEFORE
 * </pre>
 *
 * {@code slowloris} trickles request heads (to {@code /livez}) and webhook bodies one byte a second
 * (reconnecting when cut) while probing {@code /livez} and {@code /api/v1/me} from fresh
 * connections every 250 ms; {@code keepalive} sends sequential {@code GET /livez} on each kept-alive
 * connection and reports latency; {@code sigterm} does the same, sends SIGTERM to the process after
 * the given seconds and counts every request that got no answer (reset or bare close) until the
 * listener refuses connections. Not thread-safe; a command-line tool.
 */
public final class LoadTool {

    private static final java.util.Map<String, Integer> FAILURES = new java.util.concurrent.ConcurrentSkipListMap<>();

    private LoadTool() {
    }

    /**
     * @param args the command and its arguments, as above
     * @throws Exception if the run cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: slowloris|keepalive|sigterm URL ...");
            System.exit(2);
        }
        URI base = URI.create(args[1]);
        switch (args[0]) {
            case "slowloris" -> slowloris(base, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5]);
            case "keepalive" -> keepalive(base, Integer.parseInt(args[2]), Integer.parseInt(args[3]), -1, 0);
            case "sigterm" -> keepalive(base, Integer.parseInt(args[2]), 600, Long.parseLong(args[3]), Integer.parseInt(args[4]));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
        System.exit(0);
    }

    private static long now() {
        return System.nanoTime();
    }

    private static String get(URI base, String path, String extra) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n" + extra + "\r\n";
    }

    // ---- slowloris ----

    private static void slowloris(URI base, int heads, int bodies, int seconds, String token) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder cut = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        byte[] head = get(base, "/livez", "X-Slow: " + "a".repeat(4000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        String bodyHead = "POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "X-GitHub-Delivery: slow\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 100000\r\n\r\n";
        for (int i = 0; i < heads + bodies; i++) {
            boolean isHead = i < heads;
            Thread t = new Thread(() -> trickle(base, running, cut, isHead ? new byte[0] : bodyHead.getBytes(StandardCharsets.ISO_8859_1),
                    isHead ? head : new byte[100_000]), "slow-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        List<Long> livez = new ArrayList<>();
        List<Long> me = new ArrayList<>();
        int failures = 0;
        long end = now() + TimeUnit.SECONDS.toNanos(seconds);
        for (int round = 0; now() < end; round++) {
            failures += probe(base, get(base, "/livez", ""), livez);
            if (round % 4 == 0) { // once a second: under the service's default 100/1m rate limit
                failures += probe(base, get(base, "/api/v1/me", "Authorization: Bearer " + token + "\r\n"), me);
            }
            TimeUnit.MILLISECONDS.sleep(250); // probe pacing, not synchronisation
        }
        running.set(false);
        System.out.printf("slowloris %d heads + %d bodies for %d s: connections cut by the server %d%n", heads, bodies, seconds, cut.sum());
        System.out.printf("  /livez      probes %d, max %.1f ms, p99 %.1f ms%n", livez.size(), max(livez), pct(livez, 99));
        System.out.printf("  /api/v1/me  probes %d, max %.1f ms, p99 %.1f ms%n", me.size(), max(me), pct(me, 99));
        System.out.printf("  probes failed or over 1 s: %d %s%n", failures, FAILURES);
    }

    private static int probe(URI base, String request, List<Long> sink) {
        long t0 = now();
        try (HttpConn c = new HttpConn(base.getHost(), base.getPort(), 1000)) {
            HttpConn.Reply r = c.exchange(request);
            long ms = now() - t0;
            sink.add(ms);
            if (r.status() == 200 && ms < TimeUnit.SECONDS.toNanos(1)) {
                return 0;
            }
            FAILURES.merge(r.status() + (ms >= TimeUnit.SECONDS.toNanos(1) ? " over 1 s" : ""), 1, Integer::sum);
            return 1;
        } catch (IOException e) {
            sink.add(now() - t0);
            FAILURES.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            return 1;
        }
    }

    private static void trickle(URI base, AtomicBoolean running, LongAdder cut, byte[] prefix, byte[] slow) {
        while (running.get()) {
            try (HttpConn c = new HttpConn(base.getHost(), base.getPort(), 5000)) {
                c.write(prefix);
                for (int i = 0; i < slow.length && running.get(); i++) {
                    c.write(new byte[] {slow[i]});
                    TimeUnit.SECONDS.sleep(1); // the attack itself: one byte a second
                }
            } catch (IOException e) {
                cut.increment();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ---- keep-alive latency, and SIGTERM under it ----

    private static void keepalive(URI base, int connections, int seconds, long pid, int secondsBefore) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        LongAdder ok = new LongAdder();
        LongAdder status503 = new LongAdder();
        LongAdder resets = new LongAdder();
        LongAdder freshResets = new LongAdder();
        LongAdder bareCloses = new LongAdder();
        LongAdder refused = new LongAdder();
        AtomicLong lastAnswer = new AtomicLong(now());
        String request = get(base, "/livez", "");
        AtomicLong sigtermAt = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                List<long[]> mine = new ArrayList<>();
                while (running.get()) {
                    HttpConn c;
                    try {
                        c = new HttpConn(base.getHost(), base.getPort(), 10_000);
                    } catch (IOException e) {
                        refused.increment();
                        if (pid > 0) {
                            break; // the listener is closed: a client goes elsewhere
                        }
                        continue;
                    }
                    int n = 0;
                    long connectedAt = now();
                    try (c) {
                        while (running.get()) {
                            long t0 = now();
                            HttpConn.Reply r = c.exchange(request);
                            mine.add(new long[] {n++, now() - t0});
                            lastAnswer.set(now());
                            if (r.status() == 200) {
                                ok.increment();
                            } else if (r.status() == 503) {
                                status503.increment();
                            }
                            if (r.close()) {
                                break;
                            }
                        }
                    } catch (HttpConn.BareClose e) {
                        bareCloses.increment();
                    } catch (SocketException e) {
                        if (e instanceof ConnectException) {
                            refused.increment();
                        } else {
                            (n == 0 ? freshResets : resets).increment();
                            noteReset(n, e, sigtermAt, connectedAt);
                        }
                    } catch (IOException e) {
                        (n == 0 ? freshResets : resets).increment();
                        noteReset(n, e, sigtermAt, connectedAt);
                    }
                }
                samples.addAll(mine);
            }, "keepalive-" + i);
            threads.add(t);
            t.start();
        }
        long start = now();
        if (pid > 0) {
            TimeUnit.SECONDS.sleep(secondsBefore);
            long before = ok.sum();
            sigtermAt.set(now());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            System.out.printf("SIGTERM after %d s and %d answers%n", secondsBefore, before);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(seconds));
            }
        } else {
            TimeUnit.SECONDS.sleep(seconds);
        }
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(15));
        }
        double secs = (now() - start) / 1e9;
        long[] first = samples.stream().filter(s -> s[0] == 0).mapToLong(s -> s[1]).sorted().toArray();
        long[] later = samples.stream().filter(s -> s[0] > 0).mapToLong(s -> s[1]).sorted().toArray();
        long[] all = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        System.out.printf("keep-alive %d connections, %.1f s: %d requests (%.0f/s)%n", connections, secs, all.length, all.length / secs);
        System.out.printf("  all     p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", p(all, 50), p(all, 99), p(all, 100));
        System.out.printf("  first   p50 %.2f ms  p99 %.2f ms (first request on a connection, n=%d)%n", p(first, 50), p(first, 99), first.length);
        System.out.printf("  later   p50 %.2f ms  p99 %.2f ms (2nd and later on a connection, n=%d)%n", p(later, 50), p(later, 99), later.length);
        System.out.printf("  requests >= 40 ms: %d%n", Arrays.stream(all).filter(x -> x >= 40_000_000L).count());
        System.out.printf("  answered 200: %d, 503: %d; resets on answered connections: %d, resets before a"
                + " connection's first answer: %d, bare closes: %d, connects refused: %d%n",
                ok.sum(), status503.sum(), resets.sum(), freshResets.sum(), bareCloses.sum(), refused.sum());
    }

    private static final AtomicInteger RESETS_NOTED = new AtomicInteger();

    /** Prints when (relative to SIGTERM) a request got no answer, and how: the first few only. */
    private static void noteReset(int n, IOException e, AtomicLong sigtermAt, long connectedAt) {
        if (RESETS_NOTED.incrementAndGet() <= 5) {
            long at = sigtermAt.get();
            System.out.printf("  no answer (%s request on its connection) %s, connected %s: %s%n", n == 0 ? "first" : "a later",
                    at == 0 ? "before SIGTERM" : String.format("%.1f ms after SIGTERM", (now() - at) / 1e6),
                    at == 0 ? "before SIGTERM" : String.format("%.1f ms after SIGTERM", (connectedAt - at) / 1e6), e);
        }
    }

    private static double p(long[] sorted, int pct) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = Math.min(sorted.length - 1, (int) Math.ceil(pct / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static double pct(List<Long> values, int pct) {
        return p(values.stream().mapToLong(Long::longValue).sorted().toArray(), pct);
    }

    private static double max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6;
    }
}
