package dev.hardening.config;

/**
 * Thrown by {@link StartupReport#enforce()} when the report holds a FAIL: the service must not
 * start. The message lists the failing lines (already redacted); {@link #report()} has them all.
 */
public final class StartupCheckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reason code of this exception. */
    public static final String CODE = "HC-R000";

    private final transient StartupReport report;

    StartupCheckException(StartupReport report) {
        super(message(report), null, false, false);
        this.report = report;
    }

    /** @return the report that failed */
    public StartupReport report() {
        return report;
    }

    private static String message(StartupReport report) {
        StringBuilder sb = new StringBuilder(CODE).append(": startup checks failed (")
                .append(report.count(FindingStatus.FAIL)).append(" FAIL)");
        for (StartupReport.Line l : report.lines()) {
            if (l.effectiveStatus() == FindingStatus.FAIL) {
                sb.append("\n  ").append(l.finding().id());
                if (!l.finding().subject().isEmpty()) {
                    sb.append(' ').append(l.finding().subject());
                }
                sb.append(": ").append(l.detail());
            }
        }
        return sb.toString();
    }
}
