package dev.hardening.auth;

import dev.hardening.auth.internal.Hmac;
import dev.hardening.auth.internal.WebhookFindings;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.config.Secret;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Verifies GitHub's {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>}.
 *
 * <pre>{@code
 * WebhookVerifier github = GitHubWebhookVerifier.of("WEBHOOK_SECRET", config::webhookSecret,
 *         config::webhookSecretPrevious);
 * }</pre>
 *
 * <p>Secret rotation without restart: both suppliers are read at every delivery, so a new current
 * value applies to the next delivery; while the previous value is set, signatures made with it
 * still verify, and once it is removed they do not. Every candidate is compared in constant time.
 *
 * <p>Rejects: no current secret configured (503), missing header, anything but {@code sha256=} and
 * 64 hex digits, and a MAC that matches neither the current nor a previous secret. Thread-safe.
 */
public final class GitHubWebhookVerifier implements WebhookVerifier {

    /** The header GitHub signs with. */
    public static final String HEADER = "X-Hub-Signature-256";
    /** The header carrying GitHub's delivery id, the key for deduplicating redeliveries. */
    public static final String DELIVERY_HEADER = "X-GitHub-Delivery";
    /** The longest delivery id {@link #deliveryId} accepts, in characters. */
    public static final int MAX_DELIVERY_ID_CHARS = 128;

    private final String settingName;
    private final Supplier<Optional<Secret>> secret;
    private final Supplier<Optional<Secret>> previous;

    private GitHubWebhookVerifier(String settingName, Supplier<Optional<Secret>> secret,
                                  Supplier<Optional<Secret>> previous) {
        this.settingName = settingName;
        this.secret = secret;
        this.previous = previous;
    }

    /**
     * A verifier with one secret setting (its {@link Secret#previous()} values are accepted too).
     *
     * @param settingName the name of the setting holding the secret (for messages and findings), such as {@code WEBHOOK_SECRET}
     * @param secret      read at every delivery; empty means unset
     * @return the verifier
     * @throws NullPointerException if an argument is null
     */
    public static GitHubWebhookVerifier of(String settingName, Supplier<Optional<Secret>> secret) {
        return of(settingName, secret, Optional::empty);
    }

    /**
     * A verifier that accepts the current secret and, during a rotation, the previous one.
     *
     * @param settingName the name of the setting holding the current secret, such as {@code WEBHOOK_SECRET}
     * @param current     read at every delivery; empty means unset (deliveries are refused with 503)
     * @param previous    read at every delivery; while present its signatures are accepted too; empty
     *                    (or a supplier that fails) means no rotation is in progress
     * @return the verifier
     * @throws NullPointerException if an argument is null
     */
    public static GitHubWebhookVerifier of(String settingName, Supplier<Optional<Secret>> current,
                                           Supplier<Optional<Secret>> previous) {
        return new GitHubWebhookVerifier(Objects.requireNonNull(settingName, "settingName"),
                Objects.requireNonNull(current, "current"), Objects.requireNonNull(previous, "previous"));
    }

    @Override
    public void verify(byte[] body, Function<String, Optional<String>> headers) {
        Optional<Secret> current = secret.get();
        if (current == null || current.isEmpty()) {
            throw new WebhookRejectedException(WebhookRejection.SECRET_UNSET, settingName + " is not set; deliveries are refused");
        }
        String header = headers.apply(HEADER).orElseThrow(() ->
                new WebhookRejectedException(WebhookRejection.MISSING_SIGNATURE, HEADER + " is absent"));
        if (!header.startsWith("sha256=")) {
            throw new WebhookRejectedException(WebhookRejection.MALFORMED_SIGNATURE, HEADER + " is not sha256=<64 hex digits>");
        }
        byte[] presented = Hmac.hex(header.substring("sha256=".length()), 32);
        if (presented == null) {
            throw new WebhookRejectedException(WebhookRejection.MALFORMED_SIGNATURE, HEADER + " is not sha256=<64 hex digits>");
        }
        if (!Hmac.matchesAny(Hmac.candidates(current.get(), previous), List.of(presented), body)) {
            throw new WebhookRejectedException(WebhookRejection.BAD_SIGNATURE, "signature does not match the body");
        }
    }

    /**
     * The delivery id of a request, from every value of its {@value #DELIVERY_HEADER} header: one
     * value of 1 to {@value #MAX_DELIVERY_ID_CHARS} visible ASCII characters (surrounding blanks
     * removed). Anything else (absent, repeated, empty, blank, over-long, control or non-ASCII
     * characters) is refused here, so that it never reaches a dedup store. Stateless and thread-safe.
     *
     * @param headerValues the header's values, {@code null} or empty when it is absent
     * @return the id, or empty when the request has no usable one (answer 400)
     */
    public static Optional<String> deliveryId(List<String> headerValues) {
        if (headerValues == null || headerValues.size() != 1 || headerValues.get(0) == null) {
            return Optional.empty();
        }
        String id = headerValues.get(0).strip();
        if (id.isEmpty() || id.length() > MAX_DELIVERY_ID_CHARS) {
            return Optional.empty();
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Optional.empty();
            }
        }
        return Optional.of(id);
    }

    /**
     * Computes the header value a sender would send (for tests and for signing outgoing hooks).
     *
     * @param secret the secret
     * @param body   the raw body
     * @return {@code sha256=<hex>}
     */
    public static String sign(Secret secret, byte[] body) {
        return "sha256=" + Hmac.toHex(Hmac.sha256(secret, body));
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        return WebhookFindings.of(settingName, secret, previous, environment);
    }
}
