package dev.hardening.spring.internal;

import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.VerifiedToken;
import java.util.Optional;

/**
 * The one verification of a request's bearer token, kept for that request's trip through the
 * filters on this thread, so that the token is verified once per request: the rate limit filter
 * (before Spring Security) opens a scope with {@link #open}, asks the starter's decoder for the
 * token (the decoder {@link #record records} its outcome, accepted or rejected, in the open scope),
 * keys the request by the verified subject, and when Spring Security then asks the same decoder for
 * the same token the decoder answers from the {@link #recorded} outcome instead of verifying again.
 *
 * <p>An outcome is reused only by the decoder instance that recorded it and only for the exact same
 * token string; with no open scope nothing is recorded and every call verifies. Free of servlet and
 * Spring Security types, so the decoder loads without them. Thread-confined.
 */
public final class RequestVerification {

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private RequestVerification() {
    }

    /** What was recorded in the open scope: by whom, for which token, and the outcome. */
    private static final class Scope {
        Object owner;
        String token;
        VerifiedToken verified;
        TokenRejectedException rejected;
    }

    /**
     * The recorded outcome of one token's verification: exactly one of the two is present.
     *
     * @param verified the verification, when the token was accepted
     * @param rejected the rejection, when it was not
     */
    public record Outcome(Optional<VerifiedToken> verified, Optional<TokenRejectedException> rejected) {
    }

    /**
     * Opens an empty scope on this thread until the returned handle is closed (then the previous
     * scope, if any, is restored). Close it in a {@code finally} block around the rest of the request's
     * filters.
     *
     * @return the handle that closes the scope
     */
    public static Opened open() {
        Scope previous = CURRENT.get();
        CURRENT.set(new Scope());
        return new Opened(previous);
    }

    /**
     * Records an accepted token in the open scope, when one is open and nothing is recorded yet.
     *
     * @param owner    the decoder that verified it
     * @param token    the token string
     * @param verified its verification
     */
    public static void record(Object owner, String token, VerifiedToken verified) {
        Scope s = CURRENT.get();
        if (s != null && s.owner == null) {
            s.owner = owner;
            s.token = token;
            s.verified = verified;
        }
    }

    /**
     * Records a rejected token in the open scope, when one is open and nothing is recorded yet.
     *
     * @param owner    the decoder that verified it
     * @param token    the token string
     * @param rejected why it was rejected
     */
    public static void record(Object owner, String token, TokenRejectedException rejected) {
        Scope s = CURRENT.get();
        if (s != null && s.owner == null) {
            s.owner = owner;
            s.token = token;
            s.rejected = rejected;
        }
    }

    /**
     * @param owner the decoder asking
     * @param token the token it was asked for
     * @return the outcome this decoder recorded for exactly this token in the open scope, if any
     */
    public static Optional<Outcome> recorded(Object owner, String token) {
        Scope s = CURRENT.get();
        if (s == null || s.owner != owner || !s.token.equals(token)) {
            return Optional.empty();
        }
        return Optional.of(new Outcome(Optional.ofNullable(s.verified), Optional.ofNullable(s.rejected)));
    }

    /** An open scope; {@link #close()} ends it. Use on the thread that opened it, once. */
    public static final class Opened implements AutoCloseable {
        private final Scope previous;

        private Opened(Scope previous) {
            this.previous = previous;
        }

        /** Ends the scope: what was recorded in it is forgotten. */
        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
