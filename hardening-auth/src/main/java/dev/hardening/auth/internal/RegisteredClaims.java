package dev.hardening.auth.internal;

import dev.hardening.auth.InvalidTokenException;
import dev.hardening.auth.RejectionReason;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The registered claims of a JWT (RFC 7519 §4.1) read from the parsed payload, with their types
 * checked: {@code iss} and {@code jti} strings, {@code sub} a string (or a number, read as its
 * decimal text, as Nimbus' {@code JWTClaimsSet} reads it), {@code aud} a string or an array of
 * strings, {@code exp}/{@code nbf}/{@code iat} numbers of seconds (fractions dropped) within the
 * range of {@link Instant}. An absent or {@code null} claim is {@code null} here; whether it is
 * required is the verifier's decision.
 *
 * @param issuer     {@code iss}
 * @param subject    {@code sub}
 * @param audiences  {@code aud} as a list (unmodifiable, no null element)
 * @param expiresAt  {@code exp}
 * @param notBefore  {@code nbf}
 * @param issuedAt   {@code iat}
 */
record RegisteredClaims(String issuer, String subject, List<String> audiences, Instant expiresAt, Instant notBefore,
                        Instant issuedAt) {

    private static InvalidTokenException wrongType(String claim) {
        return new InvalidTokenException(RejectionReason.MALFORMED, "a registered claim has the wrong type (" + claim + ")");
    }

    /**
     * @param raw the payload's members
     * @return the registered claims
     * @throws InvalidTokenException ({@link RejectionReason#MALFORMED}) if a registered claim has the wrong type
     */
    static RegisteredClaims of(Map<String, Object> raw) {
        Object jti = raw.get("jti");
        if (jti != null && !(jti instanceof String)) {
            throw wrongType("jti");
        }
        return new RegisteredClaims(string(raw, "iss"), subject(raw.get("sub")), audiences(raw.get("aud")),
                seconds(raw, "exp"), seconds(raw, "nbf"), seconds(raw, "iat"));
    }

    private static String string(Map<String, Object> raw, String name) {
        Object v = raw.get(name);
        if (v != null && !(v instanceof String)) {
            throw wrongType(name);
        }
        return (String) v;
    }

    private static String subject(Object v) {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof Number) {
            return String.valueOf(v);
        }
        throw wrongType("sub");
    }

    private static List<String> audiences(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String) {
            return List.of((String) v);
        }
        if (!(v instanceof List)) {
            throw wrongType("aud");
        }
        List<?> in = (List<?>) v;
        List<String> out = new ArrayList<>(in.size());
        for (Object o : in) {
            if (!(o instanceof String)) {
                throw wrongType("aud");
            }
            out.add((String) o);
        }
        return List.copyOf(out);
    }

    private static Instant seconds(Map<String, Object> raw, String name) {
        Object v = raw.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number)) {
            throw wrongType(name);
        }
        try {
            return Instant.ofEpochSecond(((Number) v).longValue());
        } catch (DateTimeException e) {
            throw wrongType(name);
        }
    }
}
