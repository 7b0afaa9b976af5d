package dev.hardening.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.TimeSource;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The cache's hit rules on their own: an entry dies when the issuer's policy is replaced or the
 * issuer is no longer trusted, and when the wall clock (which may jump either way, independently
 * of the monotonic reading that drives Caffeine's expiry) puts the token outside exp, nbf or iat;
 * and the digest refuses what must never be looked up.
 */
class VerifiedTokenCacheTest {

    private static final String ISS = "https://issuer.test";
    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

    /** A time source whose wall clock and monotonic reading are set independently. */
    private static final class SplitClock implements TimeSource {
        volatile Instant wall = T0;
        volatile long nanos = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public Instant now() {
            return wall;
        }
    }

    private final SplitClock clock = new SplitClock();
    private final Map<String, IssuerPolicy> policies = new ConcurrentHashMap<>();
    private final VerifiedTokenCache cache = new VerifiedTokenCache(100, clock, policies::get);
    private final IssuerPolicy policy = IssuerPolicy.staticKeys(ISS, "{}").audience("api").build();
    private final StaticKeys keys = new StaticKeys(ISS, jwks(), 10, 4, clock);
    private final VerificationKey key = keys.candidates("k1", JwsAlgorithm.RS256).get(0);

    private static String jwks() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            return "{\"keys\":[" + new RSAKey.Builder((RSAPublicKey) kp.getPublic()).keyID("k1").build().toJSONString() + "]}";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static VerifiedToken token(Instant nbf) {
        return VerifiedToken.builder().subject("alice").issuer(ISS).audiences(java.util.List.of("api"))
                .issuedAt(T0).expiresAt(T0.plusSeconds(600)).notBefore(nbf).build();
    }

    private VerifiedTokenCache.Digest admit(String text, VerifiedToken t) {
        VerifiedTokenCache.Digest d = VerifiedTokenCache.digest(text, 16 * 1024);
        cache.admit(d, t, policy, keys, key);
        return d;
    }

    @Test
    void anEntryDiesWhenTheIssuersPolicyIsReplaced() {
        policies.put(ISS, policy);
        VerifiedTokenCache.Digest d = admit("a.b.c", token(null));
        assertThat(cache.lookup(d)).isNotNull();

        policies.put(ISS, IssuerPolicy.staticKeys(ISS, "{}").audience("api").clockSkew(Duration.ZERO).build());
        assertThat(cache.lookup(d)).isNull();
        assertThat(cache.stats().droppedPolicyChanged()).isEqualTo(1);
        assertThat(cache.stats().size()).isZero();
        // Once dropped it stays gone, even if the old policy came back.
        policies.put(ISS, policy);
        assertThat(cache.lookup(d)).isNull();
        assertThat(cache.stats().hits()).isEqualTo(1);
    }

    @Test
    void anEntryDiesWhenItsIssuerIsNoLongerTrusted() {
        policies.put(ISS, policy);
        VerifiedTokenCache.Digest d = admit("a.b.c", token(null));
        policies.remove(ISS);
        assertThat(cache.lookup(d)).isNull();
        assertThat(cache.stats().droppedPolicyChanged()).isEqualTo(1);
    }

    @Test
    void expIsRecheckedByTheWallClockOnEveryHit() {
        policies.put(ISS, policy);
        VerifiedTokenCache.Digest d = admit("a.b.c", token(null));
        clock.wall = T0.plusSeconds(600 + 60 - 1);
        assertThat(cache.lookup(d)).isNotNull();
        // The wall clock jumps past exp + skew while the monotonic reading (Caffeine's expiry) stands still.
        clock.wall = T0.plusSeconds(600 + 60);
        assertThat(cache.lookup(d)).isNull();
        assertThat(cache.stats().droppedTime()).isEqualTo(1);
    }

    @Test
    void nbfAndIatAreRecheckedWhenTheWallClockGoesBack() {
        policies.put(ISS, policy);
        VerifiedTokenCache.Digest withNbf = admit("n.b.f", token(T0.plusSeconds(30)));
        VerifiedTokenCache.Digest plain = admit("i.a.t", token(null));
        assertThat(cache.lookup(withNbf)).isNotNull();
        // Back by more than nbf - skew: not yet valid. iat (T0) is still within the skew.
        clock.wall = T0.minusSeconds(31);
        assertThat(cache.lookup(withNbf)).isNull();
        assertThat(cache.lookup(plain)).isNotNull();
        // Back by more than the skew: iat is in the future.
        clock.wall = T0.minusSeconds(61);
        assertThat(cache.lookup(plain)).isNull();
        assertThat(cache.stats().droppedTime()).isEqualTo(2);
    }

    @Test
    void entriesExpireWithTheirTokenByTheMonotonicClock() {
        policies.put(ISS, policy);
        admit("a.b.c", token(null));
        clock.nanos += Duration.ofSeconds(600 + 60).toNanos();
        assertThat(cache.stats().size()).isZero();
    }

    @Test
    void theDigestIsOfTheExactCharactersAndRefusesWhatIsNeverCached() {
        assertThat(VerifiedTokenCache.digest("a.b.c", 1024)).isEqualTo(VerifiedTokenCache.digest("a.b.c", 1024))
                .isNotEqualTo(VerifiedTokenCache.digest("a.b.d", 1024));
        assertThat(VerifiedTokenCache.digest("", 1024)).isNull();
        assertThat(VerifiedTokenCache.digest("x".repeat(1025), 1024)).isNull();
        // Outside ASCII: a String hashes the character as '?' (never in a verified token, so never a
        // cached digest); any other CharSequence is not looked up at all.
        assertThat(VerifiedTokenCache.digest("a.b." + (char) 0x163, 1024)).isEqualTo(VerifiedTokenCache.digest("a.b.?", 1024))
                .isNotEqualTo(VerifiedTokenCache.digest("a.b.c", 1024));
        assertThat(VerifiedTokenCache.digest(new StringBuilder("a.b." + (char) 0x163), 1024)).isNull();
        // Longer than the per-thread buffer: fed in pieces, still the digest of the whole text.
        String a = "a".repeat(2000);
        assertThat(VerifiedTokenCache.digest(a, 4096)).isNotEqualTo(VerifiedTokenCache.digest(a + "a", 4096));
        assertThat(VerifiedTokenCache.digest(a, 4096)).isEqualTo(VerifiedTokenCache.digest(new StringBuilder(a), 4096));
    }
}
