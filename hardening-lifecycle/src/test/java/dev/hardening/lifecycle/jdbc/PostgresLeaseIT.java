package dev.hardening.lifecycle.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.FencedResource;
import dev.hardening.lifecycle.Lease;
import dev.hardening.lifecycle.LeaseStoreException;
import dev.hardening.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class PostgresLeaseIT {

    private static final Duration TTL = Duration.ofMillis(800);
    private static PostgresServer pg;
    private static PGSimpleDataSource dataSource;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.start();
        assertThat(pg.port()).isNotEqualTo(5432);
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(pg.jdbcUrl());
        dataSource.setUser(PostgresServer.USER);
        dataSource.setConnectTimeout(2);
        dataSource.setSocketTimeout(3);
        provider().createTable();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    private static PostgresLeaseProvider provider() {
        return PostgresLeaseProvider.builder(dataSource).safetyMargin(Duration.ofMillis(100)).build();
    }

    private static Lease acquireWithin(PostgresLeaseProvider p, String name, Duration ttl, Duration timeout) {
        Deadline d = Deadline.after(timeout);
        while (true) {
            try {
                Optional<Lease> l = p.tryAcquire(name, ttl);
                if (l.isPresent()) {
                    return l.get();
                }
            } catch (LeaseStoreException e) {
                // server restarting: poll again
            }
            assertThat(d.isExpired()).as("acquired " + name + " within " + timeout).isFalse();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void oneHolderAtATimeAndAStalledHolderIsFencedOff() {
        PostgresLeaseProvider a = provider();
        PostgresLeaseProvider b = provider();
        FencedResource resource = new FencedResource();
        Lease first = acquireWithin(a, "stall", TTL, Duration.ofSeconds(3));
        assertThat(b.tryAcquire("stall", TTL)).isEmpty();
        assertThat(resource.write(first.fencingToken())).isTrue();
        Lease second = acquireWithin(b, "stall", TTL, Duration.ofSeconds(3)); // the first holder stalls meanwhile
        assertThat(first.isValid()).as("the stalled holder stopped counting its lease first").isFalse();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(resource.write(second.fencingToken())).isTrue();
        assertThat(resource.write(first.fencingToken())).as("stale write fenced off").isFalse();
        assertThat(first.renew(TTL)).isFalse();
        first.close();
        assertThat(second.isValid()).isTrue();
        assertThat(a.tryAcquire("stall", TTL)).as("a stale release does not free the successor's lease").isEmpty();
        long released = System.nanoTime();
        b.releaseAll();
        Lease third = acquireWithin(a, "stall", TTL, Duration.ofSeconds(1));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released)).as("graceful hand-over").isLessThan(1000);
        assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
        third.close();
    }

    @Test
    void aLeaseSurvivesConnectionLossAndARestartForItsTtlAndTokensKeepIncreasing() throws Exception {
        PostgresLeaseProvider a = provider();
        PostgresLeaseProvider b = provider();
        Lease held = acquireWithin(a, "restart", Duration.ofSeconds(5), Duration.ofSeconds(3));
        // every connection is cut: the holder's, the pool's, everyone's
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
            assertThat(rs.next()).isTrue();
        }
        pg.restart();
        assertThat(acquireQuietly(b, "restart")).as("the grant is a committed row: not lost with the connection").isEmpty();
        assertThat(renewWithin(held, Duration.ofSeconds(5), Duration.ofSeconds(5))).as("the holder reconnects and renews").isTrue();
        assertThat(held.isValid()).isTrue();
        held.close();
        Lease next = acquireWithin(b, "restart", TTL, Duration.ofSeconds(1));
        assertThat(next.fencingToken()).as("the counter is durable").isGreaterThan(held.fencingToken());
        next.close();
    }

    @Test
    void rejectsBadArguments() {
        PostgresLeaseProvider a = provider();
        assertThatThrownBy(() -> a.tryAcquire("", TTL)).hasMessage("name: '' (expected: 1 to 64 characters)");
        assertThatThrownBy(() -> a.tryAcquire("x", Duration.ofMillis(100))).hasMessage("ttl: PT0.1S (expected: > safetyMargin PT0.1S)");
        assertThatThrownBy(() -> PostgresLeaseProvider.builder(dataSource).table("leases; drop table x"))
                .hasMessageStartingWith("table: 'leases; drop table x' (expected:");
    }

    private static Optional<Lease> acquireQuietly(PostgresLeaseProvider p, String name) {
        Deadline d = Deadline.after(Duration.ofSeconds(5));
        while (!d.isExpired()) {
            try {
                return p.tryAcquire(name, TTL);
            } catch (LeaseStoreException e) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        throw new AssertionError("database did not answer within 5 s: " + pg.log());
    }

    private static boolean renewWithin(Lease l, Duration ttl, Duration timeout) {
        Deadline d = Deadline.after(timeout);
        while (!d.isExpired()) {
            try {
                return l.renew(ttl);
            } catch (LeaseStoreException e) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        return false;
    }
}
