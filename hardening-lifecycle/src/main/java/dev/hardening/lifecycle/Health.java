package dev.hardening.lifecycle;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness and readiness of one process, as {@code /livez} and {@code /readyz} report them.
 *
 * <ul>
 *   <li>Alive until {@link #markBroken(String)} (for example a supervisor whose restart intensity
 *       was exceeded); a broken process stays broken.</li>
 *   <li>Ready once {@link #markStarted()} was called, while every registered {@link HealthCheck}
 *       holds, and never again after {@link #markShuttingDown()}.</li>
 * </ul>
 *
 * <p>Probe answers carry no internals: the reasons given to {@code markBroken} and the names of
 * failing checks go to the log, never to the response. At most {@value #MAX_CHECKS} checks.
 * Thread-safe.
 */
public final class Health {

    /** The most readiness checks one instance accepts. */
    public static final int MAX_CHECKS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(Health.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();
    private final Map<String, Boolean> lastLogged = new ConcurrentHashMap<>();
    private volatile boolean started;
    private volatile boolean shuttingDown;
    private volatile boolean broken;

    private Health() {
    }

    /** @return a new instance: alive, not ready until {@link #markStarted()} */
    public static Health create() {
        return new Health();
    }

    /**
     * Adds a readiness condition.
     *
     * @param name  a short name for the log ({@code [A-Za-z0-9._:-]{1,64}}), unique
     * @param check the condition
     * @return this
     * @throws IllegalArgumentException if the name is malformed or already used
     * @throws IllegalStateException    if {@value #MAX_CHECKS} checks are registered
     */
    public Health addReadinessCheck(String name, HealthCheck check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("check name: '" + name + "' (expected: [A-Za-z0-9._:-]{1,64})");
        }
        synchronized (checks) {
            if (checks.size() >= MAX_CHECKS) {
                throw new IllegalStateException("readiness checks: " + checks.size() + " registered (expected: at most " + MAX_CHECKS + ")");
            }
            if (checks.putIfAbsent(name, check) != null) {
                throw new IllegalArgumentException("check name: '" + name + "' already registered");
            }
        }
        return this;
    }

    /** Marks the service started: readiness now depends only on the checks. */
    public void markStarted() {
        started = true;
    }

    /** Readiness turns false for good: called by the coordinator at the first moment of shutdown. */
    public void markShuttingDown() {
        shuttingDown = true;
    }

    /**
     * Liveness turns false for good; the orchestrator will restart the process.
     *
     * @param reason logged once, never shown on the probe
     */
    public void markBroken(String reason) {
        if (!broken) {
            broken = true;
            LOG.error("liveness failed: {}", reason);
        }
    }

    /** @return whether the process is alive (not broken) */
    public boolean isAlive() {
        return !broken;
    }

    /** @return whether shutdown has begun */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /** @return whether the process should receive traffic now */
    public boolean isReady() {
        if (!started || shuttingDown || broken) {
            return false;
        }
        boolean all = true;
        for (Map.Entry<String, HealthCheck> e : checks.entrySet()) {
            boolean ok;
            try {
                ok = e.getValue().isHealthy();
            } catch (RuntimeException ex) {
                ok = false;
            }
            Boolean before = lastLogged.put(e.getKey(), ok);
            if (before == null ? !ok : before != ok) {
                LOG.info("readiness check {} is now {}", e.getKey(), ok ? "passing" : "failing");
            }
            all &= ok;
        }
        return all;
    }
}
