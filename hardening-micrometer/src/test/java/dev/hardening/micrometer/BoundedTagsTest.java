package dev.hardening.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.auth.GitHubWebhookVerifier;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.WebhookRejectedException;
import dev.hardening.auth.WebhookVerifier;
import dev.hardening.config.Secret;
import dev.hardening.ratelimit.DedupStore;
import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.testkit.FakeTime;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A flood of distinct tokens, key ids, issuers, caller addresses and delivery ids: the set of meters
 * stays exactly what it was, and none of those values appears in the scrape.
 */
class BoundedTagsTest {

    private static final int FLOOD = 2_000;
    private final SecureRandom random = new SecureRandom();

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Test
    void aFloodOfDistinctRequestValuesAddsNoMeter() throws Exception {
        FakeTime time = FakeTime.create();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Secret secret = Secret.of("0123456789abcdef0123456789abcdef");
        try (FakeIssuer idp = FakeIssuer.start();
             RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("5/1m")).timeSource(time).build()) {
            TokenVerifier verifier = AuthMetrics.instrument(TokenVerifier.builder()
                    .issuer(IssuerPolicy.jwksUri(idp.issuer, idp.jwksUri()).audience(FakeIssuer.AUDIENCE).build())
                    .timeSource(time)
                    .jwks(FakeIssuer.patientJwks())
                    .listener(AuthMetrics.jwksListener(registry))
                    .build(), registry);
            RateLimitMetrics.bind(rl, "api", registry);
            DedupStore deliveries = RateLimitMetrics.instrument(rl.dedupStore("github", DedupStore.DEFAULT_TTL),
                    "github", registry);
            WebhookVerifier github = AuthMetrics.instrument(
                    GitHubWebhookVerifier.of("WEBHOOK_SECRET", () -> Optional.of(secret)), "github", registry);

            verifier.warmUp().get(60, TimeUnit.SECONDS);
            // one of each kind first, so that lazily created meters (if any) exist before counting
            Instant now = time.now();
            verifier.verify(idp.mint("warm-up", now));
            rejected(verifier, idp.mint(idp.otherKey, "kid-" + hex(4), idp.issuer, "x", FakeIssuer.AUDIENCE, now,
                    now.plusSeconds(60)));
            rl.limiter().tryAcquire("203.0.113.1");
            deliveries.markIfFirst("warm-up");
            Set<String> before = ids(registry.getMeters());

            List<String> secrets = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                String subject = "subject-" + hex(8);
                String token = idp.mint(subject, now);
                secrets.add(subject);
                secrets.add(token.substring(token.lastIndexOf('.') + 1));
                verifier.verify(token);
                String garbage = hex(12) + "." + hex(12) + "." + hex(12);
                secrets.add(garbage);
                rejected(verifier, garbage);
                String address = "198.51." + random.nextInt(256) + "." + random.nextInt(256) + "-" + i;
                secrets.add(address);
                rl.limiter().tryAcquire(address);
                String delivery = "delivery-" + hex(8);
                secrets.add(delivery);
                deliveries.markIfFirst(delivery);
                deliveries.markIfFirst(delivery);
                String signature = "sha256=" + hex(32);
                secrets.add(signature);
                assertThatThrownBy(() -> github.verify(delivery.getBytes(StandardCharsets.UTF_8),
                        name -> Optional.of(signature))).isInstanceOf(WebhookRejectedException.class);
            }
            for (int i = 0; i < 200; i++) {
                String kid = "kid-" + hex(8);
                String issuer = "https://issuer-" + hex(6) + ".example";
                secrets.add(kid);
                secrets.add(issuer);
                rejected(verifier, idp.mint(idp.otherKey, kid, idp.issuer, "x", FakeIssuer.AUDIENCE, now,
                        now.plusSeconds(60)));
                rejected(verifier, idp.mint(idp.key, "k1", issuer, "x", FakeIssuer.AUDIENCE, now, now.plusSeconds(60)));
            }

            assertThat(ids(registry.getMeters())).isEqualTo(before);
            String scrape = registry.scrape();
            assertThat(scrape).contains("hardening_auth_token_verifications_seconds_count{outcome=\"accepted\"} "
                    + (FLOOD + 1));
            assertThat(scrape).contains("hardening_dedup_checks_total{outcome=\"duplicate\",store=\"github\"} " + FLOOD);
            for (String value : secrets) {
                assertThat(scrape).doesNotContain(value);
            }
            verifier.close();
        }
    }

    private static void rejected(TokenVerifier verifier, String token) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(TokenRejectedException.class);
    }

    private static Set<String> ids(List<Meter> meters) {
        return meters.stream().map(m -> m.getId().toString()).collect(Collectors.toSet());
    }
}
