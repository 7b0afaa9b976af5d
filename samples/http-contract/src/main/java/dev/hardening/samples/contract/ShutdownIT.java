package dev.hardening.samples.contract;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAMPLE.md's shutdown contract, with SIGTERM sent to the packaged jar. */
class ShutdownIT {

    private static final Duration BOOT = ServiceProcess.bootTimeout();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;


    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token(String base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/dev/token")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        int start = body.indexOf("\"access_token\":\"") + 16;
        return body.substring(start, body.indexOf('"', start));
    }

    /** Polls until the request answers with the status, or the deadline passes. */
    private boolean eventually(String url, int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get(url, null).statusCode() == status) {
                    return true;
                }
            } catch (java.io.IOException e) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return false;
    }

    @Test
    void sigtermTurnsReadinessOffKeepsServingThenDrainsInFlightWorkAndExitsZero() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0", "SHUTDOWN_DELAY", "2s", "DRAIN_TIMEOUT", "6s"), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            String token = token(base);
            assertThat(get(base + "/readyz", null).statusCode()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return get(base + "/api/v1/work?ms=3000", token);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // whether the slow request reaches the server before or during SHUTDOWN_DELAY, it must finish with 200
            assertThat(get(base + "/api/v1/work?ms=0", token).statusCode()).isEqualTo(200);
            long signalled = System.nanoTime();
            p.terminate();
            assertThat(eventually(base + "/readyz", 503, Duration.ofSeconds(1))).as("readiness off at once").isTrue();
            assertThat(get(base + "/livez", null).statusCode()).isEqualTo(200);
            assertThat(get(base + "/api/v1/me", token).statusCode()).as("still serving during SHUTDOWN_DELAY").isEqualTo(200);
            p.terminate(); // a second SIGTERM does not skip the drain
            HttpResponse<String> finished = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(finished.statusCode()).isEqualTo(200);
            assertThat(p.awaitExit(Duration.ofSeconds(20))).isZero();
            long tookMs = (System.nanoTime() - signalled) / 1_000_000;
            assertThat(tookMs).as("within SHUTDOWN_DELAY + DRAIN_TIMEOUT + 2s").isLessThan(2_000 + 6_000 + 2_000);
            assertThat(p.allOutput()).contains("http=FINISHED");
        }
    }

    @Test
    void workStillRunningAtTheDeadlineIsCutWith503AndTheExitIsNonZero() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "PORT", "0", "SHUTDOWN_DELAY", "0s", "DRAIN_TIMEOUT", "1s"), work)) {
            String base = p.awaitListening(BOOT);
            assertThat(base).as(p.allOutput()).isNotNull();
            String token = token(base);
            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return get(base + "/api/v1/work?ms=20000", token);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(get(base + "/api/v1/work?ms=0", token).statusCode()).isEqualTo(200);
            long signalled = System.nanoTime();
            p.terminate();
            HttpResponse<String> cut = slow.get(30, TimeUnit.SECONDS);
            assertThat(cut.statusCode()).isEqualTo(503);
            assertThat(cut.headers().firstValue("Connection")).contains("close");
            assertThat(cut.body()).contains("\"status\":503");
            int exit = p.awaitExit(Duration.ofSeconds(20));
            assertThat(exit).isNotZero();
            assertThat((System.nanoTime() - signalled) / 1_000_000).isLessThan(0 + 1_000 + 2_000);
            assertThat(p.allOutput()).contains("http=CUT");
        }
    }
}
