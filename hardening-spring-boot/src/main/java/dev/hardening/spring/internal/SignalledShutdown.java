package dev.hardening.spring.internal;

import dev.hardening.lifecycle.ShutdownReport;
import dev.hardening.lifecycle.TerminationSignals;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;

/**
 * The exit status of a signalled shutdown: once the application is ready, {@code SIGTERM} and
 * {@code SIGINT} close the context on a thread of their own ({@code hardening-shutdown}) — the same
 * close Boot's shutdown hook would run, with the shutdown delay, the graceful web-server stop and
 * {@link BootDrain} — and then end the process with {@code System.exit}: {@value ShutdownReport#EXIT_DRAINED}
 * when everything drained, {@value ShutdownReport#EXIT_CUT} when work was cut (the watchdog halts with
 * {@value ShutdownReport#EXIT_WATCHDOG}). Every JVM shutdown hook then runs normally (Boot's finds the
 * context closed); no hook is added. A second signal does not skip the drain. Without it, the JVM
 * would exit 143 after any SIGTERM, drained or not.
 *
 * <p>One application per JVM owns the signals: the latest ready one; a context closed another way
 * gives them up. Thread-safe.
 */
public final class SignalledShutdown implements SmartApplicationListener {

    /** The status when a signal arrives and no application owns it: the JVM's own after SIGTERM (128 + 15). */
    static final int NO_APPLICATION = 143;

    private static final Logger LOG = LoggerFactory.getLogger(SignalledShutdown.class);
    private static final AtomicBoolean HANDLING = new AtomicBoolean();
    private static final AtomicBoolean SIGNALLED = new AtomicBoolean();
    private static final AtomicReference<SignalledShutdown> OWNER = new AtomicReference<>();

    private final ConfigurableApplicationContext context;
    private final BootDrain drain;

    /**
     * @param context the application's context
     * @param drain   the drain whose report decides the status
     */
    public SignalledShutdown(ConfigurableApplicationContext context, BootDrain drain) {
        this.context = context;
        this.drain = drain;
    }

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return ApplicationReadyEvent.class.isAssignableFrom(eventType) || ContextClosedEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationReadyEvent ready) {
            if (ready.getApplicationContext() == context) {
                own();
            }
        } else if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context
                && !SIGNALLED.get()) {
            OWNER.compareAndSet(this, null);
        }
    }

    private void own() {
        OWNER.set(this);
        if (!HANDLING.compareAndSet(false, true)) {
            return;
        }
        Thread sequence = new Thread(SignalledShutdown::closeAndExit, "hardening-shutdown");
        sequence.setDaemon(false);
        List<String> handled = TerminationSignals.handle(() -> {
            if (SIGNALLED.compareAndSet(false, true)) {
                sequence.start();
            } else {
                LOG.info("signal received again: the drain already running continues");
            }
        });
        if (handled.isEmpty()) {
            HANDLING.set(false);
            LOG.warn("signals cannot be handled in this JVM: Boot's shutdown hook drains, and the exit status does "
                    + "not tell drained from cut");
        }
    }

    private static void closeAndExit() {
        SignalledShutdown owner = OWNER.get();
        int status = NO_APPLICATION;
        if (owner != null) {
            try {
                owner.context.close();
                status = owner.drain.exitCode();
            } catch (RuntimeException e) {
                LOG.error("shutdown: closing the application failed ({})", e.getClass().getSimpleName());
                status = ShutdownReport.EXIT_CUT;
            }
        }
        System.exit(status);
    }
}
