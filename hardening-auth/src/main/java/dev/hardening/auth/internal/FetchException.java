package dev.hardening.auth.internal;

/** A failed discovery or JWKS fetch, with a short stable kind ({@code timeout}, {@code http_503} …). */
final class FetchException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String kind;
    private final boolean retryable;

    FetchException(String kind, boolean retryable, String message, Throwable cause) {
        super(kind + ": " + message, cause, false, true);
        this.kind = kind;
        this.retryable = retryable;
    }

    /** @return the kind, such as {@code timeout}, {@code connect}, {@code http_500}, {@code too_large}, {@code malformed} */
    String kind() {
        return kind;
    }

    /** @return whether another attempt may succeed */
    boolean retryable() {
        return retryable;
    }
}
