package dev.hardening.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * A protected resource as a fencing token is meant to be used with: it remembers the highest token
 * it has accepted and rejects every write that carries a lower one. Thread-safe.
 */
public final class FencedResource {

    private long highest;
    private int rejected;
    private final List<Long> accepted = new ArrayList<>();

    /**
     * @param token the writer's fencing token
     * @return whether the write was accepted
     */
    public synchronized boolean write(long token) {
        if (token < highest) {
            rejected++;
            return false;
        }
        highest = token;
        accepted.add(token);
        return true;
    }

    /** @return the writes rejected as stale */
    public synchronized int rejected() {
        return rejected;
    }

    /** @return the tokens of accepted writes, in order */
    public synchronized List<Long> accepted() {
        return List.copyOf(accepted);
    }

    /** @return the highest token accepted */
    public synchronized long highest() {
        return highest;
    }
}
