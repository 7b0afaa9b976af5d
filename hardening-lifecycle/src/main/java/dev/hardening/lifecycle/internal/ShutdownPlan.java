package dev.hardening.lifecycle.internal;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.Phase;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The budget arithmetic of a shutdown: each phase's budget, the total budget, and each phase's
 * deadline capped so that the phases after it keep theirs inside the total. Immutable and
 * thread-safe. Internal: reached through {@code ShutdownCoordinator}.
 */
public final class ShutdownPlan {

    private final Map<Phase, Duration> budgets;
    private final Optional<Duration> quietPeriod;
    private final Duration totalBudget;
    private final Optional<Duration> terminationGracePeriod;

    private ShutdownPlan(Map<Phase, Duration> budgets, Optional<Duration> quietPeriod, Duration totalBudget,
                         Optional<Duration> terminationGracePeriod) {
        this.budgets = budgets;
        this.quietPeriod = quietPeriod;
        this.totalBudget = totalBudget;
        this.terminationGracePeriod = terminationGracePeriod;
    }

    /**
     * @param budgets                each phase's budget; phases missing from the map get zero
     * @param quietPeriod            the quiet period that may end {@link Phase#KEEP_SERVING} early
     * @param totalBudget            the explicit total budget, or empty for the sum of the phases plus {@code slack}
     * @param slack                  added to the sum of the phases when no total budget is given
     * @param terminationGracePeriod the orchestrator's SIGTERM-to-SIGKILL time, if known
     * @return the plan
     */
    public static ShutdownPlan of(Map<Phase, Duration> budgets, Optional<Duration> quietPeriod,
                                  Optional<Duration> totalBudget, Duration slack, Optional<Duration> terminationGracePeriod) {
        Map<Phase, Duration> all = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            all.put(p, budgets.getOrDefault(p, Duration.ZERO));
        }
        Duration sum = sum(all);
        return new ShutdownPlan(Map.copyOf(all), quietPeriod, totalBudget.orElse(sum.plus(slack)), terminationGracePeriod);
    }

    /** @param phase a phase @return its budget */
    public Duration budget(Phase phase) {
        return budgets.get(phase);
    }

    /** @return the keep-serving delay (the longest wait for quiet, with a quiet period) */
    public Duration shutdownDelay() {
        return budgets.get(Phase.KEEP_SERVING);
    }

    /** @return the quiet period, if one was set */
    public Optional<Duration> quietPeriod() {
        return quietPeriod;
    }

    /** @return the total budget */
    public Duration totalBudget() {
        return totalBudget;
    }

    /** @return the orchestrator's grace period, if known */
    public Optional<Duration> terminationGracePeriod() {
        return terminationGracePeriod;
    }

    /** @return the sum of every phase's budget */
    public Duration sumOfPhases() {
        return sum(budgets);
    }

    /**
     * @param phase a phase
     * @return the budgets of every phase after it: what must stay in the total when it ends
     */
    public Duration reserveAfter(Phase phase) {
        Duration sum = Duration.ZERO;
        for (Phase p : Phase.values()) {
            if (p.ordinal() > phase.ordinal()) {
                sum = sum.plus(budgets.get(p));
            }
        }
        return sum;
    }

    /**
     * @param total the deadline of the whole shutdown
     * @param phase the phase starting now
     * @return the earlier of the phase's own budget from now and the total minus the later phases' reserve
     */
    public Deadline phaseDeadline(Deadline total, Phase phase) {
        return total.minus(reserveAfter(phase)).atMost(budgets.get(phase));
    }

    /**
     * The coordinator's startup findings ({@code HL-D001} to {@code HL-D004}).
     *
     * @param env        the environment
     * @param registered drain participants registered at the time of the call
     * @param installed  whether the coordinator is installed (registration is then expected to be complete)
     * @return the findings
     */
    public List<Finding> findings(AppEnvironment env, int registered, boolean installed) {
        return ShutdownFindings.evaluate(this, env, registered, installed);
    }

    private static Duration sum(Map<Phase, Duration> budgets) {
        Duration sum = Duration.ZERO;
        for (Duration d : budgets.values()) {
            sum = sum.plus(d);
        }
        return sum;
    }
}
