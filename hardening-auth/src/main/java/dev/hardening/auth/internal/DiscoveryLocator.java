package dev.hardening.auth.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hardening.auth.IssuerPolicy;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds an issuer's JWKS URL: the one configured, or the {@code jwks_uri} of its OIDC discovery
 * document (whose {@code issuer} must equal the configured one exactly), remembered until a
 * client error says it moved. Thread-safe.
 */
final class DiscoveryLocator {

    /** One GET, as done by the layer that owns the HTTP client and its counters. */
    interface Get {
        HttpFetcher.Response get(URI uri) throws FetchException;
    }

    private final IssuerPolicy policy;
    private final AtomicReference<URI> discovered = new AtomicReference<>();

    DiscoveryLocator(IssuerPolicy policy) {
        this.policy = policy;
    }

    URI jwksUri(Get http) throws FetchException {
        Optional<URI> direct = policy.jwksUri();
        if (direct.isPresent()) {
            return direct.get();
        }
        URI known = discovered.get();
        if (known != null) {
            return known;
        }
        String issuer = policy.issuer();
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI configUri = URI.create(base + "/.well-known/openid-configuration");
        HttpFetcher.Response r = http.get(configUri);
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(r.body());
        } catch (java.text.ParseException | RuntimeException e) {
            throw new FetchException("malformed", false, configUri + " is not a JSON object", null);
        }
        if (!issuer.equals(doc.get("issuer"))) {
            throw new FetchException("issuer_mismatch", false, configUri + " names another issuer", null);
        }
        Object jwks = doc.get("jwks_uri");
        if (!(jwks instanceof String)) {
            throw new FetchException("malformed", false, configUri + " has no jwks_uri", null);
        }
        URI uri;
        try {
            UrlRules.check("jwks_uri", (String) jwks);
            uri = URI.create((String) jwks);
        } catch (IllegalArgumentException e) {
            throw new FetchException("invalid_jwks_uri", false, configUri + ": " + e.getMessage(), null);
        }
        // An https issuer must not be downgraded to plain http by its own discovery document: the
        // startup report judged the configured URL, not this one.
        if (UrlRules.isPlainHttp(uri.toString()) && !UrlRules.isPlainHttp(issuer)) {
            throw new FetchException("insecure_jwks_uri", false, configUri + " points to a plain http jwks_uri", null);
        }
        discovered.set(uri);
        return uri;
    }

    /** Forgets a discovered URL (after a 4xx), so the next refresh runs discovery again. */
    void forget() {
        if (policy.jwksUri().isEmpty()) {
            discovered.set(null);
        }
    }
}
