package dev.hardening.samples.service;

import dev.hardening.auth.TokenProfile;
import java.util.Locale;

/**
 * {@code OIDC_TOKEN_TYPE}: {@code any} ({@code typ} absent, {@code JWT} or {@code at+jwt}) or
 * {@code at+jwt} (only RFC 9068 access tokens); any other value is a configuration error. A value
 * type bound through {@link #parse(String)} (a class, not a record: the binder reads records as
 * nested groups of settings).
 */
public final class TokenTypeSetting {

    private final TokenProfile profile;

    private TokenTypeSetting(TokenProfile profile) {
        this.profile = profile;
    }

    /**
     * @param value {@code any} or {@code at+jwt} (case-insensitive)
     * @return the setting
     * @throws IllegalArgumentException for any other value
     */
    public static TokenTypeSetting parse(String value) {
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "any":
                return new TokenTypeSetting(TokenProfile.ACCESS_TOKEN);
            case "at+jwt":
                return new TokenTypeSetting(TokenProfile.RFC9068_ACCESS_TOKEN);
            default:
                throw new IllegalArgumentException("expected any or at+jwt");
        }
    }

    /** @return the issuer's token profile */
    public TokenProfile profile() {
        return profile;
    }

    @Override
    public String toString() {
        return profile == TokenProfile.RFC9068_ACCESS_TOKEN ? "at+jwt" : "any";
    }
}
