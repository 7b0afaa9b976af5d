/**
 * Test support shared by the hardening modules, never published: real {@code redis-server}
 * processes ({@link dev.hardening.testkit.RedisServers}, {@link dev.hardening.testkit.RedisCluster})
 * and a real PostgreSQL ({@link dev.hardening.testkit.PostgresServer}), each on a free loopback port
 * and never on the well-known ports (6379, 5432) where a developer's own server may run.
 */
package dev.hardening.testkit;
