package dev.hardening.samples.grpc;

import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.grpc.BearerAuthInterceptor;
import dev.hardening.lifecycle.grpc.GrpcCallTracker;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.grpc.CallKeyResolver;
import dev.hardening.ratelimit.grpc.RateLimitInterceptor;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one place that decides the order of the interceptors around {@code TaskHub}, outermost first:
 *
 * <ol>
 *   <li><b>tracking</b> (lifecycle): counts the call in flight so the drain waits for it, answers
 *       {@code UNAVAILABLE} once the server stopped accepting and cuts it with {@code UNAVAILABLE} at
 *       the deadline;</li>
 *   <li><b>auth</b>: {@code UNAUTHENTICATED} with the reason code, {@code UNAVAILABLE} while keys
 *       cannot be fetched; records the verified token;</li>
 *   <li><b>limits</b>: keyed by the verified subject; rejected tokens never reach it, so they never
 *       consume a caller's quota.</li>
 * </ol>
 *
 * The health service gets none of them: never authenticated, never limited, and its watches never
 * hold up a drain. ({@code ServerInterceptors.intercept} runs the <em>last</em> interceptor given
 * first; {@link #outermostFirst} is turned round for it here and nowhere else.)
 */
final class Wiring {

    private Wiring() {
    }

    /**
     * @return the interceptors of {@code TaskHub}, outermost (first to see a call) first
     */
    static List<ServerInterceptor> outermostFirst(GrpcCallTracker tracker, TokenVerifier verifier, RateLimiting rateLimiting) {
        RateLimitInterceptor limits = RateLimitInterceptor.builder(rateLimiting)
                .keyResolver(CallKeyResolver.subjectOrPeerAddress(BearerAuthInterceptor.TOKEN, VerifiedToken::subject))
                .build();
        return List.of(tracker, BearerAuthInterceptor.of(verifier), limits);
    }

    /**
     * @param service      the implementation
     * @param interceptors from {@link #outermostFirst}
     * @return {@code TaskHub} wrapped in the interceptors, the first of the list seeing each call first
     */
    static ServerServiceDefinition taskHub(TaskHubApi.Service service, List<ServerInterceptor> interceptors) {
        List<ServerInterceptor> innermostFirst = new ArrayList<>(interceptors);
        Collections.reverse(innermostFirst);
        return ServerInterceptors.intercept(TaskHubApi.bind(service), innermostFirst);
    }
}
