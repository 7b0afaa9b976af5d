package dev.hardening.config;

import dev.hardening.config.internal.ReloadingSecret;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A secret that can change while the service runs. Declare a settings component of this type
 * (or {@code Optional<RotatingSecret>}) instead of {@link Secret}; it binds like a secret
 * ({@code NAME}, {@code NAME_FILE}, {@code NAME_PREVIOUS}, {@code NAME_PREVIOUS_FILE}, checked by
 * the {@link SecretPolicy}), and when the value came from a file it follows that file:
 *
 * <ul>
 *   <li>{@link #current()} and {@link #previous()} look at the files at most once per
 *       {@link #CHECK_INTERVAL}, on the calling thread (no background thread), and re-read a file
 *       whose identity, modification time or size changed: a Kubernetes secret update (new files
 *       and an atomic rename of the {@code ..data} symbolic link) is seen within a second;</li>
 *   <li>a bad new file (missing, empty, over 64 KiB, with a NUL byte, not UTF-8, or — in production
 *       — too weak for the secret policy) is not taken: the last good value stays in use, one line is
 *       logged naming the variable and the path (never the value), and the problem is listed by
 *       {@link #problems()} and reported as finding {@code HC-S006} until a good file replaces it.
 *       A rotation never causes an outage;</li>
 *   <li>values from environment variables never change (the process cannot see new ones): rotating
 *       those takes a restart, which {@link #findings(AppEnvironment)} says.</li>
 * </ul>
 *
 * <p>A verifier takes {@code rotating::current} as its {@code Supplier<Optional<Secret>>}: the
 * current secret carries the previous values as {@link Secret#previous()}, so
 * {@link Secret#candidates()} accepts both during a rotation.
 *
 * <p>Implementations are thread-safe; {@link #current()} costs one clock reading and one volatile
 * read except once per interval.
 */
public interface RotatingSecret extends StartupCheck {

    /** How often, at most, the files are looked at: 1 second. */
    Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    /** @return the variable the secret is bound from, such as {@code WEBHOOK_SECRET} */
    String variable();

    /**
     * The value in use, with the previous values attached for verification.
     *
     * @return the current secret; empty only for {@link #none(String)}
     */
    Optional<Secret> current();

    /** @return the newest previous value still accepted, if any */
    Optional<Secret> previous();

    /**
     * @return why the latest change of a file was not taken, one problem per file; empty when
     *     every file's latest version is in use
     */
    List<ConfigProblem> problems();

    /** @return where the value comes from and whether it follows changes; never the value */
    String describe();

    /**
     * A secret that is not configured: {@link #current()} is empty, so a verifier answers
     * "unavailable" (503), never "valid".
     *
     * @param variable the variable that would hold it
     * @return the disabled secret
     * @throws NullPointerException if {@code variable} is null
     */
    static RotatingSecret none(String variable) {
        return ReloadingSecret.none(Checks.notNull(variable, "variable"));
    }

    /**
     * A secret that never changes, for tests and for values the application obtains itself.
     *
     * @param variable the variable it stands for
     * @param secret   the value, with any previous values attached
     * @return the fixed secret
     * @throws NullPointerException if an argument is null
     */
    static RotatingSecret fixed(String variable, Secret secret) {
        return ReloadingSecret.fixed(Checks.notNull(variable, "variable"), Checks.notNull(secret, "secret"));
    }
}
