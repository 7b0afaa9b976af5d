package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Phase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a shutdown is doing right now, for the watchdog's last log line: the current phase, and
 * each unfinished step with its run time and the top of its stack. Thread-safe.
 */
final class HangDiagnostics {

    private static final int STACK_FRAMES = 4;

    private final List<Step> running = new CopyOnWriteArrayList<>();
    private volatile Phase phase;
    private volatile Thread coordinator;

    void enter(Phase p) {
        coordinator = Thread.currentThread();
        phase = p;
        running.removeIf(Step::isDone);
    }

    void finished() {
        phase = null;
        running.clear();
    }

    Step track(Step s) {
        running.add(s);
        return s;
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
