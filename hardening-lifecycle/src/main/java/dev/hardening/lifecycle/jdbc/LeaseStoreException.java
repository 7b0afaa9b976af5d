package dev.hardening.lifecycle.jdbc;

/**
 * The lease table could not be read or written (connection refused, timeout, SQL error). The
 * message names the lease and the SQLState, never connection credentials.
 */
public final class LeaseStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause   the JDBC exception
     */
    public LeaseStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
