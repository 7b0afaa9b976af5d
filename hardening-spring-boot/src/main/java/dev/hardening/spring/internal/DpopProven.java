package dev.hardening.spring.internal;

import dev.hardening.auth.VerifiedToken;
import java.util.Optional;

/**
 * The token the current request proved with its DPoP proof, for the length of that request's trip
 * through Spring Security on this thread: set by {@link DpopFilter}, read by
 * {@code HardeningJwtDecoder}. Free of servlet types, so the decoder loads without a servlet
 * container (WebFlux, plain use). Thread-confined.
 */
public final class DpopProven {

    private static final ThreadLocal<Proven> PROVEN = new ThreadLocal<>();

    private DpopProven() {
    }

    /** A token and its verification. */
    private record Proven(String token, VerifiedToken verified) {
    }

    /**
     * Runs {@code body} with {@code token} marked as proved on this thread.
     *
     * @param token    the access token
     * @param verified its verification, proof included
     * @param body     what runs meanwhile
     * @param <E>      what {@code body} throws
     * @throws E what {@code body} throws
     */
    public static <E extends Exception> void during(String token, VerifiedToken verified, Body<E> body) throws E {
        PROVEN.set(new Proven(token, verified));
        try {
            body.run();
        } finally {
            PROVEN.remove();
        }
    }

    /**
     * @param token a token the decoder was asked for
     * @return its verification, when it is the token the current request proved with DPoP
     */
    public static Optional<VerifiedToken> verifiedOnThisThread(String token) {
        Proven p = PROVEN.get();
        return p != null && p.token.equals(token) ? Optional.of(p.verified) : Optional.empty();
    }

    /**
     * Work run while a token is marked.
     *
     * @param <E> what it throws
     */
    @FunctionalInterface
    public interface Body<E extends Exception> {
        /** @throws E what it throws */
        void run() throws E;
    }
}
