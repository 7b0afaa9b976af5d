package dev.hardening.ratelimit.grpc;

import dev.hardening.config.Checks;
import dev.hardening.ratelimit.EnforcementMode;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.internal.RateLimitGate;
import dev.hardening.ratelimit.internal.RejectionResponse;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A gRPC {@link ServerInterceptor} that rate-limits each call by its caller key, with the limiter and
 * the {@link EnforcementMode} of a {@link RateLimiting} (the object whose startup check reports that
 * mode, findings {@code HR-…}): the gRPC counterpart of the HTTP filters, with the same values.
 *
 * <ul>
 *   <li>Allowed: the call proceeds; its response headers carry {@code ratelimit-policy} and
 *       {@code ratelimit}, exactly the values of the HTTP {@code RateLimit-Policy} and
 *       {@code RateLimit} fields.</li>
 *   <li>Over the limit: {@code RESOURCE_EXHAUSTED} with description {@value #LIMITED} and trailers
 *       {@code retry-after} (whole seconds), {@code ratelimit} and {@code ratelimit-policy}; the
 *       service is not called.</li>
 *   <li>{@link EnforcementMode#SHADOW}: every call proceeds; would-be denials are counted
 *       ({@code RateLimitCounters.shadowDenied()}).</li>
 *   <li>The limiter cannot decide (a bare shared limiter; the {@code RateLimiting} one never fails):
 *       {@code UNAVAILABLE} with description {@value #UNDECIDED}.</li>
 * </ul>
 *
 * <p>Order matters: install it <em>inside</em> the authentication interceptor, so calls with a bad token
 * are rejected before they consume anyone's quota and the key can be the verified subject. With
 * grpc-java, interceptors passed to {@code ServerInterceptors.intercept(service, a, b, c)} run
 * {@code c} first; the tracking → auth → limits order is therefore
 *
 * <pre>{@code
 * RateLimitInterceptor limits = RateLimitInterceptor.builder(rateLimiting)
 *         .keyResolver(CallKeyResolver.subjectOrPeerAddress(BearerAuthInterceptor.TOKEN, VerifiedToken::subject))
 *         .build();
 * serverBuilder.addService(ServerInterceptors.intercept(service, limits, BearerAuthInterceptor.of(verifier), tracker));
 * }</pre>
 *
 * Add it to the services to limit, not server-wide, so that health checks are never limited.
 * Thread-safe.
 */
public final class RateLimitInterceptor implements ServerInterceptor {

    /** The status description of a call refused because its caller is over the limit. */
    public static final String LIMITED = "rate_limited";
    /** The status description of a call refused because the limiter could not decide. */
    public static final String UNDECIDED = "rate_limit_unavailable";

    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RATELIMIT = Metadata.Key.of("ratelimit", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RATELIMIT_POLICY = Metadata.Key.of("ratelimit-policy", Metadata.ASCII_STRING_MARSHALLER);

    private static final ServerCall.Listener<Object> NOOP = new ServerCall.Listener<>() { };

    private final RateLimitGate gate;
    private final CallKeyResolver keys;

    private RateLimitInterceptor(RateLimiting rateLimiting, CallKeyResolver keys) {
        this.gate = new RateLimitGate(rateLimiting.limiter(), rateLimiting.mode());
        this.keys = keys;
    }

    /**
     * @param rateLimiting the limiter and mode to use
     * @return an interceptor keyed by {@link CallKeyResolver#peerAddress()}
     * @throws NullPointerException if {@code rateLimiting} is null
     */
    public static RateLimitInterceptor of(RateLimiting rateLimiting) {
        return builder(rateLimiting).build();
    }

    /**
     * @param rateLimiting the limiter and mode to use
     * @return a builder
     * @throws NullPointerException if {@code rateLimiting} is null
     */
    public static Builder builder(RateLimiting rateLimiting) {
        return new Builder(rateLimiting);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        RateLimitGate.Outcome outcome = gate.check(keys.resolve(call, headers));
        Optional<RejectionResponse> rejection = outcome.rejection();
        if (rejection.isEmpty()) {
            Map<String, String> quota = outcome.headers();
            if (quota.isEmpty()) {
                return next.startCall(call, headers);
            }
            return next.startCall(new QuotaHeadersCall<>(call, quota), headers);
        }
        RejectionResponse r = rejection.get();
        Metadata trailers = new Metadata();
        Status status;
        if (r.status() == 429) {
            status = Status.RESOURCE_EXHAUSTED.withDescription(LIMITED);
            copy(r.headers(), trailers);
        } else {
            status = Status.UNAVAILABLE.withDescription(UNDECIDED);
        }
        call.close(status, trailers);
        @SuppressWarnings("unchecked")
        ServerCall.Listener<Q> noop = (ServerCall.Listener<Q>) NOOP;
        return noop;
    }

    /** @return a description for listings, e.g. {@code rate limit 100/1m (ENFORCE)} */
    @Override
    public String toString() {
        return gate.description();
    }

    /** Copies the rate-limit fields of an HTTP answer into gRPC metadata, lower-cased as HTTP/2 requires. */
    private static void copy(Map<String, String> httpFields, Metadata into) {
        for (Map.Entry<String, String> h : httpFields.entrySet()) {
            switch (h.getKey().toLowerCase(Locale.ROOT)) {
                case "retry-after":
                    into.put(RETRY_AFTER, h.getValue());
                    break;
                case "ratelimit":
                    into.put(RATELIMIT, h.getValue());
                    break;
                case "ratelimit-policy":
                    into.put(RATELIMIT_POLICY, h.getValue());
                    break;
                default:
                    // Content-Type, Cache-Control: HTTP body concerns, not gRPC's
            }
        }
    }

    /** Adds the quota fields to the response headers of an allowed call. */
    private static final class QuotaHeadersCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final Map<String, String> quota;

        QuotaHeadersCall(ServerCall<Q, R> delegate, Map<String, String> quota) {
            super(delegate);
            this.quota = quota;
        }

        @Override
        public void sendHeaders(Metadata headers) {
            copy(quota, headers);
            super.sendHeaders(headers);
        }
    }

    /** Builder; each option may be set once. Not thread-safe. */
    public static final class Builder {
        private final RateLimiting rateLimiting;
        private CallKeyResolver keys;

        private Builder(RateLimiting rateLimiting) {
            this.rateLimiting = Checks.notNull(rateLimiting, "rateLimiting");
        }

        /**
         * @param resolver chooses each call's key; default {@link CallKeyResolver#peerAddress()}
         * @return this
         * @throws NullPointerException  if null
         * @throws IllegalStateException if already set
         */
        public Builder keyResolver(CallKeyResolver resolver) {
            this.keys = Checks.setOnce(this.keys, resolver, "keyResolver");
            return this;
        }

        /** @return the interceptor */
        public RateLimitInterceptor build() {
            return new RateLimitInterceptor(rateLimiting, keys == null ? CallKeyResolver.peerAddress() : keys);
        }
    }
}
