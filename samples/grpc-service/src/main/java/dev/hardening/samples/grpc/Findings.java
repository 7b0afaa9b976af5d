package dev.hardening.samples.grpc;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.ratelimit.FallbackMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The sample's own findings for the startup report. Stateless. */
final class Findings {

    private Findings() {
    }

    /**
     * {@code HG-T001}: plaintext gRPC on a non-loopback address in production FAILs (a mesh that
     * terminates TLS silences it with {@code SILENCE_HG_T001}); TLS, or loopback, PASS.
     */
    static Finding transport(AppEnvironment env, String bindAddress, boolean tls) {
        if (tls) {
            return Finding.pass("HG-T001", "encrypt in transit", "GRPC_TLS_CERT_FILE", "gRPC served over TLS", "none");
        }
        if (isLoopback(bindAddress)) {
            return Finding.pass("HG-T001", "encrypt in transit", "GRPC_TLS_CERT_FILE",
                    "plaintext gRPC on a loopback address only", "none");
        }
        String detail = "plaintext gRPC on " + bindAddress;
        String fix = "set GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE, or SILENCE_HG_T001 behind a mesh that terminates TLS";
        return env.isProduction() ? Finding.fail("HG-T001", "encrypt in transit", "GRPC_TLS_CERT_FILE", detail, fix)
                : Finding.warn("HG-T001", "encrypt in transit", "GRPC_TLS_CERT_FILE", detail, fix);
    }

    /**
     * {@code HL-J001}: where the {@code mirror-cleanup} job's lease lives. With Redis: once across
     * replicas, PASS. Without: once per process, a WARN in production.
     */
    static Finding jobLeases(AppEnvironment env, boolean shared, Duration interval) {
        if (interval.isZero()) {
            return Finding.pass("HL-J001", "12-factor VI: processes", "CLEANUP_INTERVAL",
                    "job mirror-cleanup is off (CLEANUP_INTERVAL=0s)", "none");
        }
        if (shared) {
            return Finding.pass("HL-J001", "12-factor VI: processes", "REDIS_URI",
                    "job mirror-cleanup runs once per " + interval + " across replicas (fenced Redis lease)", "none");
        }
        String detail = "job mirror-cleanup runs once per process: every replica runs it";
        String fix = "set REDIS_URI so replicas share one fenced lease";
        return env.isProduction() ? Finding.warn("HL-J001", "12-factor VI: processes", "REDIS_URI", detail, fix)
                : Finding.pass("HL-J001", "12-factor VI: processes", "REDIS_URI", detail + " (fine for one process)", fix);
    }

    /**
     * {@code HG-R001}: whether Redis ({@code REDIS_URI}) answered at boot. Unreachable is a WARN in
     * every environment: an operational condition the service rides out, never a reason to refuse
     * the boot.
     *
     * @param hosts     the Redis hosts (no credentials), empty without {@code REDIS_URI}
     * @param reachable whether it answered within {@code waited}
     * @param waited    how long the boot waited for it
     * @param fallback  the limiter's {@code RATE_LIMIT_FALLBACK} when the limiter uses Redis
     * @param job       whether the {@code mirror-cleanup} job is on
     * @return the finding; a PASS without {@code REDIS_URI}
     */
    static Finding redisAtBoot(Optional<List<String>> hosts, boolean reachable, Duration waited,
                               Optional<FallbackMode> fallback, boolean job) {
        if (hosts.isEmpty()) {
            return Finding.pass("HG-R001", "12-factor IV: backing services", "REDIS_URI", "no Redis configured", "none");
        }
        String where = "Redis at " + String.join(",", hosts.get());
        if (reachable) {
            return Finding.pass("HG-R001", "12-factor IV: backing services", "REDIS_URI", where + " reachable at boot", "none");
        }
        StringBuilder detail = new StringBuilder(where).append(" unreachable at boot (waited ")
                .append(waited.toSeconds()).append(" s)");
        fallback.ifPresent(f -> detail.append("; rate limits use RATE_LIMIT_FALLBACK=")
                .append(f.name().toLowerCase(Locale.ROOT)).append(" until it answers"));
        if (job) {
            detail.append("; job mirror-cleanup waits for it, then runs under its fenced lease");
        }
        return Finding.warn("HG-R001", "12-factor IV: backing services", "REDIS_URI", detail.toString(),
                "start Redis or correct REDIS_URI; the service connects by itself once Redis answers");
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
