package dev.hardening.auth;

import java.time.Duration;
import dev.hardening.config.Checks;
import java.util.Objects;

/**
 * How JWK sets are fetched, cached and protected. Immutable and thread-safe; {@link #defaults()}
 * needs no tuning. Every default is a public constant pinned by a test.
 *
 * <ul>
 *   <li>HTTP: connect timeout {@link #DEFAULT_CONNECT_TIMEOUT}, whole-response deadline
 *       {@link #DEFAULT_READ_TIMEOUT} (a slow body counts), response cap {@link #DEFAULT_MAX_RESPONSE_BYTES},
 *       no redirects, up to {@link #DEFAULT_MAX_ATTEMPTS} attempts with exponential backoff and jitter
 *       from {@link #DEFAULT_INITIAL_BACKOFF}.</li>
 *   <li>Cache: lifetime from {@code Cache-Control: max-age}, clamped to
 *       [{@link #DEFAULT_MIN_CACHE_TTL}, {@link #DEFAULT_MAX_CACHE_TTL}], {@link #DEFAULT_CACHE_TTL}
 *       without one; refreshed in the background when 75 % of it has passed; at most
 *       {@link #DEFAULT_MAX_KEYS} keys.</li>
 *   <li>Protection: at most {@link #DEFAULT_REFRESHES_PER_WINDOW} fetches started per
 *       {@link #DEFAULT_REFRESH_WINDOW} per issuer, whatever the traffic; unknown {@code kid}s
 *       remembered (at most {@link #DEFAULT_NEGATIVE_CACHE_SIZE}) until the next refresh; at most
 *       {@link #DEFAULT_MAX_KIDLESS_CANDIDATES} keys tried for a token without {@code kid}.</li>
 *   <li>Availability: a request waits at most {@link #DEFAULT_MAX_WAIT} for keys; last good keys
 *       serve for {@link #DEFAULT_OUTAGE_TOLERANCE} past their expiry while the provider fails.</li>
 * </ul>
 */
public final class JwksSettings {

    /** 2 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** 2 s, for the whole response including the body. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
    /** 256 KiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;
    /** 3 attempts per refresh. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** 200 ms, doubled per retry, with ±50 % jitter. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** 15 min when the response has no usable {@code max-age}. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(15);
    /** 60 s floor for {@code max-age} ({@code no-store} and {@code max-age=0} count as the floor). */
    public static final Duration DEFAULT_MIN_CACHE_TTL = Duration.ofSeconds(60);
    /** 24 h ceiling for {@code max-age}. */
    public static final Duration DEFAULT_MAX_CACHE_TTL = Duration.ofHours(24);
    /** 30 s. */
    public static final Duration DEFAULT_REFRESH_WINDOW = Duration.ofSeconds(30);
    /** 2 fetches per window: one for expiry, one spare for a rotation. */
    public static final int DEFAULT_REFRESHES_PER_WINDOW = 2;
    /** 1 s. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(1);
    /** 6 h. */
    public static final Duration DEFAULT_OUTAGE_TOLERANCE = Duration.ofHours(6);
    /** 1024 remembered unknown kids. */
    public static final int DEFAULT_NEGATIVE_CACHE_SIZE = 1024;
    /** 100 keys per issuer. */
    public static final int DEFAULT_MAX_KEYS = 100;
    /** 3 keys tried for a token without {@code kid}. */
    public static final int DEFAULT_MAX_KIDLESS_CANDIDATES = 3;

    private static final JwksSettings DEFAULTS = builder().build();

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxResponseBytes;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration cacheTtl;
    private final Duration minCacheTtl;
    private final Duration maxCacheTtl;
    private final Duration refreshWindow;
    private final int refreshesPerWindow;
    private final Duration maxWait;
    private final Duration outageTolerance;
    private final int negativeCacheSize;
    private final int maxKeys;
    private final int maxKidlessCandidates;

    private JwksSettings(Builder b) {
        connectTimeout = b.connectTimeout;
        readTimeout = b.readTimeout;
        maxResponseBytes = b.maxResponseBytes;
        maxAttempts = b.maxAttempts;
        initialBackoff = b.initialBackoff;
        cacheTtl = b.cacheTtl;
        minCacheTtl = b.minCacheTtl;
        maxCacheTtl = b.maxCacheTtl;
        refreshWindow = b.refreshWindow;
        refreshesPerWindow = b.refreshesPerWindow;
        maxWait = b.maxWait;
        outageTolerance = b.outageTolerance;
        negativeCacheSize = b.negativeCacheSize;
        maxKeys = b.maxKeys;
        maxKidlessCandidates = b.maxKidlessCandidates;
    }

