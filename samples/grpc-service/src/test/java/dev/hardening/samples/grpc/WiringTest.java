package dev.hardening.samples.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.grpc.BearerAuthInterceptor;
import dev.hardening.lifecycle.grpc.GrpcCallTracker;
import dev.hardening.ratelimit.RateLimiting;
import dev.hardening.ratelimit.grpc.RateLimitInterceptor;
import io.grpc.ServerInterceptor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the interceptor order of SAMPLE-GRPC.md: tracking, then auth, then limits. */
class WiringTest {

    @Test
    void trackingSeesEveryCallFirstThenAuthThenTheLimiter() {
        try (RateLimiting rl = RateLimiting.builder().build();
             TokenVerifier verifier = TokenVerifier.builder()
                     .issuer(dev.hardening.auth.IssuerPolicy.jwksUri("https://idp.example", java.net.URI.create("https://idp.example/jwks"))
                             .audience("hub").build())
                     .build()) {
            List<ServerInterceptor> order = Wiring.outermostFirst(GrpcCallTracker.create(), verifier, rl);
            assertThat(order).extracting(Object::getClass).containsExactly(
                    GrpcCallTracker.class, BearerAuthInterceptor.class, RateLimitInterceptor.class);
        }
    }
}
