package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Phase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a shutdown is doing right now, for the watchdog's last log line: the current phase, and
 * each unfinished step with its run time and the top of its stack. Thread-safe.
 */
final class HangDiagnostics implements Supplier<String> {

    private static final int STACK_FRAMES = 4;
    /** Linked with the class (preloaded at build time), not at the first shutdown. */
    private static final Predicate<Step> DONE = Step::isDone;

    private final List<Step> running = new CopyOnWriteArrayList<>();
    private volatile Phase phase;
    private volatile Thread coordinator;

    void enter(Phase p) {
        coordinator = Thread.currentThread();
        phase = p;
        running.removeIf(DONE);
    }

    void finished() {
        phase = null;
        running.clear();
    }

    Step track(Step s) {
        running.add(s);
        return s;
    }

    /** @return {@link #describe()}, for the watchdog */
    @Override
    public String get() {
        return describe();
    }

    String describe() {
        Phase p = phase;
        StringBuilder sb = new StringBuilder("phase ").append(p);
        Thread ct = coordinator;
        if (p == Phase.FLUSH_LOGS && ct != null) {
            sb.append("; log flush hung at ").append(top(ct));
        }
        for (Step s : running) {
            if (!s.isDone()) {
                sb.append("; ").append(s.name()).append(" running ").append(s.tookNanos() / 1_000_000L)
                        .append(" ms at ").append(top(s.thread()));
            }
        }
        return sb.toString();
    }

    private static String top(Thread t) {
        StackTraceElement[] st = t.getStackTrace();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(STACK_FRAMES, st.length); i++) {
            if (i > 0) {
                sb.append(" <- ");
            }
            sb.append(st[i]);
        }
        return sb.length() == 0 ? "(no stack)" : sb.toString();
    }
}