    /** @return the default settings */
    public static JwksSettings defaults() {
        return DEFAULTS;
    }

    /** @return a builder whose unset options take the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return TCP connect timeout */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return deadline for one whole HTTP response */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** @return response size cap in bytes */
    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    /** @return HTTP attempts per refresh */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return first retry backoff */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** @return cache lifetime without {@code max-age} */
    public Duration cacheTtl() {
        return cacheTtl;
    }

    /** @return floor for {@code max-age} */
    public Duration minCacheTtl() {
        return minCacheTtl;
    }

    /** @return ceiling for {@code max-age} */
    public Duration maxCacheTtl() {
        return maxCacheTtl;
    }

    /** @return the window of the fetch rate limit */
    public Duration refreshWindow() {
        return refreshWindow;
    }

    /** @return fetches allowed per window */
    public int refreshesPerWindow() {
        return refreshesPerWindow;
    }

    /** @return longest a request waits for keys */
    public Duration maxWait() {
        return maxWait;
    }

    /** @return how long past expiry last good keys serve while the provider fails */
    public Duration outageTolerance() {
        return outageTolerance;
    }

    /** @return capacity of the unknown-kid cache */
    public int negativeCacheSize() {
        return negativeCacheSize;
    }

    /** @return most keys kept per issuer */
    public int maxKeys() {
        return maxKeys;
    }

    /** @return most keys tried for a token without {@code kid} */
    public int maxKidlessCandidates() {
        return maxKidlessCandidates;
    }

    /**
     * Builds {@link JwksSettings}; every setter validates its range at once and may be called once
     * ({@code "maxWait: already set"}); unset options take the defaults above. Not thread-safe.
     */
    public static final class Builder {
        private Duration connectTimeout;
        private Duration readTimeout;
        private Integer maxResponseBytes;
        private Integer maxAttempts;
        private Duration initialBackoff;
        private Duration cacheTtl;
        private Duration minCacheTtl;
        private Duration maxCacheTtl;
        private Duration refreshWindow;
        private Integer refreshesPerWindow;
        private Duration maxWait;
        private Duration outageTolerance;
        private Integer negativeCacheSize;
        private Integer maxKeys;
        private Integer maxKidlessCandidates;

        private Builder() {
        }

