/**
 * Rate limiting for gRPC servers: {@link dev.hardening.ratelimit.grpc.RateLimitInterceptor}, built from a
 * {@link dev.hardening.ratelimit.RateLimiting} like the HTTP filters, and
 * {@link dev.hardening.ratelimit.grpc.CallKeyResolver}, which keys calls by the verified subject or the
 * peer address. gRPC is an optional dependency of hardening-ratelimit: add {@code io.grpc:grpc-api}.
 */
package dev.hardening.ratelimit.grpc;
