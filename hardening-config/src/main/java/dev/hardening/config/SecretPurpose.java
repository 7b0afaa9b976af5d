package dev.hardening.config;

/**
 * What a secret is used for; decides the minimum decoded length the {@link SecretPolicy} asks for.
 * Every purpose also needs an estimated strength of at least 128 bits.
 */
public enum SecretPurpose {
    /** An HMAC or HS256 JWT key: at least 32 decoded bytes (RFC 7518 section 3.2). */
    HMAC_KEY(32),
    /** A bearer token, API key or webhook secret: at least 16 decoded bytes. */
    TOKEN(16),
    /** A password given to another system (database, object store): at least 16 characters. */
    PASSWORD(16);

    private final int minimumBytes;

    SecretPurpose(int minimumBytes) {
        this.minimumBytes = minimumBytes;
    }

    /** @return the minimum decoded length in bytes */
    public int minimumBytes() {
        return minimumBytes;
    }
}
