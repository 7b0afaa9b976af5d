package dev.hardening.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.FindingStatus;
import dev.hardening.config.Secret;
import dev.hardening.testkit.FakeTime;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Secrets rotated while the service runs: read at every call, previous value accepted while set. */
class SecretRotationTest {

    private static final byte[] BODY = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);
    private static final Secret OLD = Secret.of("old-webhook-secret-0123456789abcdef");
    private static final Secret NEW = Secret.of("new-webhook-secret-0123456789abcdef");
    private static final Secret NEWER = Secret.of("newer-webhook-secret-0123456789abcd");

    private final AtomicReference<Optional<Secret>> current = new AtomicReference<>(Optional.of(NEW));
    private final AtomicReference<Optional<Secret>> previous = new AtomicReference<>(Optional.of(OLD));

    private static Function<String, Optional<String>> header(String name, String value) {
        return n -> n.equalsIgnoreCase(name) ? Optional.of(value) : Optional.empty();
    }

    private static WebhookRejection rejection(Runnable r) {
        try {
            r.run();
        } catch (WebhookRejectedException e) {
            return e.reason();
        }
        return null;
    }

    @Test
    void gitHubAcceptsThePreviousSecretOnlyWhileItIsSet() {
        GitHubWebhookVerifier v = GitHubWebhookVerifier.of("WEBHOOK_SECRET", current::get, previous::get);
        String signedWithOld = GitHubWebhookVerifier.sign(OLD, BODY);
        v.verify(BODY, header(GitHubWebhookVerifier.HEADER, GitHubWebhookVerifier.sign(NEW, BODY)));
        v.verify(BODY, header(GitHubWebhookVerifier.HEADER, signedWithOld));

        previous.set(Optional.empty());
        assertThat(rejection(() -> v.verify(BODY, header(GitHubWebhookVerifier.HEADER, signedWithOld))))
                .isEqualTo(WebhookRejection.BAD_SIGNATURE);
    }

    @Test
    void gitHubSeesARotatedCurrentSecretOnTheNextCall() {
        GitHubWebhookVerifier v = GitHubWebhookVerifier.of("WEBHOOK_SECRET", current::get);
        String signedWithNewer = GitHubWebhookVerifier.sign(NEWER, BODY);
        assertThat(rejection(() -> v.verify(BODY, header(GitHubWebhookVerifier.HEADER, signedWithNewer))))
                .isEqualTo(WebhookRejection.BAD_SIGNATURE);
        current.set(Optional.of(NEWER));
        v.verify(BODY, header(GitHubWebhookVerifier.HEADER, signedWithNewer));
    }

    @Test
    void aPreviousSecretAloneIsNotEnough() {
        current.set(Optional.empty());
        GitHubWebhookVerifier v = GitHubWebhookVerifier.of("WEBHOOK_SECRET", current::get, previous::get);
        assertThat(rejection(() -> v.verify(BODY, header(GitHubWebhookVerifier.HEADER, GitHubWebhookVerifier.sign(OLD, BODY)))))
                .isEqualTo(WebhookRejection.SECRET_UNSET);
    }

    @Test
    void aFailingPreviousSupplierLeavesOnlyTheCurrentSecret() {
        GitHubWebhookVerifier v = GitHubWebhookVerifier.of("WEBHOOK_SECRET", current::get, () -> {
            throw new IllegalStateException("vault down");
        });
        v.verify(BODY, header(GitHubWebhookVerifier.HEADER, GitHubWebhookVerifier.sign(NEW, BODY)));
        assertThat(rejection(() -> v.verify(BODY, header(GitHubWebhookVerifier.HEADER, GitHubWebhookVerifier.sign(OLD, BODY)))))
                .isEqualTo(WebhookRejection.BAD_SIGNATURE);
    }

    @Test
    void timestampedAcceptsThePreviousSecretOnlyWhileItIsSet() {
        FakeTime time = FakeTime.startingAt(Instant.parse("2026-03-01T12:00:00Z"));
        TimestampedWebhookVerifier v = TimestampedWebhookVerifier.builder("HOOK_SECRET", current::get)
                .previous(previous::get).timeSource(time).build();
        String signedWithOld = TimestampedWebhookVerifier.sign(OLD, time.now(), BODY);
        v.verify(BODY, header("Webhook-Signature", signedWithOld));
        v.verify(BODY, header("Webhook-Signature", TimestampedWebhookVerifier.sign(NEW, time.now(), BODY)));

        previous.set(Optional.empty());
        assertThat(rejection(() -> v.verify(BODY, header("Webhook-Signature", signedWithOld))))
                .isEqualTo(WebhookRejection.BAD_SIGNATURE);

        current.set(Optional.of(NEWER));
        v.verify(BODY, header("Webhook-Signature", TimestampedWebhookVerifier.sign(NEWER, time.now(), BODY)));
    }

    @Test
    void findingsReportARotationInProgressWithoutTheValues() {
        GitHubWebhookVerifier v = GitHubWebhookVerifier.of("WEBHOOK_SECRET", current::get, previous::get);
        Finding f = v.findings(AppEnvironment.PRODUCTION).get(0);
        assertThat(f.status()).isEqualTo(FindingStatus.PASS);
        assertThat(f.detail()).contains("1 previous secret(s) accepted during a rotation")
                .doesNotContain(OLD.reveal()).doesNotContain(NEW.reveal());
    }

    @Test
    void liveApiKeysApplyOnTheNextCallAndKeepPreviousValuesWhileSet() {
        String oldKey = "ci-key-old-0123456789abcdefghijklmnop";
        String newKey = "ci-key-new-0123456789abcdefghijklmnop";
        Map<String, Secret> keys = new LinkedHashMap<>();
        keys.put("ci", Secret.of(oldKey));
        AtomicReference<Map<String, Secret>> config = new AtomicReference<>(Map.copyOf(keys));
        ApiKeyVerifier v = ApiKeyVerifier.ofKeys(config::get);
        assertThat(v.verify(oldKey)).contains("ci");
        assertThat(v.verify(newKey)).isEmpty();

        config.set(Map.of("ci", Secret.of(newKey).withPrevious(java.util.List.of(Secret.of(oldKey)))));
        assertThat(v.verify(newKey)).contains("ci");
        assertThat(v.verify(oldKey)).contains("ci");

        config.set(Map.of("ci", Secret.of(newKey)));
        assertThat(v.verify(oldKey)).isEmpty();
        assertThat(v.verify(newKey)).contains("ci");
    }

    @Test
    void liveApiKeysNeverAcceptAShortKeyAndReportIt() {
        ApiKeyVerifier v = ApiKeyVerifier.ofKeys(() -> Map.of("weak", Secret.of("short")));
        assertThat(v.verify("short")).isEmpty();
        assertThat(v.findings(AppEnvironment.PRODUCTION)).extracting(Finding::id).contains("HA-K003");
        assertThat(v.findings(AppEnvironment.PRODUCTION)).filteredOn(f -> f.id().equals("HA-K003"))
                .extracting(Finding::status).containsOnly(FindingStatus.FAIL);

        ApiKeyVerifier none = ApiKeyVerifier.ofKeys(Map::of);
        assertThat(none.verify("anything-at-all-0123456789abcdefgh")).isEmpty();
        assertThat(none.findings(AppEnvironment.DEV)).extracting(Finding::id).containsExactly("HA-K002");
        assertThatThrownBy(() -> ApiKeyVerifier.ofKeys((java.util.function.Supplier<Map<String, Secret>>) null))
                .isInstanceOf(NullPointerException.class);
    }
}
