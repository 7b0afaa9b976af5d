package dev.hardening.spring.internal;

import dev.hardening.spring.StartupRefusedException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints the whole startup report when it refused the start. Stateless and thread-safe. */
public final class StartupReportFailureAnalyzer extends AbstractFailureAnalyzer<StartupRefusedException> {

    /** Created by Spring Boot. */
    public StartupReportFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartupRefusedException cause) {
        return new FailureAnalysis("The startup report has FAIL lines; the service did not start.\n\n"
                + cause.report().renderTable(),
                "Fix every FAIL line above (all are listed), or accept a risk with a dated silence: "
                        + "SILENCE_<ID>=YYYY-MM-DD reason.", cause);
    }
}
