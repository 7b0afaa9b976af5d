package dev.hardening.spring;

import dev.hardening.config.StartupReport;
import org.springframework.boot.ExitCodeGenerator;

/**
 * The startup report has a FAIL line: the application context does not finish starting, the web
 * server never listens, the failure analysis prints the whole report, and the process exits with
 * {@link #EXIT_CODE} (78, {@code EX_CONFIG}) when the exception leaves {@code main}.
 *
 * <p>The message names how many lines failed; the report itself never holds a secret value.
 */
public final class StartupRefusedException extends RuntimeException implements ExitCodeGenerator {

    private static final long serialVersionUID = 1L;

    /** The exit status: 78, {@code EX_CONFIG} of sysexits.h. */
    public static final int EXIT_CODE = 78;

    /** The report; reports are immutable (not serialised with the exception). */
    private final transient StartupReport report;

    /**
     * @param report the report that has failures
     */
    public StartupRefusedException(StartupReport report) {
        super("HS-R000: the startup report has failures; the service does not start", null, false, false);
        this.report = report;
    }

    /** @return the report */
    public StartupReport report() {
        return report;
    }

    /** @return {@link #EXIT_CODE} */
    @Override
    public int getExitCode() {
        return EXIT_CODE;
    }
}
