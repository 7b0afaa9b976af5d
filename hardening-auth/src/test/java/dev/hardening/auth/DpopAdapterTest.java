package dev.hardening.auth;

import static dev.hardening.auth.Jwt.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.sun.net.httpserver.HttpServer;
import dev.hardening.auth.jdkhttp.BearerAuthFilter;
import dev.hardening.testkit.FakeTime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DPoP through the JDK HttpServer adapter on a real loopback server: statuses and challenges on the wire. */
class DpopAdapterTest {

    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final HttpClient client = HttpClient.newHttpClient();
    private final TokenVerifier verifier = DpopTest.verifier(FakeTime.startingAt(NOW), DpopPolicy.defaults());
    private HttpServer server;

    private URI start(Predicate<InetAddress> trustedProxies) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var ctx = server.createContext("/api/v1/me", ex -> {
            byte[] b = ("{\"sub\":\"" + BearerAuthFilter.token(ex).subject() + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        ctx.getFilters().add(BearerAuthFilter.identifying(verifier, trustedProxies));
        ctx.getFilters().add(BearerAuthFilter.of(verifier, trustedProxies));
        server.setExecutor(handlers);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/me");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
        verifier.close();
    }

    private HttpResponse<String> send(URI url, String authorization, String proof, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Authorization", authorization);
        if (proof != null) {
            b.header("DPoP", proof);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String proof(URI htu, String at) {
        return DpopTest.nimbusProof(DpopTest.nimbusKey(DpopTest.CLIENT), JWSAlgorithm.ES256, "GET", htu, at);
    }

    @Test
    void servesADpopBoundRequestOnceAndRefusesItsReplay() throws Exception {
        URI url = start(a -> false);
        String at = DpopTest.boundToken(DpopTest.CLIENT);
        String proof = proof(url, at);
        HttpResponse<String> ok = send(url, "DPoP " + at, proof);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("alice");
        HttpResponse<String> replay = send(url, "DPoP " + at, proof);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("DPoP realm=\"api\", error=\"invalid_dpop_proof\", error_description=\"dpop_proof_replayed\"")
                .contains("algs=\"RS256 ").contains("ES256");
        assertThat(replay.body()).doesNotContain(at.substring(0, 30)).contains("\"code\":\"dpop_proof_replayed\"");
    }

    @Test
    void aBoundTokenPresentedAsBearerIs401WithADpopChallenge() throws Exception {
        URI url = start(a -> false);
        HttpResponse<String> r = send(url, "Bearer " + DpopTest.boundToken(DpopTest.CLIENT), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("DPoP realm=\"api\", error=\"invalid_token\", error_description=\"dpop_bound_token\"").contains("algs=");
    }

    @Test
    void aProofForAnotherUrlIsRefused() throws Exception {
        URI url = start(a -> false);
        String at = DpopTest.boundToken(DpopTest.CLIENT);
        HttpResponse<String> r = send(url, "DPoP " + at, proof(URI.create("https://api.example.com/api/v1/me"), at));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_dpop_proof\"")
                .contains("dpop_proof_mismatch");
    }

    @Test
    void believesForwardedProtoAndHostOnlyFromTrustedProxies() throws Exception {
        URI external = URI.create("https://api.example.com/api/v1/me");
        String at = DpopTest.boundToken(DpopTest.CLIENT);
        URI url = start(InetAddress::isLoopbackAddress);
        assertThat(send(url, "DPoP " + at, proof(external, at), "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "api.example.com").statusCode()).isEqualTo(200);
        server.stop(0);
        URI untrusted = start(a -> false);
        HttpResponse<String> r = send(untrusted, "DPoP " + at, proof(external, at), "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "api.example.com");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("dpop_proof_mismatch");
    }

    @Test
    void aDpopRequestWithoutProofIsRefusedAsAProofError() throws Exception {
        URI url = start(a -> false);
        HttpResponse<String> r = send(url, "DPoP " + DpopTest.boundToken(DpopTest.CLIENT), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_dpop_proof\"");
    }
}
