package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitingTest {

    static Finding finding(List<Finding> findings, String id) {
        return findings.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void inMemoryInProductionFailsUnlessChosen() {
        try (RateLimiting rl = RateLimiting.builder().policy(RateLimitPolicy.parse("5/1m")).build()) {
            assertThat(rl.limiter().tryAcquire("a").source()).isEqualTo(DecisionSource.LOCAL);
            assertThat(finding(rl.startupCheck().findings(AppEnvironment.PRODUCTION), "HR-B001").status())
                    .isEqualTo(FindingStatus.FAIL);
            assertThat(finding(rl.startupCheck().findings(AppEnvironment.DEV), "HR-B001").status())
                    .isEqualTo(FindingStatus.WARN);
        }
        try (RateLimiting rl = RateLimiting.builder().backend(RateLimitBackend.MEMORY).build()) {
            assertThat(finding(rl.startupCheck().findings(AppEnvironment.PRODUCTION), "HR-B001").status())
                    .isEqualTo(FindingStatus.WARN);
        }
    }

    @Test
    void theReportedModeIsTheModeTheFiltersRun() {
        try (RateLimiting rl = RateLimiting.builder().mode(EnforcementMode.SHADOW).build()) {
            assertThat(rl.mode()).isEqualTo(EnforcementMode.SHADOW);
            Finding shadow = finding(rl.startupCheck().findings(AppEnvironment.PRODUCTION), "HR-M001");
            assertThat(shadow.status()).isEqualTo(FindingStatus.WARN);
            assertThat(shadow.detail()).contains("shadow");
        }
        try (RateLimiting rl = RateLimiting.builder().build()) {
            assertThat(rl.mode()).isEqualTo(EnforcementMode.ENFORCE);
            assertThat(finding(rl.startupCheck().findings(AppEnvironment.PRODUCTION), "HR-M001").status())
                    .isEqualTo(FindingStatus.PASS);
        }
    }

    @Test
    void trustingEveryoneFails() {
        try (RateLimiting rl = RateLimiting.builder().trustedProxies(TrustedProxies.parse("0.0.0.0/0")).build()) {
            assertThat(finding(rl.startupCheck().findings(AppEnvironment.DEV), "HR-P001").status())
                    .isEqualTo(FindingStatus.FAIL);
        }
    }

    @Test
    void pinsDefaults() {
        assertThat(RateLimiting.DEFAULT_POLICY).hasToString("100/1m");
        try (RateLimiting rl = RateLimiting.builder().build()) {
            assertThat(rl.policy()).isEqualTo(RateLimiting.DEFAULT_POLICY);
            assertThat(rl.fallback()).isEqualTo(FallbackMode.LOCAL);
            assertThat(rl.trustedProxies().isEmpty()).isTrue();
            assertThat(rl.shared()).isEmpty();
            assertThat(rl.backendChoice()).isEmpty();
        }
    }

    @Test
    void rejectsOptionsSetTwiceAndRedisWithoutABackend() {
        assertThatThrownBy(() -> RateLimiting.builder().mode(EnforcementMode.SHADOW).mode(EnforcementMode.ENFORCE))
                .isInstanceOf(IllegalStateException.class).hasMessage("mode: already set");
        assertThatThrownBy(() -> RateLimiting.builder().policy(null))
                .isInstanceOf(NullPointerException.class).hasMessage("policy: null");
        assertThatThrownBy(() -> RateLimiting.builder().localShare(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("localShare: 0.0 (expected: 0 < share <= 1)");
        assertThatThrownBy(() -> RateLimiting.builder().backend(RateLimitBackend.REDIS).build())
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason().code()).isEqualTo("rate-limit.unknown-backend"))
                .hasMessageContaining("redis without a shared backend");
    }

    @Test
    void inMemoryDedupStoreSaysItsBoundAndWarnsInProduction() {
        try (RateLimiting rl = RateLimiting.builder().build()) {
            DedupStore store = rl.dedupStore("github", DedupStore.DEFAULT_TTL);
            assertThat(rl.dedupStore("github", DedupStore.DEFAULT_TTL)).isSameAs(store);
            assertThat(store.localCapacity()).isEqualTo(DedupStore.DEFAULT_LOCAL_CAPACITY);
            assertThat(store.ttl()).isEqualTo(Duration.ofHours(24));
            Finding prod = finding(rl.startupCheck().findings(AppEnvironment.PRODUCTION), "HR-D001");
            assertThat(prod.status()).isEqualTo(FindingStatus.WARN);
            assertThat(prod.subject()).isEqualTo("dedup store 'github'");
            assertThat(prod.detail()).contains("at most 100000 ids for PT24H", "this process only");
            assertThat(finding(rl.startupCheck().findings(AppEnvironment.DEV), "HR-D001").status())
                    .isEqualTo(FindingStatus.PASS);
            assertThatThrownBy(() -> rl.dedupStore("github", Duration.ofHours(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT24H");
            assertThatThrownBy(() -> rl.dedupStore("bad ns", Duration.ofHours(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("namespace: 'bad ns'");
        }
    }

    @Test
    void dedupNamespacesAreBounded() {
        try (RateLimiting rl = RateLimiting.builder().build()) {
            for (int i = 0; i < RateLimiting.MAX_DEDUP_NAMESPACES; i++) {
                rl.dedupStore("ns" + i, Duration.ofMinutes(1));
            }
            assertThatThrownBy(() -> rl.dedupStore("one-more", Duration.ofMinutes(1)))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void localDedupStoreRemembersIdsForItsTtl() {
        FakeTime time = FakeTime.create();
        DedupStore store = DedupStore.local(Duration.ofHours(24), 1000, time);
        assertThat(store.markIfFirst("d-1")).isTrue();
        assertThat(store.markIfFirst("d-1")).isFalse();
        store.forget("d-1");
        assertThat(store.markIfFirst("d-1")).isTrue();
        time.advance(Duration.ofHours(23));
        assertThat(store.markIfFirst("d-1")).isFalse();
        time.advance(Duration.ofHours(2));
        assertThat(store.markIfFirst("d-1")).isTrue();
        assertThatThrownBy(() -> store.markIfFirst("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DedupStore.local(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl: PT0S (expected: PT1S to P30D)");
    }

    @Test
    void aSharedBackendIsUsedReportedGuardedAndClosed() {
        DownBackend down = new DownBackend();
        try (RateLimiting rl = RateLimiting.builder().shared(down).fallback(FallbackMode.OPEN).build()) {
            assertThat(rl.shared()).containsSame(down);
            assertThat(rl.limiter().tryAcquire("a").source()).isEqualTo(DecisionSource.FALLBACK_OPEN);
            rl.dedupStore("github", DedupStore.DEFAULT_TTL);
            List<Finding> f = rl.startupCheck().findings(AppEnvironment.PRODUCTION);
            assertThat(finding(f, "HR-B001").status()).isEqualTo(FindingStatus.PASS);
            assertThat(finding(f, "HR-B001").detail()).contains("down backend");
            assertThat(finding(f, "HR-F001").status()).isEqualTo(FindingStatus.WARN);
            assertThat(finding(f, "HR-X001").status()).isEqualTo(FindingStatus.PASS);
            assertThat(finding(f, "HR-D001").status()).isEqualTo(FindingStatus.PASS);
        }
        assertThat(down.closed).isTrue();
    }

    @Test
    void memoryChosenIgnoresTheSharedBackendButStillClosesIt() {
        DownBackend down = new DownBackend();
        try (RateLimiting rl = RateLimiting.builder().shared(down).backend(RateLimitBackend.MEMORY).build()) {
            assertThat(rl.shared()).isEmpty();
            assertThat(rl.limiter().tryAcquire("a").source()).isEqualTo(DecisionSource.LOCAL);
            assertThat(finding(rl.startupCheck().findings(AppEnvironment.PRODUCTION), "HR-B001").status())
                    .isEqualTo(FindingStatus.WARN);
        }
        assertThat(down.closed).isTrue();
    }
}
