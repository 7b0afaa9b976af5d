package dev.hardening.ratelimit.redis;

import java.time.Duration;

/** Backends for tests of decisions rather than of failure handling. */
final class TestBackends {

    private TestBackends() {
    }

    /**
     * A backend with a 2 s command timeout, so a scheduling hiccup on a loaded CI machine is not
     * mistaken for Redis being down. Failure tests use the production defaults
     * ({@link RedisBackend#connect}).
     */
    static RedisBackend patientBackend(String uri) {
        return RedisBackend.builder(uri).commandTimeout(Duration.ofSeconds(2)).build();
    }
}
