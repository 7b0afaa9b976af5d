package dev.hardening.auth;

import dev.hardening.auth.internal.Hmac;
import dev.hardening.auth.internal.WebhookFindings;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Checks;
import dev.hardening.config.Finding;
import dev.hardening.config.Secret;
import dev.hardening.config.TimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Verifies a timestamped signature header {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}
 * (several {@code v1=} entries allowed for sender-side rotation), and refuses timestamps outside
 * a replay window ({@link #DEFAULT_TOLERANCE} either way). A replay inside the window still
 * verifies: deduplicate by delivery id where that matters.
 *
 * <p>Secret rotation without restart: the secret and, if configured, the previous secret are read
 * at every delivery ({@link Builder#previous}); signatures made with the previous value verify
 * while it is set. Every candidate is compared in constant time. Thread-safe.
 */
public final class TimestampedWebhookVerifier implements WebhookVerifier {

    /** {@code Webhook-Signature}. */
    public static final String DEFAULT_HEADER = "Webhook-Signature";
    /** 5 minutes. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final String settingName;
    private final Supplier<Optional<Secret>> secret;
    private final Supplier<Optional<Secret>> previous;
    private final String header;
    private final Duration tolerance;
    private final TimeSource time;

    private TimestampedWebhookVerifier(Builder b) {
        this.settingName = b.settingName;
        this.secret = b.secret;
        this.previous = b.previous == null ? Optional::empty : b.previous;
        this.header = b.header == null ? DEFAULT_HEADER : b.header;
        this.tolerance = b.tolerance == null ? DEFAULT_TOLERANCE : b.tolerance;
        this.time = b.timeSource == null ? TimeSource.system() : b.timeSource;
    }

    /**
     * @param settingName name of the secret's setting (for messages and findings)
     * @param secret      read at every delivery; empty means unset
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(String settingName, Supplier<Optional<Secret>> secret) {
        return new Builder(Objects.requireNonNull(settingName, "settingName"), Objects.requireNonNull(secret, "secret"));
    }

    /**
     * The header value a sender computes.
     *
     * @param secret the secret
     * @param at     the signing time
     * @param body   the raw body
     * @return {@code t=<seconds>,v1=<hex>}
     */
    public static String sign(Secret secret, Instant at, byte[] body) {
        String t = Long.toString(at.getEpochSecond());
        return "t=" + t + ",v1=" + Hmac.toHex(Hmac.sha256(secret, (t + ".").getBytes(StandardCharsets.US_ASCII), body));
    }

    @Override
    public void verify(byte[] body, Function<String, Optional<String>> headers) {
        Optional<Secret> current = secret.get();
        if (current == null || current.isEmpty()) {
            throw new WebhookRejectedException(WebhookRejection.SECRET_UNSET, settingName + " is not set; deliveries are refused");
        }
        String value = headers.apply(header).orElseThrow(() ->
                new WebhookRejectedException(WebhookRejection.MISSING_SIGNATURE, header + " is absent"));
        String t = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : value.split(",", 20)) {
            String p = part.strip();
            if (p.startsWith("t=") && t == null) {
                t = p.substring(2);
            } else if (p.startsWith("v1=")) {
                byte[] sig = Hmac.hex(p.substring(3), 32);
                if (sig != null) {
                    signatures.add(sig);
                }
            }
        }
        if (t == null || signatures.isEmpty() || !t.matches("[0-9]{1,12}")) {
            throw new WebhookRejectedException(WebhookRejection.MALFORMED_SIGNATURE, header + " is not t=<seconds>,v1=<64 hex digits>");
        }
        Instant signedAt = Instant.ofEpochSecond(Long.parseLong(t));
        Instant now = time.now();
        if (signedAt.isBefore(now.minus(tolerance)) || signedAt.isAfter(now.plus(tolerance))) {
            throw new WebhookRejectedException(WebhookRejection.STALE_TIMESTAMP, "signed at " + signedAt
                    + ", outside " + tolerance + " of now " + now);
        }
        if (!Hmac.matchesAny(Hmac.candidates(current.get(), previous), signatures, (t + ".").getBytes(StandardCharsets.US_ASCII), body)) {
            throw new WebhookRejectedException(WebhookRejection.BAD_SIGNATURE, "signature does not match the body");
        }
    }

    @Override
    public List<Finding> findings(AppEnvironment environment) {
        return WebhookFindings.of(settingName, secret, previous, environment);
    }

    /**
     * Builds a {@link TimestampedWebhookVerifier}. Each option may be set once
     * ({@code "timeSource: already set"}). Not thread-safe.
     */
    public static final class Builder {
        private final String settingName;
        private final Supplier<Optional<Secret>> secret;
        private Supplier<Optional<Secret>> previous;
        private String header;
        private Duration tolerance;
        private TimeSource timeSource;

        private Builder(String settingName, Supplier<Optional<Secret>> secret) {
            this.settingName = settingName;
            this.secret = secret;
        }

        /**
         * @param value the signature header name; default {@link #DEFAULT_HEADER}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder header(String value) {
            this.header = Checks.setOnce(header, IssuerPolicy.requireText("header", value), "header");
            return this;
        }

        /**
         * @param value the rotated-out secret, read at every delivery; while present its signatures
         *              are accepted too; default: none
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder previous(Supplier<Optional<Secret>> value) {
            this.previous = Checks.setOnce(previous, value, "previous");
            return this;
        }

        /**
         * @param value replay window either side of now, 1 s to 1 h; default {@link #DEFAULT_TOLERANCE}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder tolerance(Duration value) {
            Checks.setOnce(tolerance, value, "tolerance");
            if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("tolerance: " + value + " (expected: PT1S to PT1H)");
            }
            this.tolerance = value;
            return this;
        }

        /**
         * @param value the time source for the replay window; default {@link TimeSource#system()}
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder timeSource(TimeSource value) {
            this.timeSource = Checks.setOnce(timeSource, value, "timeSource");
            return this;
        }

        /** @return the verifier */
        public TimestampedWebhookVerifier build() {
            return new TimestampedWebhookVerifier(this);
        }
    }
}
