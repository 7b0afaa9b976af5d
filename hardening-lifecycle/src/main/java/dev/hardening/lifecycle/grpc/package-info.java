/**
 * Graceful drain for gRPC servers: {@link dev.hardening.lifecycle.grpc.GrpcCallTracker} (an
 * interceptor counting calls and streams, with per-call drain hooks and {@code UNAVAILABLE} for
 * late calls), {@link dev.hardening.lifecycle.grpc.GrpcServerDrain} (the participant) and
 * {@link dev.hardening.lifecycle.grpc.GrpcHealthStatus} (the standard health service driven by
 * {@link dev.hardening.lifecycle.Health}). gRPC is an optional dependency of hardening-lifecycle:
 * add {@code io.grpc:grpc-api} (and {@code io.grpc:grpc-services} for the health binding).
 */
package dev.hardening.lifecycle.grpc;
