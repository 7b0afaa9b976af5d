/**
 * Rate-limit and dedup state in Redis (standalone, Sentinel or Cluster) through Lettuce:
 * {@link dev.hardening.ratelimit.redis.RedisBackend}, a {@link dev.hardening.ratelimit.SharedBackend}.
 * Lettuce is an optional dependency of hardening-ratelimit; add {@code io.lettuce:lettuce-core} to use
 * this package. Nothing outside this package touches Lettuce, so a service on the local limiter alone
 * needs no Redis client.
 */
package dev.hardening.ratelimit.redis;
