package dev.hardening.auth;

import static dev.hardening.auth.Jwt.NOW;
import static dev.hardening.auth.Jwt.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.hardening.testkit.FakeTime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The provider connection: JWKS fetched through an egress proxy (a host name only the proxy can
 * reach), given as a proxy selector or as a whole {@link HttpClient}.
 */
class ProviderConnectionTest {

    private static final URI JWKS = URI.create("http://idp.internal.invalid/keys");
    private final List<String> proxied = new CopyOnWriteArrayList<>();
    private final HttpServer proxy;

    ProviderConnectionTest() throws IOException {
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", ex -> {
            proxied.add(ex.getRequestURI().toString());
            byte[] body = TestKeys.standardJwks().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        proxy.start();
    }

    @AfterEach
    void stop() {
        proxy.stop(0);
    }

    private TokenVerifier verifier(ProviderConnection connection) {
        return TokenVerifier.builder()
                .issuer(IssuerPolicy.jwksUri(Jwt.ISSUER, JWKS).audience(Jwt.AUDIENCE).build())
                .timeSource(FakeTime.startingAt(NOW))
                .connection(connection)
                .build();
    }

    private ProxySelector selector() {
        return ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.getAddress().getPort()));
    }

    @Test
    void fetchesKeysThroughTheConfiguredProxy() {
        try (TokenVerifier v = verifier(ProviderConnection.builder().proxy(selector()).build())) {
            assertThat(v.verify(token().sign(TestKeys.RSA)).subject()).isEqualTo("alice");
        }
        assertThat(proxied).containsExactly(JWKS.toString());
    }

    @Test
    void usesAWholeClientGivenByTheUser() {
        HttpClient mine = HttpClient.newBuilder().proxy(selector()).followRedirects(HttpClient.Redirect.NEVER).build();
        try (TokenVerifier v = verifier(ProviderConnection.of(mine))) {
            assertThat(v.verify(token().sign(TestKeys.RSA)).subject()).isEqualTo("alice");
        }
        assertThat(proxied).hasSize(1);
    }

    @Test
    void withoutTheProxyTheProviderIsUnreachable() {
        try (TokenVerifier v = verifier(ProviderConnection.defaults())) {
            assertThatThrownBy(() -> v.verify(token().sign(TestKeys.RSA))).isInstanceOf(KeysUnavailableException.class);
        }
        assertThat(proxied).isEmpty();
    }

    @Test
    void optionsAreSetOnceAndShownWithoutSecrets() throws Exception {
        SSLContext tls = SSLContext.getDefault();
        ProviderConnection c = ProviderConnection.builder().sslContext(tls).build();
        assertThat(c.sslContext()).contains(tls);
        assertThat(c.toString()).isEqualTo("ProviderConnection[tls=custom, proxy=none]");
        assertThat(ProviderConnection.defaults().httpClient()).isEmpty();
        assertThatThrownBy(() -> ProviderConnection.builder().sslContext(tls).sslContext(tls)).hasMessage("sslContext: already set");
        assertThatThrownBy(() -> TokenVerifier.builder().connection(c).connection(c)).hasMessage("connection: already set");
    }
}
