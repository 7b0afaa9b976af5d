package dev.hardening.samples.grpc;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

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

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
