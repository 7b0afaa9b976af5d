package dev.hardening.lifecycle.internal;

import dev.hardening.lifecycle.Phase;
import dev.hardening.lifecycle.ShutdownReport;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Phase#FLUSH_LOGS}: the report is the last log line, then the logging backend is flushed on this thread. */
final class FlushLogsPhase implements PhaseStep {

    private static final Logger LOG = LoggerFactory.getLogger(FlushLogsPhase.class);

    private final Optional<Runnable> logFlush;

    FlushLogsPhase(Optional<Runnable> logFlush) {
        this.logFlush = logFlush;
    }

    @Override
    public Phase phase() {
        return Phase.FLUSH_LOGS;
    }

    @Override
    public void run(ShutdownRun run) {
        ShutdownReport preliminary = new ShutdownReport(List.copyOf(run.timings), List.copyOf(run.outcomes), run.elapsed());
        if (preliminary.fullyDrained()) {
            LOG.info("{}", preliminary.render());
        } else {
            LOG.warn("{}", preliminary.render());
        }
        logFlush.ifPresent(flush -> {
            try {
                flush.run();
            } catch (RuntimeException e) {
                LOG.warn("log flush failed");
            }
        });
    }
}
