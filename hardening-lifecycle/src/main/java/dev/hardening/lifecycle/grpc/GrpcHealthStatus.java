package dev.hardening.lifecycle.grpc;

import dev.hardening.lifecycle.Health;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

/**
 * Drives the standard gRPC health service ({@code grpc.health.v1.Health}, from grpc-services'
 * {@link HealthStatusManager}) from a {@link Health}: {@code SERVING} while the process is ready,
 * {@code NOT_SERVING} otherwise, and {@code NOT_SERVING} for good once shutdown starts. Like
 * {@code /readyz}, the answer carries no internals.
 *
 * <pre>{@code
 * HealthStatusManager grpcHealth = new HealthStatusManager();
 * serverBuilder.addService(grpcHealth.getHealthService());
 * GrpcHealthStatus status = GrpcHealthStatus.of(health, grpcHealth);
 * status.refreshEvery(timer, Duration.ofSeconds(1));   // readiness checks can change at any time
 * coordinator.register(GrpcServerDrain.builder(server).tracker(calls).healthStatus(status).build());
 * }</pre>
 *
 * <p>{@link Health} pushes nothing, so the status follows it when {@link #refresh()} runs (after
 * {@code markStarted()}, periodically, or both); {@link GrpcServerDrain} calls {@link #shutdown()}
 * at the drain signal, the same moment {@code /readyz} turns 503. Thread-safe.
 */
public final class GrpcHealthStatus {

    private final Health health;
    private final HealthStatusManager manager;
    private final List<String> services;
    private ServingStatus last;
    private boolean terminal;

    private GrpcHealthStatus(Health health, HealthStatusManager manager, List<String> services) {
        this.health = health;
        this.manager = manager;
        this.services = services;
    }

    /**
     * @param health   the readiness to mirror
     * @param manager  the gRPC health service's state
     * @param services service names (such as {@code my.pkg.Orders}) that report the same status as
     *                 the server as a whole ({@code ""}, always reported)
     * @return the binding; call {@link #refresh()} to publish the first status
     * @throws NullPointerException     if an argument or a service name is null
     * @throws IllegalArgumentException if a service name is empty
     */
    public static GrpcHealthStatus of(Health health, HealthStatusManager manager, String... services) {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(manager, "manager");
        List<String> names = List.of(services);
        for (String s : names) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("services: empty name (expected: a fully qualified service name; "
                        + "the server as a whole is always reported)");
            }
        }
        return new GrpcHealthStatus(health, manager, names);
    }

    /**
     * Publishes {@code SERVING} if {@link Health#isReady()}, else {@code NOT_SERVING}; once
     * {@link Health#isShuttingDown()} it calls {@link #shutdown()} instead.
     *
     * @return the status now published
     */
    public synchronized ServingStatus refresh() {
        if (terminal) {
            return ServingStatus.NOT_SERVING;
        }
        if (health.isShuttingDown()) {
            shutdown();
            return ServingStatus.NOT_SERVING;
        }
        ServingStatus now = health.isReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        if (now != last) {
            manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, now);
            for (String s : services) {
                manager.setStatus(s, now);
            }
            last = now;
        }
        return now;
    }

    /**
     * Publishes {@code NOT_SERVING} for every service and ignores later updates
     * ({@link HealthStatusManager#enterTerminalState()}). Idempotent.
     */
    public synchronized void shutdown() {
        if (!terminal) {
            terminal = true;
            last = ServingStatus.NOT_SERVING;
            manager.enterTerminalState();
        }
    }

    /**
     * Runs {@link #refresh()} now and then every {@code period} on {@code scheduler}; an exception
     * from a readiness check cannot stop the schedule (checks that throw count as not ready).
     *
     * @param scheduler runs the refreshes
     * @param period    time between refreshes
     * @return the scheduled task; cancel it to stop
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public ScheduledFuture<?> refreshEvery(ScheduledExecutorService scheduler, Duration period) {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
        }
        return scheduler.scheduleAtFixedRate(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                // a failing check is already logged by Health; keep the schedule alive
            }
        }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }
}