        private static Duration range(String field, Duration v, Duration min, Duration max) {
            Objects.requireNonNull(v, field);
            if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + ": " + v + " (expected: " + min + " to " + max + ")");
            }
            return v;
        }

        private static int range(String field, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(field + ": " + v + " (expected: " + min + " to " + max + ")");
            }
            return v;
        }

        /** @param v 1 ms to 30 s @return this builder */
        public Builder connectTimeout(Duration v) {
            connectTimeout = Checks.setOnce(connectTimeout, range("connectTimeout", v, Duration.ofMillis(1), Duration.ofSeconds(30)), "connectTimeout");
            return this;
        }

        /** @param v 1 ms to 30 s @return this builder */
        public Builder readTimeout(Duration v) {
            readTimeout = Checks.setOnce(readTimeout, range("readTimeout", v, Duration.ofMillis(1), Duration.ofSeconds(30)), "readTimeout");
            return this;
        }

        /** @param v 1 KiB to 16 MiB @return this builder */
        public Builder maxResponseBytes(int v) {
            maxResponseBytes = Checks.setOnce(maxResponseBytes, range("maxResponseBytes", v, 1024, 16 * 1024 * 1024), "maxResponseBytes");
            return this;
        }

        /** @param v 1 to 10 @return this builder */
        public Builder maxAttempts(int v) {
            maxAttempts = Checks.setOnce(maxAttempts, range("maxAttempts", v, 1, 10), "maxAttempts");
            return this;
        }

        /** @param v 1 ms to 10 s @return this builder */
        public Builder initialBackoff(Duration v) {
            initialBackoff = Checks.setOnce(initialBackoff, range("initialBackoff", v, Duration.ofMillis(1), Duration.ofSeconds(10)), "initialBackoff");
            return this;
        }

        /** @param v 1 s to 7 days @return this builder */
        public Builder cacheTtl(Duration v) {
            cacheTtl = Checks.setOnce(cacheTtl, range("cacheTtl", v, Duration.ofSeconds(1), Duration.ofDays(7)), "cacheTtl");
            return this;
        }

        /** @param v 1 s to 1 day @return this builder */
        public Builder minCacheTtl(Duration v) {
            minCacheTtl = Checks.setOnce(minCacheTtl, range("minCacheTtl", v, Duration.ofSeconds(1), Duration.ofDays(1)), "minCacheTtl");
            return this;
        }

        /** @param v 1 s to 7 days @return this builder */
        public Builder maxCacheTtl(Duration v) {
            maxCacheTtl = Checks.setOnce(maxCacheTtl, range("maxCacheTtl", v, Duration.ofSeconds(1), Duration.ofDays(7)), "maxCacheTtl");
            return this;
        }

        /** @param v 1 s to 1 h @return this builder */
        public Builder refreshWindow(Duration v) {
            refreshWindow = Checks.setOnce(refreshWindow, range("refreshWindow", v, Duration.ofSeconds(1), Duration.ofHours(1)), "refreshWindow");
            return this;
        }

        /** @param v 1 to 10 @return this builder */
        public Builder refreshesPerWindow(int v) {
            refreshesPerWindow = Checks.setOnce(refreshesPerWindow, range("refreshesPerWindow", v, 1, 10), "refreshesPerWindow");
            return this;
        }

        /** @param v 0 to 10 s @return this builder */
        public Builder maxWait(Duration v) {
            maxWait = Checks.setOnce(maxWait, range("maxWait", v, Duration.ZERO, Duration.ofSeconds(10)), "maxWait");
            return this;
        }

        /** @param v 0 to 7 days @return this builder */
        public Builder outageTolerance(Duration v) {
            outageTolerance = Checks.setOnce(outageTolerance, range("outageTolerance", v, Duration.ZERO, Duration.ofDays(7)), "outageTolerance");
            return this;
        }

        /** @param v 1 to 1,000,000 @return this builder */
        public Builder negativeCacheSize(int v) {
            negativeCacheSize = Checks.setOnce(negativeCacheSize, range("negativeCacheSize", v, 1, 1_000_000), "negativeCacheSize");
            return this;
        }

        /** @param v 1 to 1000 @return this builder */
        public Builder maxKeys(int v) {
            maxKeys = Checks.setOnce(maxKeys, range("maxKeys", v, 1, 1000), "maxKeys");
            return this;
        }

        /** @param v 1 to 20 @return this builder */
        public Builder maxKidlessCandidates(int v) {
            maxKidlessCandidates = Checks.setOnce(maxKidlessCandidates, range("maxKidlessCandidates", v, 1, 20), "maxKidlessCandidates");
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalStateException if {@code minCacheTtl > maxCacheTtl} or the default TTL is outside them
         */
        public JwksSettings build() {
            if (connectTimeout == null) {
                connectTimeout = DEFAULT_CONNECT_TIMEOUT;
            }
            if (readTimeout == null) {
                readTimeout = DEFAULT_READ_TIMEOUT;
            }
            if (maxResponseBytes == null) {
                maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
            }
            if (maxAttempts == null) {
                maxAttempts = DEFAULT_MAX_ATTEMPTS;
            }
            if (initialBackoff == null) {
                initialBackoff = DEFAULT_INITIAL_BACKOFF;
            }
            if (cacheTtl == null) {
                cacheTtl = DEFAULT_CACHE_TTL;
            }
            if (minCacheTtl == null) {
                minCacheTtl = DEFAULT_MIN_CACHE_TTL;
            }
            if (maxCacheTtl == null) {
                maxCacheTtl = DEFAULT_MAX_CACHE_TTL;
            }
            if (refreshWindow == null) {
                refreshWindow = DEFAULT_REFRESH_WINDOW;
            }
            if (refreshesPerWindow == null) {
                refreshesPerWindow = DEFAULT_REFRESHES_PER_WINDOW;
            }
            if (maxWait == null) {
                maxWait = DEFAULT_MAX_WAIT;
            }
            if (outageTolerance == null) {
                outageTolerance = DEFAULT_OUTAGE_TOLERANCE;
            }
            if (negativeCacheSize == null) {
                negativeCacheSize = DEFAULT_NEGATIVE_CACHE_SIZE;
            }
            if (maxKeys == null) {
                maxKeys = DEFAULT_MAX_KEYS;
            }
            if (maxKidlessCandidates == null) {
                maxKidlessCandidates = DEFAULT_MAX_KIDLESS_CANDIDATES;
            }
            if (minCacheTtl.compareTo(maxCacheTtl) > 0) {
                throw new IllegalStateException("minCacheTtl: " + minCacheTtl + " (expected: <= maxCacheTtl " + maxCacheTtl + ")");
            }
            if (cacheTtl.compareTo(minCacheTtl) < 0 || cacheTtl.compareTo(maxCacheTtl) > 0) {
                throw new IllegalStateException("cacheTtl: " + cacheTtl + " (expected: between " + minCacheTtl + " and " + maxCacheTtl + ")");
            }
            return new JwksSettings(this);
        }
    }
}
