package dev.hardening.lifecycle;

/** The phases of a shutdown, in the order the {@link ShutdownCoordinator} runs them. */
public enum Phase {
    /** Readiness turns not-ready and long-lived streams get the drain signal. */
    DRAIN_SIGNAL,
    /** Requests keep being served so load balancers catch up: a fixed delay or until quiet. */
    KEEP_SERVING,
    /** Listeners close; new work is refused. */
    STOP_ACCEPTING,
    /** In-flight work finishes, every participant in parallel under its own sub-deadline. */
    DRAIN,
    /** What is left is cut with retry-friendly errors. */
    FORCE_STOP,
    /** Leases and other shared claims are released. */
    RELEASE,
    /** The report is logged and the logging backend flushed, last. */
    FLUSH_LOGS
}
