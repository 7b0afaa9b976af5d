package dev.hardening.lifecycle.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.lifecycle.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The shutdown coordinator's startup findings, computed from its plan and its registrations. Stateless. */
final class ShutdownFindings {

    private static final String RULE = "IX. Disposability";

    private ShutdownFindings() {
    }

    static List<Finding> evaluate(ShutdownPlan plan, AppEnvironment env, int registered, boolean installed) {
        List<Finding> out = new ArrayList<>();
        out.add(budget(plan));
        out.add(delay(plan, env));
        plan.terminationGracePeriod().ifPresent(grace -> out.add(grace(plan, grace)));
        out.add(participants(registered, installed));
        return out;
    }

    private static Finding budget(ShutdownPlan plan) {
        Duration sum = plan.sumOfPhases();
        Duration total = plan.totalBudget();
        if (sum.compareTo(total) > 0) {
            Duration delay = plan.shutdownDelay();
            Duration drain = plan.budget(Phase.DRAIN);
            return Finding.fail("HL-D001", RULE, "shutdown budget",
                    "phases need " + sum.toMillis() + " ms (delay " + delay.toMillis() + " + drain " + drain.toMillis()
                            + " + stop/force/release/flush " + sum.minus(delay).minus(drain).toMillis()
                            + ") but the total budget is " + total.toMillis() + " ms",
                    "raise the total budget or shorten SHUTDOWN_DELAY / DRAIN_TIMEOUT");
        }
        return Finding.pass("HL-D001", RULE, "shutdown budget",
                "phases need " + sum.toMillis() + " ms of a " + total.toMillis() + " ms total budget", "");
    }

    private static Finding delay(ShutdownPlan plan, AppEnvironment env) {
        if (!plan.shutdownDelay().isZero() || plan.quietPeriod().isPresent()) {
            return Finding.pass("HL-D002", RULE, "SHUTDOWN_DELAY", plan.shutdownDelay().toMillis() + " ms", "");
        }
        if (env.isProduction()) {
            return Finding.warn("HL-D002", RULE, "SHUTDOWN_DELAY",
                    "0s: listeners close the moment readiness turns 503, before load balancers notice",
                    "set SHUTDOWN_DELAY to a few seconds (5s is typical)");
        }
        return Finding.pass("HL-D002", RULE, "SHUTDOWN_DELAY", "0s (acceptable outside production)", "");
    }

    private static Finding grace(ShutdownPlan plan, Duration grace) {
        Duration total = plan.totalBudget();
        if (total.compareTo(grace) >= 0) {
            return Finding.fail("HL-D003", RULE, "termination grace period",
                    "total shutdown budget " + total.toMillis() + " ms is not below the grace period "
                            + grace.toMillis() + " ms: the process would be SIGKILLed mid-drain",
                    "raise terminationGracePeriodSeconds or shorten SHUTDOWN_DELAY / DRAIN_TIMEOUT");
        }
        return Finding.pass("HL-D003", RULE, "termination grace period",
                "total budget " + total.toMillis() + " ms < grace period " + grace.toMillis() + " ms", "");
    }

    /**
     * Before {@code install()} registrations may still come (services usually print the startup
     * report before they open their server), so an empty list is not yet a finding: it is checked
     * again, and logged, when {@code install()} runs.
     */
    private static Finding participants(int registered, boolean installed) {
        if (registered > 0) {
            return Finding.pass("HL-D004", RULE, "drain participants", registered + " registered", "");
        }
        if (!installed) {
            return Finding.pass("HL-D004", RULE, "drain participants",
                    "none registered yet; checked again when install() runs", "");
        }
        return Finding.warn("HL-D004", RULE, "drain participants",
                "nothing registered: in-flight work will not be drained", "register the HTTP server and executors");
    }
}
