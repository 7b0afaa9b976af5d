package dev.hardening.auth;

import static dev.hardening.auth.Jwt.AUDIENCE;
import static dev.hardening.auth.Jwt.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import dev.hardening.auth.internal.DefaultTokenVerifier;
import dev.hardening.auth.internal.TokenCacheStats;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.testkit.FakeTime;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache through the public verifier: what a hit skips, every way an entry must
 * die (expiry, key rotation, key revocation, a kid re-used for another key), a flood of invalid
 * tokens, DPoP proofs still checked on every request, the bound, the setting and the finding.
 * Entries dying on a policy change and the time rules on a wall clock that jumps are in
 * {@code internal.VerifiedTokenCacheTest}.
 */
class TokenCacheTest {

    private final FakeTime clock = FakeTime.startingAt(NOW);
    private final List<TokenVerifier> verifiers = new ArrayList<>();
    private FakeIdp idp;

    @AfterEach
    void stop() {
        verifiers.forEach(TokenVerifier::close);
        if (idp != null) {
            idp.close();
        }
    }

    private TokenVerifier staticVerifier(Optional<TokenCache> cache) {
        TokenVerifier.Builder b = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(Jwt.ISSUER, TestKeys.standardJwks()).audience(AUDIENCE).build())
                .timeSource(clock);
        cache.ifPresent(b::tokenCache);
        TokenVerifier v = b.build();
        verifiers.add(v);
        return v;
    }

    private TokenVerifier remoteVerifier() {
        idp = idp == null ? new FakeIdp() : idp;
        TokenVerifier v = TokenVerifier.builder()
                .issuer(IssuerPolicy.jwksUri(idp.issuer(), idp.jwksUri()).audience(AUDIENCE).build())
                .timeSource(clock)
                .jwks(JwksSettings.builder().initialBackoff(Duration.ofMillis(1)).build())
                .build();
        verifiers.add(v);
        // The first fetch is waited for here, unbounded: on a loaded machine a cold HTTP client can
        // take longer than the verifier's bounded wait, and these tests are not about that wait.
        v.warmUp().join();
        return v;
    }

    private static TokenCacheStats stats(TokenVerifier v) {
        return ((DefaultTokenVerifier) v).tokenCacheStats().orElseThrow();
    }

    private String remoteToken(String kid, KeyPair key) {
        return Jwt.token().claim("iss", idp.issuer()).alg("RS256", kid).sign(key);
    }

    private static String jwk(KeyPair key, String kid) {
        return TestKeys.jwk(key, kid).toJSONString();
    }

    private static void assertRejected(TokenVerifier v, String token, RejectionReason reason) {
        assertThatThrownBy(() -> v.verify(token))
                .isInstanceOf(TokenRejectedException.class)
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(reason);
    }

    @Test
    void aRepeatedTokenIsAnsweredFromTheCache() {
        TokenVerifier v = staticVerifier(Optional.empty());
        String token = Jwt.token().sign(TestKeys.RSA);
        VerifiedToken first = v.verify(token);
        VerifiedToken second = v.verify(token);
        assertThat(second).isSameAs(first);
        TokenCacheStats s = stats(v);
        assertThat(s.admitted()).isEqualTo(1);
        assertThat(s.hits()).isEqualTo(1);
        assertThat(s.misses()).isEqualTo(1);
        assertThat(s.size()).isEqualTo(1);
    }

    @Test
    void anExpiredTokenIsRejectedAsWithoutACache() {
        TokenVerifier v = staticVerifier(Optional.empty());
        String token = Jwt.token().sign(TestKeys.RSA);
        v.verify(token);
        v.verify(token);
        // exp is NOW + 600 s; with the 60 s skew the token is still good one second before exp + skew.
        clock.advance(Duration.ofSeconds(600 + 60 - 1));
        assertThat(v.verify(token).subject()).isEqualTo("alice");
        assertThat(stats(v).hits()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        assertRejected(v, token, RejectionReason.EXPIRED);
        assertThat(stats(v).size()).isZero();
        assertThat(stats(v).hits()).isEqualTo(2);
        assertThat(stats(v).admitted()).isEqualTo(1);
    }

    @Test
    void anEntryDiesWhenItsKeyIsRotatedOut() {
        idp = new FakeIdp();
        idp.jwks(TestKeys.jwks(jwk(TestKeys.RSA, "k1")));
        TokenVerifier v = remoteVerifier();
        String old = remoteToken("k1", TestKeys.RSA);
        v.verify(old);
        v.verify(old);
        assertThat(stats(v).hits()).isEqualTo(1);

        idp.jwks(TestKeys.jwks(jwk(TestKeys.RSA_2, "k2")));
        clock.advance(Duration.ofSeconds(5));
        // A token with the new kid makes the verifier fetch the rotated set.
        assertThat(v.verify(remoteToken("k2", TestKeys.RSA_2)).keyId()).contains("k2");
        assertThat(v.status().get(0).keyIds()).containsExactly("k2");

        assertRejected(v, old, RejectionReason.UNKNOWN_KEY);
        assertThat(stats(v).droppedKeyGone()).isEqualTo(1);
        assertThat(stats(v).hits()).isEqualTo(1);
        assertRejected(v, old, RejectionReason.UNKNOWN_KEY);
        assertThat(stats(v).hits()).isEqualTo(1);
    }

    @Test
    void anEntryDiesWhenItsKeyIsRevokedWhileOthersSurviveTheRefresh() {
        idp = new FakeIdp();
        idp.jwks(TestKeys.jwks(jwk(TestKeys.RSA, "k1"), jwk(TestKeys.RSA_2, "k2")));
        TokenVerifier v = remoteVerifier();
        String revoked = remoteToken("k1", TestKeys.RSA);
        String kept = remoteToken("k2", TestKeys.RSA_2);
        v.verify(revoked);
        v.verify(kept);

        idp.jwks(TestKeys.jwks(jwk(TestKeys.RSA_2, "k2")));
        clock.advance(Duration.ofSeconds(5));
        assertRejected(v, remoteToken("k3", TestKeys.RSA), RejectionReason.UNKNOWN_KEY);
        assertThat(v.status().get(0).keyIds()).containsExactly("k2");

        assertRejected(v, revoked, RejectionReason.UNKNOWN_KEY);
        // k2 is unchanged in the refreshed set (a new object for the same key): its entry lives on.
        assertThat(v.verify(kept).keyId()).contains("k2");
        TokenCacheStats s = stats(v);
        assertThat(s.droppedKeyGone()).isEqualTo(1);
        assertThat(s.hits()).isEqualTo(1);
        assertThat(s.size()).isEqualTo(1);
    }

    @Test
    void anEntryDiesWhenItsKidNowNamesAnotherKey() {
        idp = new FakeIdp();
        idp.jwks(TestKeys.jwks(jwk(TestKeys.RSA, "k1")));
        TokenVerifier v = remoteVerifier();
        String token = remoteToken("k1", TestKeys.RSA);
        v.verify(token);

        idp.jwks(TestKeys.jwks(jwk(TestKeys.RSA_2, "k1")));
        clock.advance(Duration.ofSeconds(5));
        int fetched = idp.jwksFetches();
        assertRejected(v, remoteToken("other", TestKeys.RSA), RejectionReason.UNKNOWN_KEY);
        assertThat(idp.jwksFetches()).isGreaterThan(fetched);

        assertRejected(v, token, RejectionReason.BAD_SIGNATURE);
        assertThat(stats(v).droppedKeyGone()).isEqualTo(1);
        assertThat(stats(v).hits()).isZero();
    }

    @Test
    void aHitStillNeedsTheIssuersKeys() {
        idp = new FakeIdp();
        idp.jwks(TestKeys.jwks(jwk(TestKeys.RSA, "k1")), "public, max-age=300");
        TokenVerifier v = remoteVerifier();
        String token = Jwt.token().claim("iss", idp.issuer()).claim("exp", NOW.getEpochSecond() + 86_000)
                .alg("RS256", "k1").sign(TestKeys.RSA);
        v.verify(token);
        idp.jwksStatus(500);
        clock.advance(Duration.ofSeconds(300).plus(JwksSettings.DEFAULT_OUTAGE_TOLERANCE));
        assertThatThrownBy(() -> v.verify(token)).isInstanceOf(KeysUnavailableException.class);
    }

    @Test
    void aFloodOfDistinctInvalidTokensNeitherGrowsNorEvicts() {
        TokenVerifier v = staticVerifier(Optional.of(TokenCache.bounded(64)));
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            valid.add(Jwt.token().claim("sub", "user-" + i).sign(TestKeys.RSA));
        }
        valid.forEach(v::verify);
        assertThat(stats(v).size()).isEqualTo(50);

        for (int i = 0; i < 1_000; i++) {
            // A forged signature, a token that verifies but has expired, and junk: all distinct.
            String forged = Jwt.token().claim("sub", "forged-" + i).sign(TestKeys.RSA_2);
            String expired = Jwt.token().claim("sub", "late-" + i).claim("exp", NOW.getEpochSecond() - 3600)
                    .sign(TestKeys.RSA);
            String junk = "eyJ" + i + ".x.y";
            assertThatThrownBy(() -> v.verify(forged)).isInstanceOf(InvalidTokenException.class);
            assertThatThrownBy(() -> v.verify(expired)).isInstanceOf(InvalidTokenException.class);
            assertThatThrownBy(() -> v.verify(junk)).isInstanceOf(InvalidTokenException.class);
            if (i % 100 == 0) {
                assertThat(stats(v).size()).isEqualTo(50);
            }
        }
        TokenCacheStats after = stats(v);
        assertThat(after.size()).isEqualTo(50);
        assertThat(after.admitted()).isEqualTo(50);

        long hits = after.hits();
        valid.forEach(v::verify);
        assertThat(stats(v).hits()).isEqualTo(hits + 50);
    }

    @Test
    void validTokensBeyondTheBoundAreEvicted() {
        TokenVerifier v = staticVerifier(Optional.of(TokenCache.bounded(16)));
        for (int i = 0; i < 200; i++) {
            v.verify(Jwt.token().claim("sub", "user-" + i).sign(TestKeys.RSA));
        }
        assertThat(stats(v).admitted()).isEqualTo(200);
        assertThat(stats(v).size()).isLessThanOrEqualTo(16);
    }

    @Test
    void aTokenDifferingOnlyOutsideAsciiIsNeverAHit() {
        TokenVerifier v = staticVerifier(Optional.empty());
        String token = Jwt.token().sign(TestKeys.RSA);
        v.verify(token);
        // Same low byte as the first character ('e' = 0x65), a different character (U+0165).
        String lookalike = (char) 0x165 + token.substring(1);
        assertRejected(v, lookalike, RejectionReason.MALFORMED);
        assertThat(stats(v).hits()).isZero();
    }

    @Test
    void dpopProofsAreCheckedOnEveryRequestOfACachedToken() {
        TokenVerifier v = staticVerifier(Optional.empty());
        String at = DpopTest.boundToken(DpopTest.CLIENT);
        String proof1 = DpopTest.nimbusProof(DpopTest.nimbusKey(DpopTest.CLIENT), JWSAlgorithm.ES256, "GET", DpopTest.URL, at);
        String proof2 = DpopTest.nimbusProof(DpopTest.nimbusKey(DpopTest.CLIENT), JWSAlgorithm.ES256, "GET", DpopTest.URL, at);
        assertThat(v.verify(TokenRequest.dpop(at, Optional.of(proof1), "GET", DpopTest.URL)).subject()).isEqualTo("alice");
        assertThat(v.verify(TokenRequest.dpop(at, Optional.of(proof2), "GET", DpopTest.URL)).subject()).isEqualTo("alice");
        assertThat(stats(v).hits()).isEqualTo(1);

        // The token is cached; the proof is not.
        DpopTest.assertRejected(v, TokenRequest.dpop(at, Optional.of(proof1), "GET", DpopTest.URL),
                RejectionReason.DPOP_PROOF_REPLAYED);
        DpopTest.assertRejected(v, TokenRequest.dpop(at, Optional.empty(), "GET", DpopTest.URL),
                RejectionReason.DPOP_PROOF_INVALID);
        String wrongMethod = DpopTest.nimbusProof(DpopTest.nimbusKey(DpopTest.CLIENT), JWSAlgorithm.ES256, "POST",
                DpopTest.URL, at);
        DpopTest.assertRejected(v, TokenRequest.dpop(at, Optional.of(wrongMethod), "GET", DpopTest.URL),
                RejectionReason.DPOP_PROOF_MISMATCH);
        String otherKey = DpopTest.nimbusProof(DpopTest.nimbusKey(DpopTest.OTHER_CLIENT), JWSAlgorithm.ES256, "GET",
                DpopTest.URL, at);
        DpopTest.assertRejected(v, TokenRequest.dpop(at, Optional.of(otherKey), "GET", DpopTest.URL),
                RejectionReason.DPOP_KEY_MISMATCH);
        // Presented as Bearer, the cached bound token is still refused.
        assertRejected(v, at, RejectionReason.DPOP_BOUND_TOKEN);
        assertThat(stats(v).hits()).isEqualTo(6);
        assertThat(stats(v).admitted()).isEqualTo(1);
    }

    @Test
    void anIdTokenWithANonceIsNeverCached() {
        TokenVerifier v = TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(Jwt.ISSUER, TestKeys.standardJwks()).profile(TokenProfile.ID_TOKEN)
                        .clientId("web-app").build())
                .timeSource(clock)
                .build();
        verifiers.add(v);
        String id = Jwt.token().claim("aud", "web-app").claim("scope", null).claim("nonce", "n-1").sign(TestKeys.RSA);
        v.verifyIdToken(id, "n-1");
        assertThatThrownBy(() -> v.verifyIdToken(id, "n-2")).isInstanceOf(InvalidTokenException.class)
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.NONCE_MISMATCH);
        assertThat(stats(v).admitted()).isZero();
    }

    @Test
    void onByDefaultOffOnRequestAndNamedInTheFindings() {
        assertThat(TokenCache.defaults().enabled()).isTrue();
        assertThat(TokenCache.defaults().maximumSize()).isEqualTo(TokenCache.DEFAULT_MAXIMUM_SIZE).isEqualTo(10_000);
        assertThat(TokenCache.disabled().enabled()).isFalse();
        assertThat(TokenCache.disabled().maximumSize()).isZero();
        assertThatThrownBy(() -> TokenCache.bounded(0)).hasMessage("maximumSize: 0 (expected: 1 to 1000000)");
        assertThatThrownBy(() -> TokenCache.bounded(1_000_001)).hasMessage("maximumSize: 1000001 (expected: 1 to 1000000)");
        assertThatThrownBy(() -> TokenVerifier.builder().tokenCache(TokenCache.disabled()).tokenCache(TokenCache.defaults()))
                .hasMessage("tokenCache: already set");
        assertThatThrownBy(() -> TokenVerifier.builder().tokenCache(null)).hasMessage("tokenCache: null");

        TokenVerifier on = staticVerifier(Optional.empty());
        Finding f = finding(on);
        assertThat(f.status()).isEqualTo(FindingStatus.PASS);
        assertThat(f.detail()).startsWith("on: up to 10000 verified tokens");

        TokenVerifier off = staticVerifier(Optional.of(TokenCache.disabled()));
        assertThat(((DefaultTokenVerifier) off).tokenCacheStats()).isEmpty();
        assertThat(finding(off).detail()).startsWith("off:");
        String token = Jwt.token().sign(TestKeys.RSA);
        assertThat(off.verify(token)).isNotSameAs(off.verify(token));
    }

    private static Finding finding(TokenVerifier v) {
        return v.findings(AppEnvironment.PRODUCTION).stream()
                .filter(x -> x.id().equals(DefaultTokenVerifier.TOKEN_CACHE_FINDING)).findFirst().orElseThrow();
    }
}
