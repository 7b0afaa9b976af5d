/**
 * A {@link dev.hardening.lifecycle.LeaseProvider} on Redis (standalone, Sentinel or Cluster) through
 * Lettuce: {@link dev.hardening.lifecycle.redis.RedisLeaseProvider}. Lettuce is an optional
 * dependency of hardening-lifecycle; add {@code io.lettuce:lettuce-core} to use this package.
 */
package dev.hardening.lifecycle.redis;
