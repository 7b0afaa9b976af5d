package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryIdTest {

    @Test
    void oneVisibleAsciiIdUpToTheLimitIsTakenWithoutSurroundingBlanks() {
        assertThat(GitHubWebhookVerifier.deliveryId(List.of(" 72d3162e-cc78-11e3-81ab-4c9367dc0958 ")))
                .contains("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertThat(GitHubWebhookVerifier.deliveryId(List.of("a".repeat(GitHubWebhookVerifier.MAX_DELIVERY_ID_CHARS))))
                .isPresent();
    }

    @Test
    void absentRepeatedEmptyBlankOverLongOrNonVisibleIdsAreRefused() {
        assertThat(GitHubWebhookVerifier.deliveryId(null)).isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(List.of())).isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(Arrays.asList((String) null))).isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(List.of("a", "b"))).isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(List.of(""))).isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(List.of("   "))).isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(List.of("a".repeat(GitHubWebhookVerifier.MAX_DELIVERY_ID_CHARS + 1))))
                .isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(List.of("a b"))).isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(List.of("a\u0001b"))).isEmpty();
        assertThat(GitHubWebhookVerifier.deliveryId(List.of("caf\u00e9"))).isEmpty();
    }
}
