package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.http.OAuth2HttpServer;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.hardening.testkit.FakeTime;

/**
 * The verifier against an independently written OpenID provider, NAV's {@code mock-oauth2-server}
 * (Kotlin, its own discovery, JWKS and token endpoints), started in-process on a free loopback
 * port. Tokens are obtained over HTTP from its token endpoint, as a real client would; the
 * verifier finds the keys through OIDC discovery.
 */
class MockOAuth2ServerIT {

    private static final String ISSUER_ID = "default";
    private static final String CLIENT_ID = "orders-client";

    private final FakeTime clock = FakeTime.startingAt(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<TokenVerifier> verifiers = new ArrayList<>();
    private MockOAuth2Server server;
    private int port;

    /** A provider with a freshly generated key whose tokens carry the test clock's time. */
    private MockOAuth2Server provider(OAuth2HttpServer httpServer) {
        OAuth2TokenProvider tokens = new OAuth2TokenProvider(new KeyProvider(List.of()), clock::now);
        return new MockOAuth2Server(new OAuth2Config(false, null, null, false, tokens, Set.of(), httpServer));
    }

    /**
     * Its default HTTP server (OkHttp MockWebServer), which records requests so JWKS fetches can be
     * counted, listening with SO_REUSEADDR so that a restarted provider can bind the same port at once.
     */
    private MockOAuth2Server startProvider(int onPort) {
        MockWebServerWrapper http = new MockWebServerWrapper(null);
        http.getMockWebServer().setServerSocketFactory(new ServerSocketFactory() {
            @Override
            public ServerSocket createServerSocket() throws IOException {
                // MockWebServer turns SO_REUSEADDR off for port 0; connections accepted on the first
                // port would then block the restarted provider's bind while in TIME_WAIT.
                return new ServerSocket() {
                    @Override
                    public void setReuseAddress(boolean on) throws java.net.SocketException {
                        super.setReuseAddress(true);
                    }
                };
            }

            @Override
            public ServerSocket createServerSocket(int p) throws IOException {
                throw new UnsupportedOperationException("unbound sockets only");
            }

            @Override
            public ServerSocket createServerSocket(int p, int backlog) throws IOException {
                throw new UnsupportedOperationException("unbound sockets only");
            }

            @Override
            public ServerSocket createServerSocket(int p, int backlog, InetAddress address) throws IOException {
                throw new UnsupportedOperationException("unbound sockets only");
            }
        });
        MockOAuth2Server s = provider(http);
        s.start(InetAddress.getLoopbackAddress(), onPort);
        return s;
    }

    @BeforeEach
    void startProvider() {
        server = startProvider(0);
        port = server.baseUrl().port();
    }

    @AfterEach
    void stop() {
        verifiers.forEach(TokenVerifier::close);
        server.shutdown();
    }

    private String issuer() {
        return "http://localhost:" + port + "/" + ISSUER_ID;
    }

    private TokenVerifier verifier(IssuerPolicy policy) {
        TokenVerifier v = TokenVerifier.builder().issuer(policy).timeSource(clock)
                .jwks(JwksSettings.builder().initialBackoff(Duration.ofMillis(1)).build()).build();
        verifiers.add(v);
        return v;
    }

    private TokenVerifier accessTokenVerifier(String audience) {
        return verifier(IssuerPolicy.discovery(issuer()).audience(audience).build());
    }

    private Map<String, Object> post(String path, String... form) throws Exception {
        StringJoiner body = new StringJoiner("&");
        for (int i = 0; i < form.length; i += 2) {
            body.add(form[i] + "=" + URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("token endpoint status").isEqualTo(200);
        return JSONObjectUtils.parse(r.body());
    }

    /** A client-credentials access token from the provider's token endpoint. */
    private String clientCredentialsToken(String typ, List<String> audience, Map<String, Object> claims) throws Exception {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, CLIENT_ID, typ, audience, claims, 300));
        return (String) post("/token", "grant_type", "client_credentials", "client_id", CLIENT_ID,
                "client_secret", "not-checked", "scope", "orders:read").get("access_token");
    }

    /** Counts and forgets the JWKS requests the provider has received (all answered before this is called). */
    private int drainJwksRequests() {
        int n = 0;
        while (true) {
            RecordedRequest r;
            try {
                r = server.takeRequest(10, TimeUnit.MILLISECONDS);
            } catch (RuntimeException queueEmpty) {
                return n;
            }
            if (r == null) {
                return n;
            }
            if (r.getPath() != null && r.getPath().endsWith("/jwks")) {
                n++;
            }
        }
    }

    private static RejectionReason reason(TokenVerifier v, String token) {
        try {
            v.verify(token);
        } catch (TokenRejectedException e) {
            return e.reason();
        }
        throw new AssertionError("token accepted");
    }

    @Test
    void verifiesAccessTokensFromItsTokenEndpointThroughDiscovery() throws Exception {
        TokenVerifier v = accessTokenVerifier("orders-api");
        String token = clientCredentialsToken("JWT", List.of("orders-api"), Map.of("scope", "orders:read"));

        VerifiedToken t = v.verify(token);
        assertThat(t.issuer()).isEqualTo(issuer());
        assertThat(t.subject()).isEqualTo(CLIENT_ID);
        assertThat(t.audiences()).containsExactly("orders-api");
        assertThat(t.algorithm()).isEqualTo("RS256");
        assertThat(t.keyId()).contains(ISSUER_ID);
        assertThat(t.scopes()).contains("orders:read");
        assertThat(v.status().get(0).keyIds()).containsExactly(ISSUER_ID);

        assertThat(reason(accessTokenVerifier("billing-api"), token)).isEqualTo(RejectionReason.WRONG_AUDIENCE);
        TokenVerifier other = verifier(IssuerPolicy.discovery("http://localhost:" + port + "/other")
                .audience("orders-api").build());
        assertThat(reason(other, token)).isEqualTo(RejectionReason.WRONG_ISSUER);
        clock.advance(Duration.ofSeconds(300 + 61));
        assertThat(reason(v, token)).isEqualTo(RejectionReason.EXPIRED);
    }

    @Test
    void verifiesRfc9068AccessTokensAndKeepsTheProfilesApart() throws Exception {
        TokenVerifier rfc9068 = verifier(IssuerPolicy.discovery(issuer()).audience("orders-api")
                .profile(TokenProfile.RFC9068_ACCESS_TOKEN).build());
        String atJwt = clientCredentialsToken("at+jwt", List.of("orders-api"), Map.of("client_id", CLIENT_ID));
        VerifiedToken t = rfc9068.verify(atJwt);
        assertThat(t.type()).contains("at+jwt");
        assertThat(t.claims()).containsEntry("client_id", CLIENT_ID);

        String plainJwt = clientCredentialsToken("JWT", List.of("orders-api"), Map.of("client_id", CLIENT_ID));
        assertThat(reason(rfc9068, plainJwt)).isEqualTo(RejectionReason.WRONG_TOKEN_TYPE);
    }

    @Test
    void verifiesIdTokensFromTheAuthorizationCodeFlow() throws Exception {
        String nonce = UUID.randomUUID().toString();
        String redirect = "http://localhost/callback";
        HttpResponse<Void> authorize = http.send(HttpRequest.newBuilder(URI.create(issuer() + "/authorize?response_type=code"
                + "&client_id=" + CLIENT_ID + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                + "&scope=openid&state=s1&nonce=" + nonce)).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(authorize.statusCode()).isEqualTo(302);
        String location = authorize.headers().firstValue("Location").orElseThrow();
        String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
        String idToken = (String) post("/token", "grant_type", "authorization_code", "code", code,
                "redirect_uri", redirect, "client_id", CLIENT_ID, "client_secret", "not-checked").get("id_token");

        TokenVerifier ids = verifier(IssuerPolicy.discovery(issuer()).profile(TokenProfile.ID_TOKEN).clientId(CLIENT_ID).build());
        VerifiedToken t = ids.verifyIdToken(idToken, nonce);
        assertThat(t.audiences()).containsExactly(CLIENT_ID);
        assertThat(t.profile()).isEqualTo(TokenProfile.ID_TOKEN);
        assertThatThrownBy(() -> ids.verifyIdToken(idToken, "another-nonce"))
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.NONCE_MISMATCH);
        // An ID token is not an access token, even for an API that accepts the client id as audience.
        assertThat(reason(accessTokenVerifier(CLIENT_ID), idToken)).isEqualTo(RejectionReason.WRONG_TOKEN_TYPE);
    }

    @Test
    void unknownKidFloodCostsTheProviderAtMostTwoJwksFetches() throws Exception {
        TokenVerifier v = accessTokenVerifier("orders-api");
        String valid = clientCredentialsToken("JWT", List.of("orders-api"), Map.of());
        assertThat(v.verify(valid).subject()).isEqualTo(CLIENT_ID);
        drainJwksRequests();

        // 2,000 tokens signed by someone else under random kids: all rejected, the provider barely asked.
        long now = clock.now().getEpochSecond();
        for (int i = 0; i < 2000; i++) {
            String forged = Jwt.token().claim("iss", issuer()).claim("aud", "orders-api").claim("iat", now)
                    .claim("exp", now + 60).alg("RS256", UUID.randomUUID().toString()).sign(TestKeys.RSA);
            assertThat(reason(v, forged)).isEqualTo(RejectionReason.UNKNOWN_KEY);
        }
        assertThat(drainJwksRequests()).isLessThanOrEqualTo(JwksSettings.DEFAULT_REFRESHES_PER_WINDOW);
        assertThat(v.verify(valid).subject()).isEqualTo(CLIENT_ID);
    }

    @Test
    void aKeyReplacedUnderTheSameKidIsPickedUpOnTheNextRefresh() throws Exception {
        TokenVerifier v = accessTokenVerifier("orders-api");
        String before = clientCredentialsToken("JWT", List.of("orders-api"), Map.of());
        assertThat(v.verify(before).subject()).isEqualTo(CLIENT_ID);

        // The provider restarts with a new key under the same kid (mock-oauth2-server's kid is the issuer id).
        server.shutdown();
        server = startProvider(port);
        long fetches = v.status().get(0).fetches();
        String after = clientCredentialsToken("JWT", List.of("orders-api"), Map.of());
        assertThat(Jwt.parts(after).get(0)).isEqualTo(Jwt.parts(before).get(0));
        // Until the cached set is refreshed the new key is not known: its tokens fail, none is let through.
        assertThat(reason(v, after)).isEqualTo(RejectionReason.BAD_SIGNATURE);
        assertThat(v.verify(before).subject()).isEqualTo(CLIENT_ID);

        // After the cache lifetime the set is fetched again and the replacement takes effect.
        clock.advance(JwksSettings.DEFAULT_CACHE_TTL.plusSeconds(1));
        v.warmUp().join();
        String fresh = clientCredentialsToken("JWT", List.of("orders-api"), Map.of());
        assertThat(v.verify(fresh).subject()).isEqualTo(CLIENT_ID);
        assertThat(reason(v, before)).isIn(RejectionReason.BAD_SIGNATURE, RejectionReason.EXPIRED);
        assertThat(v.status().get(0).fetches() - fetches).isBetween(1L, 2L);
    }
}
