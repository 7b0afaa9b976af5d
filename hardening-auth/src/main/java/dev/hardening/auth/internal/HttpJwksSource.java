package dev.hardening.auth.internal;

import dev.hardening.auth.JwksEvent;
import dev.hardening.auth.JwksSettings;
import dev.hardening.config.TimeSource;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Innermost layer: one attempt at discovery (when needed) plus the JWKS GET, parsed by the key
 * policy of {@link KeySetParser}, with a cache lifetime from {@code Cache-Control: max-age}
 * clamped to the settings' bounds. Counts every HTTP request. Thread-safe.
 *
 * <p>Why not Nimbus' {@code URLBasedJWKSetSource}: its {@code DefaultResourceRetriever} follows
 * redirects and applies the read timeout per read, so a body dribbled slowly is never cut, and its
 * {@code Resource} drops the response headers, so {@code Cache-Control} cannot be honoured
 * ({@code NimbusWrappersTest.urlBasedSourceFollowsRedirects}; ours: {@code RemoteJwksIT}'s
 * {@code doesNotFollowRedirects}, {@code timesOutSlowResponsesAndSlowBodies}).
 */
final class HttpJwksSource implements JwksSource {

    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");

    private final DiscoveryLocator locator;
    private final HttpFetcher fetcher;
    private final JwksSettings settings;
    private final TimeSource time;
    private final JwksState state;
    private final Events events;

    HttpJwksSource(DiscoveryLocator locator, HttpFetcher fetcher, JwksSettings settings, TimeSource time,
                   JwksState state, Events events) {
        this.locator = locator;
        this.fetcher = fetcher;
        this.settings = settings;
        this.time = time;
        this.state = state;
        this.events = events;
    }

    @Override
    public JwksLayer below() {
        return null;
    }

    @Override
    public KeySet load() throws FetchException {
        URI jwksUri = locator.jwksUri(this::get);
        HttpFetcher.Response response;
        try {
            response = get(jwksUri);
        } catch (FetchException e) {
            if (e.kind().startsWith("http_4")) {
                locator.forget();
            }
            throw e;
        }
        KeySetParser.Result parsed;
        try {
            parsed = KeySetParser.parse(response.body(), settings.maxKeys());
        } catch (KeySetParser.MalformedKeySetException e) {
            throw new FetchException("malformed", false, jwksUri + " is not a JWK set (" + e.getMessage() + ")", null);
        }
        for (String reason : parsed.ignored()) {
            events.emit(JwksEvent.Type.KEY_IGNORED, reason);
        }
        if (parsed.keys().isEmpty()) {
            throw new FetchException("no_usable_keys", false, jwksUri + " publishes no usable signing key", null);
        }
        return KeySet.of(parsed.keys(), time.now(), time.nanoTime(), ttl(response.cacheControl()));
    }

    private HttpFetcher.Response get(URI uri) throws FetchException {
        state.fetches.increment();
        try {
            return fetcher.get(uri);
        } catch (FetchException e) {
            state.fetchFailures.increment();
            events.emit(JwksEvent.Type.FETCH_FAILED, e.getMessage());
            throw e;
        }
    }

    private Duration ttl(Optional<String> cacheControl) {
        if (cacheControl.isEmpty()) {
            return settings.cacheTtl();
        }
        String cc = cacheControl.get().toLowerCase(Locale.ROOT);
        if (cc.contains("no-store") || cc.contains("no-cache")) {
            return settings.minCacheTtl();
        }
        Matcher m = MAX_AGE.matcher(cc);
        if (!m.find()) {
            return settings.cacheTtl();
        }
        Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)));
        if (d.compareTo(settings.minCacheTtl()) < 0) {
            return settings.minCacheTtl();
        }
        return d.compareTo(settings.maxCacheTtl()) > 0 ? settings.maxCacheTtl() : d;
    }
}
