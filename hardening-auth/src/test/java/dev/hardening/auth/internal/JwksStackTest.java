package dev.hardening.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.JwksSettings;
import dev.hardening.testkit.FakeTime;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JWKS stack: its order, its rate limit and its unknown-kid cache, on a fake source and fake time. */
class JwksStackTest {

    private static final String ISSUER = "https://idp.example";
    private static final JwsAlgorithm RS256 = JwsAlgorithm.byName("RS256").orElseThrow();
    private static List<VerificationKey> keys;

    private final FakeTime time = FakeTime.create();

    @BeforeAll
    static void generateKey() throws Exception {
        String json = new JWKSet(new RSAKeyGenerator(2048).keyID("k1").keyUse(KeyUse.SIGNATURE).generate()
                .toPublicJWK()).toString(true);
        keys = KeySetParser.parse(json, 10).keys();
    }

    /** An in-memory innermost layer that counts its loads. */
    private final class FakeSource implements JwksSource {
        final AtomicInteger loads = new AtomicInteger();

        @Override
        public JwksLayer below() {
            return null;
        }

        @Override
        public KeySet load() {
            loads.incrementAndGet();
            return KeySet.of(keys, time.now(), time.nanoTime(), Duration.ofMinutes(15));
        }
    }

    /** The stack above the HTTP layers, assembled as {@link JwksStack} does, refreshing on the calling thread. */
    private KidSelector stack(JwksSettings settings, JwksSource source) {
        Events events = new Events(ISSUER, time, List.of());
        JwksState state = new JwksState(ISSUER, settings, time, events);
        SingleFlightRefresh single = new SingleFlightRefresh(source, Runnable::run, state);
        RateLimitedRefresh limited = new RateLimitedRefresh(single, time, settings.refreshWindow(),
                settings.refreshesPerWindow(), state, events);
        return new KidSelector(new CachedKeys(limited, state, settings, time, events), state, settings, time, events);
    }

    @Test
    void layersAreStackedInTheDocumentedOrder() {
        IssuerPolicy policy = IssuerPolicy.jwksUri(ISSUER, URI.create(ISSUER + "/keys")).audience("orders").build();
        JwksSettings settings = JwksSettings.defaults();
        KidSelector top = JwksStack.remote(policy, settings, time, Runnable::run,
                new HttpFetcher(settings.connectTimeout(), settings.readTimeout(), settings.maxResponseBytes()), List.of());
        List<Class<?>> order = new ArrayList<>();
        for (JwksLayer layer = top; layer != null; layer = layer.below()) {
            order.add(layer.getClass());
        }
        assertThat(order).containsExactly(KidSelector.class, CachedKeys.class, RateLimitedRefresh.class,
                SingleFlightRefresh.class, RetryingJwksSource.class, HttpJwksSource.class);
    }

    @Test
    void rateLimitHonoursAConfiguredBudgetOfOne() {
        // Nimbus' RateLimitedJWKSetSource would allow two loads here (NimbusWrappersTest).
        FakeSource source = new FakeSource();
        KidSelector keys = stack(JwksSettings.builder().refreshesPerWindow(1).build(), source);
        for (int i = 0; i < 50; i++) {
            assertThat(keys.candidates("unknown-" + i, RS256)).isEmpty();
        }
        assertThat(source.loads).hasValue(1);
        assertThat(keys.status().rateLimitedRefreshes()).isEqualTo(50);

        time.advance(JwksSettings.DEFAULT_REFRESH_WINDOW);
        assertThat(keys.candidates("unknown-after-window", RS256)).isEmpty();
        assertThat(source.loads).hasValue(2);
    }

    @Test
    void unknownKidFloodNeitherGrowsMemoryNorEvictsGoodKeys() {
        FakeSource source = new FakeSource();
        KidSelector keys = stack(JwksSettings.builder().negativeCacheSize(16).build(), source);
        for (int i = 0; i < 10_000; i++) {
            assertThat(keys.candidates(UUID.randomUUID().toString(), RS256)).isEmpty();
            if (i % 1000 == 0) {
                assertThat(keys.candidates("k1", RS256)).hasSize(1);
            }
        }
        assertThat(keys.unknownKidsRemembered()).isLessThanOrEqualTo(16);
        assertThat(keys.candidates("k1", RS256)).hasSize(1);
        assertThat(source.loads.get()).isLessThanOrEqualTo(JwksSettings.DEFAULT_REFRESHES_PER_WINDOW);
        assertThat(keys.status().unknownKids()).isEqualTo(10_000);
    }

    @Test
    void aRepeatedUnknownKidCostsNoFetchUntilTheWindowPasses() {
        FakeSource source = new FakeSource();
        KidSelector keys = stack(JwksSettings.defaults(), source);
        assertThat(keys.candidates("k1", RS256)).hasSize(1);
        assertThat(keys.candidates("gone", RS256)).isEmpty();
        int loads = source.loads.get();
        for (int i = 0; i < 100; i++) {
            assertThat(keys.candidates("gone", RS256)).isEmpty();
        }
        assertThat(source.loads).hasValue(loads);
        assertThat(keys.status().negativeCacheHits()).isEqualTo(100);

        time.advance(JwksSettings.DEFAULT_REFRESH_WINDOW.plusSeconds(1));
        assertThat(keys.candidates("gone", RS256)).isEmpty();
        assertThat(source.loads).hasValue(loads + 1);
    }

    @Test
    void tooLongKidsAreNeverLookedUpUpstream() {
        FakeSource source = new FakeSource();
        KidSelector keys = stack(JwksSettings.defaults(), source);
        keys.candidates("k1", RS256);
        assertThat(keys.candidates("x".repeat(KidSelector.MAX_KID_LENGTH + 1), RS256)).isEmpty();
        assertThat(source.loads).hasValue(1);
    }
}
