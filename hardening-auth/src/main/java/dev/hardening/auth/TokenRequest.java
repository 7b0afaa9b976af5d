package dev.hardening.auth;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An access token as a request presented it: {@code Authorization: Bearer <token>}, or
 * {@code Authorization: DPoP <token>} with its {@code DPoP} proof and the request's method and URL
 * (RFC 9449), which the proof must name. Adapters build it; {@link TokenVerifier#verify(TokenRequest)}
 * checks it. Immutable and thread-safe; {@link #toString()} never shows the token or the proof.
 */
public final class TokenRequest {

    /** How the token was presented. */
    public enum Scheme {
        /** RFC 6750: the token alone. A key-bound token is refused this way. */
        BEARER,
        /** RFC 9449: the token with a proof of possession of the key it is bound to. */
        DPOP
    }

    private final Scheme scheme;
    private final CharSequence token;
    private final Optional<String> proof;
    private final String method;
    private final Optional<URI> url;

    private TokenRequest(Scheme scheme, CharSequence token, Optional<String> proof, String method, Optional<URI> url) {
        this.scheme = scheme;
        this.token = token;
        this.proof = proof;
        this.method = method;
        this.url = url;
    }

    /**
     * @param token the access token
     * @return a Bearer presentation
     * @throws NullPointerException if {@code token} is null
     */
    public static TokenRequest bearer(CharSequence token) {
        return new TokenRequest(Scheme.BEARER, Objects.requireNonNull(token, "token"), Optional.empty(), "", Optional.empty());
    }

    /**
     * @param token  the access token (after {@code DPoP })
     * @param proof  the value of the one {@code DPoP} header; empty when the request had none (refused)
     * @param method the request method, such as {@code GET}
     * @param url    the URL the client called, absolute; its query and fragment are ignored
     * @return a DPoP presentation
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code url} is not absolute or {@code method} is blank
     */
    public static TokenRequest dpop(CharSequence token, Optional<String> proof, String method, URI url) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        if (method.isBlank()) {
            throw new IllegalArgumentException("method: blank (expected: the request method)");
        }
        if (!url.isAbsolute() || url.getHost() == null) {
            throw new IllegalArgumentException("url: not absolute (expected: scheme://host/path)");
        }
        return new TokenRequest(Scheme.DPOP, token, proof, method.toUpperCase(Locale.ROOT), Optional.of(url));
    }

    /** @return how the token was presented */
    public Scheme scheme() {
        return scheme;
    }

    /** @return the access token */
    public CharSequence token() {
        return token;
    }

    /** @return the DPoP proof, for {@link Scheme#DPOP} when the request carried one */
    public Optional<String> proof() {
        return proof;
    }

    /** @return the request method (upper case) for {@link Scheme#DPOP}, else empty */
    public String method() {
        return method;
    }

    /** @return the request URL for {@link Scheme#DPOP} */
    public Optional<URI> url() {
        return url;
    }

    @Override
    public String toString() {
        return "TokenRequest[" + scheme + (scheme == Scheme.DPOP ? ", " + method : "") + "]";
    }
}
