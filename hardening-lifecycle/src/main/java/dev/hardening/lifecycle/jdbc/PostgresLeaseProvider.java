package dev.hardening.lifecycle.jdbc;

import dev.hardening.config.Failures;
import dev.hardening.config.Checks;
import dev.hardening.config.TimeSource;
import dev.hardening.lifecycle.Lease;
import dev.hardening.lifecycle.LeaseStoreException;
import dev.hardening.lifecycle.internal.RemoteLease;
import dev.hardening.lifecycle.LeaseProvider;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaseProvider} on PostgreSQL: one row per name in a lease table, with a fencing counter.
 *
 * <p><b>Why a lease row and not advisory locks.</b> A session advisory lock
 * ({@code pg_try_advisory_lock}) belongs to one connection: it gives no fencing token; it is
 * released the moment the server sees that connection end (a network blip, a pool evicting the
 * connection, a proxy timeout) while the holder, which is not told, keeps working — so a peer
 * takes over and two processes act at once; it cannot be held through PgBouncer transaction
 * pooling; and it pins a connection per lease. A lease row has none of these problems: the grant
 * is a committed row, so it survives connection loss and server restarts exactly as long as its
 * ttl (the holder reconnects and renews; nobody else gets it early); its {@code token} column is
 * a durable counter, incremented in the same statement that grants, so it is the fencing token;
 * and every operation is one autocommit statement through any pool.
 *
 * <p><b>Statements</b> (table {@code name text primary key, owner text, token bigint, expires_at
 * timestamptz}; {@link #createTable()} creates it):
 * <ul>
 *   <li>acquire — {@code INSERT … ON CONFLICT (name) DO UPDATE SET owner, token = token + 1,
 *       expires_at WHERE expires_at <= clock_timestamp() RETURNING token}: granted if a row comes back;</li>
 *   <li>renew — {@code UPDATE … SET expires_at WHERE name, owner and token match and not expired};</li>
 *   <li>release — the same compare, setting {@code owner = null} and the expiry to now (or now + keep).</li>
 * </ul>
 *
 * <p><b>Time.</b> Expiry in the table is decided on the database server's clock only (one clock,
 * no skew between replicas). A holder counts its lease valid until the monotonic moment taken
 * before the statement was sent, plus the ttl, minus the safety margin, so it stops first. Wall
 * clocks of the replicas are never used.
 *
 * <p>Timeouts: each statement gets the query timeout (rounded up to whole seconds, as JDBC
 * requires); configure connect and socket timeouts on the {@link DataSource} (for pgjdbc,
 * {@code connectTimeout} and {@code socketTimeout}). Database failures surface as
 * {@link LeaseStoreException}. Thread-safe.
 */
public final class PostgresLeaseProvider implements LeaseProvider, AutoCloseable {

    /** Default table name. */
    public static final String DEFAULT_TABLE = "hardening_lease";
    /** Default safety margin: {@value} ms. */
    public static final long DEFAULT_SAFETY_MARGIN_MILLIS = 200;
    /** Default query timeout: {@value} s. */
    public static final int DEFAULT_QUERY_TIMEOUT_SECONDS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(PostgresLeaseProvider.class);
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final String table;
    private final Duration safetyMargin;
    private final int queryTimeoutSeconds;
    private final TimeSource clock;
    private final SecureRandom random = new SecureRandom();
    private final Set<PgLease> live = ConcurrentHashMap.newKeySet();

    private PostgresLeaseProvider(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.safetyMargin = b.safetyMargin;
        this.queryTimeoutSeconds = b.queryTimeoutSeconds;
        this.clock = b.clock;
    }

    /**
     * @param dataSource where the lease table lives; connections are taken per statement and closed
     * @return a builder with the documented defaults
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * Creates the lease table if it does not exist.
     *
     * @throws LeaseStoreException if the statement fails
     */
    public void createTable() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(queryTimeoutSeconds);
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (name text PRIMARY KEY, owner text, "
                    + "token bigint NOT NULL, expires_at timestamptz NOT NULL)");
        } catch (SQLException e) {
            throw storeError("create lease table " + table, e);
        }
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration ttl) {
        Checks.name(name, "name");
        Checks.notNull(ttl, "ttl");
        checkTtl(ttl);
        byte[] id = new byte[16];
        random.nextBytes(id);
        String owner = HexFormat.of().formatHex(id);
        long start = clock.nanoTime();
        String sql = "INSERT INTO " + table + " AS l (name, owner, token, expires_at) "
                + "VALUES (?, ?, 1, clock_timestamp() + ? * interval '1 millisecond') "
                + "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, token = l.token + 1, expires_at = excluded.expires_at "
                + "WHERE l.expires_at <= clock_timestamp() RETURNING token";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            ps.setQueryTimeout(queryTimeoutSeconds);
            ps.setString(1, name);
            ps.setString(2, owner);
            ps.setLong(3, ttl.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                PgLease lease = new PgLease(name, owner, rs.getLong(1), start, ttl);
                live.add(lease);
                return Optional.of(lease);
            }
        } catch (SQLException e) {
            throw storeError("acquire lease " + name, e);
        }
    }

    /** SQLState class 08 is a connection exception, 57 an operator intervention (including timeouts). */
    private static LeaseStoreException storeError(String what, SQLException e) {
        String state = e.getSQLState();
        boolean unreachable = state == null || state.startsWith("08") || state.startsWith("57");
        return new LeaseStoreException(unreachable ? LeaseStoreException.Reason.UNREACHABLE
                : LeaseStoreException.Reason.STORE_ERROR, what + ": SQLState " + state, e);
    }

    private void checkTtl(Duration ttl) {
        if (ttl.compareTo(safetyMargin) <= 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > safetyMargin " + safetyMargin + ")");
        }
    }

    private int update(String sql, String name, String owner, long token, long millis) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            ps.setQueryTimeout(queryTimeoutSeconds);
            ps.setLong(1, millis);
            ps.setString(2, name);
            ps.setString(3, owner);
            ps.setLong(4, token);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw storeError("lease " + name, e);
        }
    }

    /** Releases every lease still held through this provider, best effort; for the shutdown release phase. */
    public void releaseAll() {
        for (PgLease l : new ArrayList<>(live)) {
            try {
                l.releaseAfter(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.warn("lease {}: release failed, it runs out at its ttl: {}", l.name(), Failures.describe(e));
            }
        }
    }

    /** @return how many leases acquired through this provider are neither released nor known lost */
    public int heldCount() {
        return live.size();
    }

    /** Releases every held lease ({@link #releaseAll()}); the data source stays the caller's. */
    @Override
    public void close() {
        releaseAll();
    }

    private final class PgLease extends RemoteLease {
        private final String owner;

        PgLease(String name, String owner, long token, long start, Duration ttl) {
            super(name, token, start, ttl, clock, safetyMargin);
            this.owner = owner;
        }

        @Override
        protected void checkTtl(Duration ttl) {
            PostgresLeaseProvider.this.checkTtl(ttl);
        }

        /** @throws LeaseStoreException if the database cannot be reached */
        @Override
        protected boolean renewInStore(Duration ttl) {
            return update("UPDATE " + table + " SET expires_at = clock_timestamp() + ? * interval '1 millisecond' "
                    + "WHERE name = ? AND owner = ? AND token = ? AND expires_at > clock_timestamp()",
                    name(), owner, fencingToken(), ttl.toMillis()) == 1;
        }

        /** @throws LeaseStoreException if the database cannot be reached */
        @Override
        protected void releaseInStore(Duration keep) {
            update("UPDATE " + table + " SET owner = NULL, expires_at = clock_timestamp() + ? * interval '1 millisecond' "
                    + "WHERE name = ? AND owner = ? AND token = ?", name(), owner, fencingToken(), keep.toMillis());
        }

        @Override
        protected void forgotten() {
            live.remove(this);
        }
    }

    /**
     * Configures a {@link PostgresLeaseProvider}. Each option may be set once ({@code "option: already set"}
     * otherwise), is validated at once and rejects {@code null}; unset options take the documented
     * defaults in {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String table;
        private Duration safetyMargin;
        private Integer queryTimeoutSeconds;
        private TimeSource clock;

        private Builder(DataSource dataSource) {
            this.dataSource = Checks.notNull(dataSource, "dataSource");
        }

        /**
         * @param name the lease table; default {@value #DEFAULT_TABLE}
         * @return this
         * @throws IllegalArgumentException unless a lower-case SQL identifier of at most 63 characters
         * @throws IllegalStateException    if already set
         */
        public Builder table(String name) {
            Checks.notNull(name, "table");
            if (!TABLE.matcher(name).matches()) {
                throw new IllegalArgumentException("table: '" + name + "' (expected: [a-z_][a-z0-9_]{0,62})");
            }
            this.table = Checks.setOnce(table, name, "table");
            return this;
        }

        /**
         * @param margin how much earlier than the table's expiry a holder stops counting its lease
         *               valid; default {@value #DEFAULT_SAFETY_MARGIN_MILLIS} ms
         * @return this
         * @throws IllegalArgumentException if negative or above 1 minute
         * @throws IllegalStateException    if already set
         */
        public Builder safetyMargin(Duration margin) {
            Checks.nonNegative(margin, "safetyMargin");
            if (margin.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("safetyMargin: " + margin + " (expected: <= PT1M)");
            }
            this.safetyMargin = Checks.setOnce(safetyMargin, margin, "safetyMargin");
            return this;
        }

        /**
         * @param timeout per-statement timeout; default {@value #DEFAULT_QUERY_TIMEOUT_SECONDS} s
         * @return this
         * @throws IllegalArgumentException outside 1 s .. 60 s (JDBC counts whole seconds)
         * @throws IllegalStateException    if already set
         */
        public Builder queryTimeout(Duration timeout) {
            Checks.notNull(timeout, "queryTimeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("queryTimeout: " + timeout + " (expected: PT1S to PT1M)");
            }
            this.queryTimeoutSeconds = Checks.setOnce(queryTimeoutSeconds,
                    (int) Math.max(1, (timeout.toMillis() + 999) / 1000), "queryTimeout");
            return this;
        }

        /**
         * @param timeSource the time source whose monotonic reading measures lease validity;
         *                   default {@link TimeSource#system()}
         * @return this
         * @throws IllegalStateException if already set
         */
        public Builder timeSource(TimeSource timeSource) {
            this.clock = Checks.setOnce(clock, timeSource, "timeSource");
            return this;
        }

        /** @return the provider; call {@link PostgresLeaseProvider#createTable()} once if the table may not exist */
        public PostgresLeaseProvider build() {
            if (table == null) {
                table = DEFAULT_TABLE;
            }
            if (safetyMargin == null) {
                safetyMargin = Duration.ofMillis(DEFAULT_SAFETY_MARGIN_MILLIS);
            }
            if (queryTimeoutSeconds == null) {
                queryTimeoutSeconds = DEFAULT_QUERY_TIMEOUT_SECONDS;
            }
            if (clock == null) {
                clock = TimeSource.system();
            }
            return new PostgresLeaseProvider(this);
        }
    }
}
