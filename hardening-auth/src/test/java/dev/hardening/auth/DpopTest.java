package dev.hardening.auth;

import static dev.hardening.auth.Jwt.NOW;
import static dev.hardening.auth.Jwt.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import dev.hardening.testkit.FakeTime;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DPoP attack suite (RFC 9449 §4.3 and §7.1). Valid proofs come from an independent
 * implementation (Nimbus' OAuth 2.0 SDK {@code DefaultDPoPProofFactory}); defective ones are forged
 * with the JCA so that any header or claim can be wrong.
 */
class DpopTest {

    static final URI URL = URI.create("https://api.example.com/api/v1/me");
    static final KeyPair CLIENT = ec();
    static final KeyPair OTHER_CLIENT = ec();

    private final FakeTime time = FakeTime.startingAt(NOW);
    private final TokenVerifier verifier = verifier(time, DpopPolicy.defaults());

    static TokenVerifier verifier(FakeTime time, DpopPolicy dpop) {
        return TokenVerifier.builder()
                .issuer(IssuerPolicy.staticKeys(Jwt.ISSUER, TestKeys.standardJwks()).audience(Jwt.AUDIENCE).build())
                .timeSource(time)
                .dpop(dpop)
                .build();
    }

    @AfterEach
    void close() {
        verifier.close();
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey nimbusKey(KeyPair kp) {
        return new ECKey.Builder(Curve.P_256, (ECPublicKey) kp.getPublic()).privateKey((ECPrivateKey) kp.getPrivate()).build();
    }

    static String jkt(KeyPair kp) {
        try {
            return nimbusKey(kp).toPublicJWK().computeThumbprint().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An access token bound to the client key. */
    static String boundToken(KeyPair client) {
        return token().claim("cnf", Map.of("jkt", jkt(client))).sign(TestKeys.RSA);
    }

    /** A valid proof made by Nimbus' OAuth SDK. */
    static String nimbusProof(JWK key, JWSAlgorithm alg, String method, URI url, String accessToken) {
        try {
            return new DefaultDPoPProofFactory(key, alg)
                    .createDPoPJWT(new JWTID(), method, url, Date.from(NOW), new DPoPAccessToken(accessToken))
                    .serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String ath(String accessToken) {
        try {
            return Jwt.b64(MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof forged with the JCA: every field valid unless changed by the caller. */
    static Jwt forged(KeyPair client, String accessToken) {
        Map<String, Object> jwk = new LinkedHashMap<>(nimbusKey(client).toPublicJWK().toJSONObject());
        return Jwt.blank()
                .header("typ", "dpop+jwt").header("alg", "ES256").header("jwk", jwk)
                .claim("jti", UUID.randomUUID().toString()).claim("htm", "GET").claim("htu", URL.toString())
                .claim("iat", NOW.getEpochSecond()).claim("ath", ath(accessToken));
    }

    private TokenRequest request(String token, String proof) {
        return TokenRequest.dpop(token, Optional.ofNullable(proof), "GET", URL);
    }

    private void assertRejected(TokenRequest request, RejectionReason reason) {
        assertRejected(verifier, request, reason);
    }

    static void assertRejected(TokenVerifier v, TokenRequest request, RejectionReason reason) {
        assertThatThrownBy(() -> v.verify(request))
                .isInstanceOf(TokenRejectedException.class)
                .satisfies(e -> {
                    assertThat(((TokenRejectedException) e).reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).doesNotContain(request.token().subSequence(0, 20));
                    assertThat(e.getStackTrace()).isEmpty();
                });
    }

    @Test
    void acceptsAProofMadeByNimbusWithAnEcKey() {
        String at = boundToken(CLIENT);
        VerifiedToken t = verifier.verify(request(at, nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URL, at)));
        assertThat(t.subject()).isEqualTo("alice");
    }

    @Test
    void acceptsAProofMadeByNimbusWithAnRsaKeyAndPs256() throws Exception {
        KeyPair rsa = TestKeys.RSA_2;
        RSAKey key = new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).privateKey((RSAPrivateKey) rsa.getPrivate()).build();
        String at = token().claim("cnf", Map.of("jkt", key.toPublicJWK().computeThumbprint().toString())).sign(TestKeys.RSA);
        assertThat(verifier.verify(request(at, nimbusProof(key, JWSAlgorithm.PS256, "GET", URL, at))).subject())
                .isEqualTo("alice");
    }

    @Test
    void acceptsAnEd25519ProofUnderItsRfc9864Name() {
        KeyPair ed = TestKeys.ED25519_OTHER;
        Map<String, Object> jwk = new LinkedHashMap<>(TestKeys.jwk(ed, null).toJSONObject());
        String at;
        try {
            at = token().claim("cnf", Map.of("jkt", TestKeys.jwk(ed, null).computeThumbprint().toString())).sign(TestKeys.RSA);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (String alg : new String[] {"Ed25519", "EdDSA"}) {
            String proof = forged(CLIENT, at).header("alg", alg).header("jwk", jwk).sign(ed.getPrivate());
            assertThat(verifier.verify(request(at, proof)).subject()).isEqualTo("alice");
        }
    }

    @Test
    void refusesAReplayedProof() {
        String at = boundToken(CLIENT);
        String proof = nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URL, at);
        verifier.verify(request(at, proof));
        assertRejected(request(at, proof), RejectionReason.DPOP_PROOF_REPLAYED);
    }

    @Test
    void refusesAReplayOnASecondReplicaSharingTheReplayStore() {
        Set<String> shared = ConcurrentHashMap.newKeySet();
        DpopPolicy policy = DpopPolicy.builder().replayCheck(shared::add).build();
        try (TokenVerifier replica1 = verifier(time, policy); TokenVerifier replica2 = verifier(time, policy)) {
            String at = boundToken(CLIENT);
            String proof = nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URL, at);
            replica1.verify(request(at, proof));
            assertRejected(replica2, request(at, proof), RejectionReason.DPOP_PROOF_REPLAYED);
            assertThat(shared).hasSize(1).allSatisfy(id -> assertThat(id).startsWith("dpop:").hasSize(DpopReplayCheck.MAX_ID_LENGTH));
        }
    }

    @Test
    void refusesWrongMethodAndWrongUrl() {
        String at = boundToken(CLIENT);
        assertRejected(request(at, nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "POST", URL, at)),
                RejectionReason.DPOP_PROOF_MISMATCH);
        for (String other : new String[] {"https://api.example.com/api/v1/other", "http://api.example.com/api/v1/me",
            "https://evil.example.com/api/v1/me", "https://api.example.com:8443/api/v1/me"}) {
            assertRejected(request(at, nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URI.create(other), at)),
                    RejectionReason.DPOP_PROOF_MISMATCH);
        }
    }

    @Test
    void comparesHtuWithoutQueryAndAfterNormalisation() {
        String at = boundToken(CLIENT);
        URI called = URI.create("https://api.example.com/api/v1/me?x=1");
        String proof = forged(CLIENT, at).claim("htu", "HTTPS://API.example.com:443/api/v1/me").sign(CLIENT.getPrivate());
        assertThat(verifier.verify(TokenRequest.dpop(at, Optional.of(proof), "GET", called)).subject()).isEqualTo("alice");
    }

    @Test
    void refusesMissingOrWrongAth() {
        String at = boundToken(CLIENT);
        assertRejected(request(at, forged(CLIENT, at).claim("ath", null).sign(CLIENT.getPrivate())),
                RejectionReason.DPOP_PROOF_MISMATCH);
        assertRejected(request(at, forged(CLIENT, at).claim("ath", ath(at + "x")).sign(CLIENT.getPrivate())),
                RejectionReason.DPOP_PROOF_MISMATCH);
    }

    @Test
    void refusesAProofMadeForAnotherToken() {
        String at = boundToken(CLIENT);
        String other = token().claim("sub", "bob").claim("cnf", Map.of("jkt", jkt(CLIENT))).sign(TestKeys.RSA);
        assertRejected(request(at, nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URL, other)),
                RejectionReason.DPOP_PROOF_MISMATCH);
    }

    @Test
    void refusesAProofKeyThatIsNotTheBoundKey() {
        String at = boundToken(CLIENT);
        assertRejected(request(at, nimbusProof(nimbusKey(OTHER_CLIENT), JWSAlgorithm.ES256, "GET", URL, at)),
                RejectionReason.DPOP_KEY_MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "HS256", "RS1", "ES256K"})
    void refusesUnsignedSymmetricAndUnknownAlgorithms(String alg) {
        String at = boundToken(CLIENT);
        Jwt proof = forged(CLIENT, at).header("alg", alg);
        assertRejected(request(at, proof.signingInput() + "."), RejectionReason.DPOP_PROOF_INVALID);
        assertRejected(request(at, proof.hmac(CLIENT.getPublic().getEncoded())), RejectionReason.DPOP_PROOF_INVALID);
    }

    @Test
    void refusesAnAlgorithmOutsideThePolicy() {
        try (TokenVerifier v = verifier(time, DpopPolicy.builder().algorithms("EdDSA").build())) {
            String at = boundToken(CLIENT);
            assertRejected(v, request(at, nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URL, at)),
                    RejectionReason.DPOP_PROOF_INVALID);
        }
    }

    @Test
    void refusesAJwkWithPrivateMembers() {
        String at = boundToken(CLIENT);
        Map<String, Object> withPrivate = new LinkedHashMap<>(nimbusKey(CLIENT).toJSONObject());
        assertThat(withPrivate).containsKey("d");
        assertRejected(request(at, forged(CLIENT, at).header("jwk", withPrivate).sign(CLIENT.getPrivate())),
                RejectionReason.DPOP_PROOF_INVALID);
    }

    @Test
    void refusesAProofWithoutJwkOrWithASymmetricJwk() {
        String at = boundToken(CLIENT);
        assertRejected(request(at, forged(CLIENT, at).header("jwk", null).sign(CLIENT.getPrivate())),
                RejectionReason.DPOP_PROOF_INVALID);
        assertRejected(request(at, forged(CLIENT, at).header("jwk", Map.of("kty", "oct", "k", "c2VjcmV0"))
                .sign(CLIENT.getPrivate())), RejectionReason.DPOP_PROOF_INVALID);
    }

    @Test
    void refusesASignatureByAnotherKeyThanTheJwk() {
        String at = boundToken(CLIENT);
        assertRejected(request(at, forged(CLIENT, at).sign(OTHER_CLIENT.getPrivate())), RejectionReason.DPOP_PROOF_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "at+jwt", ""})
    void refusesAnotherTyp(String typ) {
        String at = boundToken(CLIENT);
        assertRejected(request(at, forged(CLIENT, at).header("typ", typ.isEmpty() ? null : typ).sign(CLIENT.getPrivate())),
                RejectionReason.DPOP_PROOF_INVALID);
    }

    @ParameterizedTest
    @ValueSource(longs = {-61, 61, -3600, 3600})
    void refusesAStaleOrFutureIat(long offset) {
        String at = boundToken(CLIENT);
        assertRejected(request(at, forged(CLIENT, at).claim("iat", NOW.getEpochSecond() + offset).sign(CLIENT.getPrivate())),
                RejectionReason.DPOP_PROOF_EXPIRED);
    }

    @ParameterizedTest
    @ValueSource(longs = {-60, 60})
    void acceptsIatAtTheEdgeOfTheWindow(long offset) {
        String at = boundToken(CLIENT);
        String proof = forged(CLIENT, at).claim("iat", NOW.getEpochSecond() + offset).sign(CLIENT.getPrivate());
        assertThat(verifier.verify(request(at, proof)).subject()).isEqualTo("alice");
    }

    @Test
    void refusesMissingClaims() {
        String at = boundToken(CLIENT);
        for (String claim : new String[] {"jti", "htm", "htu", "iat"}) {
            assertRejected(request(at, forged(CLIENT, at).claim(claim, null).sign(CLIENT.getPrivate())),
                    RejectionReason.DPOP_PROOF_INVALID);
        }
    }

    @Test
    void refusesAMissingProof() {
        assertRejected(request(boundToken(CLIENT), null), RejectionReason.DPOP_PROOF_INVALID);
    }

    @Test
    void refusesABoundTokenPresentedAsBearer() {
        String at = boundToken(CLIENT);
        assertRejected(TokenRequest.bearer(at), RejectionReason.DPOP_BOUND_TOKEN);
        assertThatThrownBy(() -> verifier.verify(at)).isInstanceOf(InvalidTokenException.class)
                .extracting(e -> ((TokenRejectedException) e).reason()).isEqualTo(RejectionReason.DPOP_BOUND_TOKEN);
    }

    @Test
    void refusesAnUnboundTokenPresentedWithDpop() {
        String at = token().sign(TestKeys.RSA);
        assertRejected(request(at, nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URL, at)),
                RejectionReason.DPOP_NOT_BOUND);
    }

    @Test
    void refusesAnInvalidTokenBeforeLookingAtTheProof() {
        String at = boundToken(CLIENT);
        time.advance(Duration.ofHours(1));
        assertRejected(request(at, nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URL, at)), RejectionReason.EXPIRED);
    }

    @Test
    void aRejectedProofDoesNotUseUpItsJti() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (TokenVerifier v = verifier(time, DpopPolicy.builder().replayCheck(seen::add).build())) {
            String at = boundToken(CLIENT);
            assertRejected(v, TokenRequest.dpop(at, Optional.of(nimbusProof(nimbusKey(CLIENT), JWSAlgorithm.ES256, "GET", URL, at)),
                    "POST", URL), RejectionReason.DPOP_PROOF_MISMATCH);
            assertThat(seen).isEmpty();
        }
    }

    @Test
    void requiresTheServerNonceWhenConfigured() {
        DpopNonces nonces = new DpopNonces() {
            @Override
            public String current() {
                return "n-2";
            }

            @Override
            public boolean accepts(String nonce) {
                return nonce.equals("n-2") || nonce.equals("n-1");
            }
        };
        try (TokenVerifier v = verifier(time, DpopPolicy.builder().nonces(nonces).build())) {
            String at = boundToken(CLIENT);
            assertThatThrownBy(() -> v.verify(request(at, forged(CLIENT, at).sign(CLIENT.getPrivate()))))
                    .isInstanceOfSatisfying(DpopNonceRequiredException.class, e -> assertThat(e.nonce()).isEqualTo("n-2"));
            assertThatThrownBy(() -> v.verify(request(at, forged(CLIENT, at).claim("nonce", "n-0").sign(CLIENT.getPrivate()))))
                    .isInstanceOf(DpopNonceRequiredException.class);
            assertThat(v.verify(request(at, forged(CLIENT, at).claim("nonce", "n-1").sign(CLIENT.getPrivate()))).subject())
                    .isEqualTo("alice");
        }
    }

    @Test
    void refusesAnOversizedProofBeforeParsingIt() {
        String at = boundToken(CLIENT);
        String huge = "a".repeat(DpopPolicy.DEFAULT_MAX_PROOF_BYTES + 1);
        assertRejected(request(at, huge), RejectionReason.DPOP_PROOF_INVALID);
    }

    @Test
    void dpopPolicyDefaultsArePinned() {
        DpopPolicy d = DpopPolicy.defaults();
        assertThat(d.proofWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.replayTtl()).isEqualTo(Duration.ofSeconds(120));
        assertThat(d.maxProofBytes()).isEqualTo(8 * 1024);
        assertThat(d.algorithms()).isEqualTo(IssuerPolicy.ASYMMETRIC_ALGORITHMS);
        assertThat(d.replayCheck()).isEmpty();
        assertThat(d.nonces()).isEmpty();
        assertThat(d.challengeAlgorithms()).startsWith("RS256 RS384").doesNotContain("HS256").doesNotContain("none");
        assertThatThrownBy(() -> DpopPolicy.builder().proofWindow(Duration.ofMinutes(10)))
                .hasMessage("proofWindow: PT10M (expected: PT1S to PT5M)");
        assertThatThrownBy(() -> DpopPolicy.builder().algorithms("HS256")).hasMessageStartingWith("algorithms: HS256 (expected: one of");
        assertThatThrownBy(() -> DpopPolicy.builder().proofWindow(Duration.ofSeconds(5)).proofWindow(Duration.ofSeconds(6)))
                .hasMessage("proofWindow: already set");
    }

    @Test
    void localReplayCheckForgetsIdsAfterItsTtl() {
        FakeTime t = FakeTime.startingAt(NOW);
        DpopReplayCheck check = DpopReplayCheck.local(Duration.ofSeconds(120), 10, t);
        assertThat(check.markIfFirst("dpop:a")).isTrue();
        assertThat(check.markIfFirst("dpop:a")).isFalse();
        t.advance(Duration.ofSeconds(121));
        assertThat(check.markIfFirst("dpop:a")).isTrue();
        assertThatThrownBy(() -> DpopReplayCheck.local(Duration.ofHours(2), 10, t)).hasMessage("ttl: PT2H (expected: PT1S to PT1H)");
    }

    @Test
    void tokenRequestNeverShowsTheTokenOrTheProof() {
        String at = boundToken(CLIENT);
        TokenRequest r = request(at, "proof.value.here");
        assertThat(r.toString()).isEqualTo("TokenRequest[DPOP, GET]");
        assertThat(Base64.getUrlDecoder()).isNotNull();
    }
}
