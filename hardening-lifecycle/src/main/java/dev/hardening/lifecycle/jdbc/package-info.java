/**
 * A {@link dev.hardening.lifecycle.LeaseProvider} on PostgreSQL through plain JDBC:
 * {@link dev.hardening.lifecycle.jdbc.PostgresLeaseProvider}. The JDBC driver is an optional
 * dependency of hardening-lifecycle; add {@code org.postgresql:postgresql} to use this package.
 */
package dev.hardening.lifecycle.jdbc;
