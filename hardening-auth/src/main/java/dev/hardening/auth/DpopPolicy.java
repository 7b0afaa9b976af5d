package dev.hardening.auth;

import dev.hardening.config.Checks;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * How DPoP proofs (RFC 9449) are checked. Immutable and thread-safe; {@link #defaults()} needs no
 * tuning and is what a {@link TokenVerifier} uses when none is given.
 *
 * <p>A request with {@code Authorization: DPoP <token>} and one {@code DPoP: <proof>} header is
 * accepted when the token verifies and is bound to a key ({@code cnf.jkt}), and the proof: is a
 * compact JWS of at most {@link #maxProofBytes()} characters with {@code typ: dpop+jwt}; is signed
 * with an algorithm of {@link #algorithms()} by the public key in its {@code jwk} header (no private
 * members, the same key policy as issuers' keys: RSA ≥ 2048 bits, P-256/384/521, Ed25519/Ed448);
 * has {@code htm} equal to the request method and {@code htu} equal to the request URL without query
 * and fragment; has {@code iat} within {@link #proofWindow()} of the server clock either side; has
 * {@code ath} equal to the base64url SHA-256 of the access token; has a key whose RFC 7638
 * thumbprint is the token's {@code cnf.jkt}; has a {@code jti} the {@link #replayCheck()} has not
 * seen; and, when {@link #nonces()} is set, carries an accepted {@code nonce}.
 *
 * <p>Defaults (pinned by a test): every algorithm of {@link IssuerPolicy#ASYMMETRIC_ALGORITHMS};
 * window {@link #DEFAULT_PROOF_WINDOW}; size cap {@link #DEFAULT_MAX_PROOF_BYTES}; replay check in
 * this process ({@link DpopReplayCheck#local}, {@value DpopReplayCheck#DEFAULT_LOCAL_CAPACITY} ids,
 * for {@link #replayTtl()}); no server nonces. Each builder option may be set once.
 */
public final class DpopPolicy {

    /** Default accepted distance between a proof's {@code iat} and the server clock: 60 s either side. */
    public static final Duration DEFAULT_PROOF_WINDOW = Duration.ofSeconds(60);
    /** Largest proof window: 5 min. */
    public static final Duration MAX_PROOF_WINDOW = Duration.ofMinutes(5);
    /** Default size cap of a proof: 8 KiB (an RSA-4096 {@code jwk} and its signature fit). */
    public static final int DEFAULT_MAX_PROOF_BYTES = 8 * 1024;

    private static final DpopPolicy DEFAULTS = builder().build();

    private final Set<String> algorithms;
    private final Duration proofWindow;
    private final int maxProofBytes;
    private final Optional<DpopReplayCheck> replayCheck;
    private final Optional<DpopNonces> nonces;

    private DpopPolicy(Builder b) {
        this.algorithms = b.algorithms;
        this.proofWindow = b.proofWindow;
        this.maxProofBytes = b.maxProofBytes;
        this.replayCheck = Optional.ofNullable(b.replayCheck);
        this.nonces = Optional.ofNullable(b.nonces);
    }

    /** @return the default policy */
    public static DpopPolicy defaults() {
        return DEFAULTS;
    }

    /** @return a new builder; not thread-safe */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the algorithms a proof may be signed with (asymmetric only; {@code none} and HS* never) */
    public Set<String> algorithms() {
        return algorithms;
    }

    /** @return how far a proof's {@code iat} may be from the server clock, either side */
    public Duration proofWindow() {
        return proofWindow;
    }

    /** @return how long a proof id must be remembered: twice the proof window */
    public Duration replayTtl() {
        return proofWindow.multipliedBy(2);
    }

    /** @return the size cap of a proof, in characters */
    public int maxProofBytes() {
        return maxProofBytes;
    }

    /** @return the replay check; empty means a local one built by the verifier on its time source */
    public Optional<DpopReplayCheck> replayCheck() {
        return replayCheck;
    }

    /** @return the server nonces, when proofs must carry one */
    public Optional<DpopNonces> nonces() {
        return nonces;
    }

    /** @return the {@code algs} value of a {@code WWW-Authenticate: DPoP} challenge (space-separated) */
    public String challengeAlgorithms() {
        return String.join(" ", algorithms);
    }

    @Override
    public String toString() {
        return "DpopPolicy[window=" + proofWindow + ", algs=" + algorithms + ", replay="
                + (replayCheck.isPresent() ? "custom" : "local") + ", nonces=" + nonces.isPresent() + "]";
    }

    /** Builds a {@link DpopPolicy}; each option may be set once ({@code "proofWindow: already set"}). Not thread-safe. */
    public static final class Builder {
        private Set<String> algorithms;
        private Duration proofWindow;
        private Integer maxProofBytesValue;
        private int maxProofBytes;
        private DpopReplayCheck replayCheck;
        private DpopNonces nonces;

        private Builder() {
        }

        /**
         * @param values a non-empty subset of {@link IssuerPolicy#ASYMMETRIC_ALGORITHMS}
         * @return this builder
         * @throws IllegalArgumentException for {@code none}, HS* or any other algorithm, or no value
         * @throws IllegalStateException    if already set
         */
        public Builder algorithms(String... values) {
            Checks.setOnce(algorithms, values, "algorithms");
            if (values.length == 0) {
                throw new IllegalArgumentException("algorithms: empty (expected: a subset of "
                        + IssuerPolicy.ASYMMETRIC_ALGORITHMS + ")");
            }
            Set<String> set = new LinkedHashSet<>();
            for (String v : values) {
                if (!IssuerPolicy.ASYMMETRIC_ALGORITHMS.contains(v)) {
                    throw new IllegalArgumentException("algorithms: " + v + " (expected: one of "
                            + IssuerPolicy.ASYMMETRIC_ALGORITHMS + ")");
                }
                set.add(v);
            }
            this.algorithms = Collections.unmodifiableSet(set);
            return this;
        }

        /**
         * @param value how far {@code iat} may be from the server clock, 1 s to {@link #MAX_PROOF_WINDOW};
         *              default {@link #DEFAULT_PROOF_WINDOW}
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if out of range
         */
        public Builder proofWindow(Duration value) {
            Checks.setOnce(proofWindow, value, "proofWindow");
            if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(MAX_PROOF_WINDOW) > 0) {
                throw new IllegalArgumentException("proofWindow: " + value + " (expected: PT1S to " + MAX_PROOF_WINDOW + ")");
            }
            this.proofWindow = value;
            return this;
        }

        /**
         * @param value size cap of a proof in characters, 1 KiB to 64 KiB; default {@link #DEFAULT_MAX_PROOF_BYTES}
         * @return this builder
         * @throws IllegalStateException    if already set
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxProofBytes(int value) {
            Checks.setOnce(maxProofBytesValue, value, "maxProofBytes");
            Checks.inRange(value, 1024, 64 * 1024, "maxProofBytes");
            this.maxProofBytesValue = value;
            return this;
        }

        /**
         * @param value where proof ids are remembered, for example a store shared by the replicas;
         *              default a local one ({@link DpopReplayCheck#local})
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder replayCheck(DpopReplayCheck value) {
            this.replayCheck = Checks.setOnce(replayCheck, value, "replayCheck");
            return this;
        }

        /**
         * @param value the server nonces every proof must carry; default none required
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder nonces(DpopNonces value) {
            this.nonces = Checks.setOnce(nonces, value, "nonces");
            return this;
        }

        /** @return the policy */
        public DpopPolicy build() {
            if (algorithms == null) {
                algorithms = IssuerPolicy.ASYMMETRIC_ALGORITHMS;
            }
            if (proofWindow == null) {
                proofWindow = DEFAULT_PROOF_WINDOW;
            }
            maxProofBytes = maxProofBytesValue == null ? DEFAULT_MAX_PROOF_BYTES : maxProofBytesValue;
            return new DpopPolicy(this);
        }
    }
}
