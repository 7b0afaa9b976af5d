package dev.hardening.lifecycle;

/**
 * Ends the JVM with a status, without running other shutdown hooks: the way a shutdown hook
 * chooses the exit status of a process stopped by SIGTERM. The default is
 * {@link Runtime#halt(int)}; tests inject a recording one. Must be thread-safe.
 */
@FunctionalInterface
public interface Halter {

    /**
     * @param status the exit status
     */
    void halt(int status);

    /** @return the halter that calls {@link Runtime#halt(int)} */
    static Halter runtime() {
        return status -> Runtime.getRuntime().halt(status);
    }
}
