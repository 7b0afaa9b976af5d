package dev.hardening.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Development secrets generated once and kept: the first start writes a random value to a file
 * readable only by its owner (directory 0700, file 0600 where POSIX permissions exist), and every
 * later start reads the same value back, so sessions and tokens survive restarts. Never usable in
 * production: {@link #forEnvironment} refuses it.
 *
 * <p>Thread-safe; several processes starting at once agree on one value (the first file written
 * wins).
 */
public final class DevSecretStore {

    /** The directory used when none is given, relative to the working directory. */
    public static final Path DEFAULT_DIRECTORY = Path.of(".hardening", "dev-secrets");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    /** Created on first generation only: seeding a SecureRandom is costly at startup. */
    private static final class Random {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    private final Path directory;

    private DevSecretStore(Path directory) {
        this.directory = directory;
    }

    /**
     * @param environment the service's environment
     * @param directory   where the secrets live
     * @return a store in that directory
     * @throws IllegalStateException in production, where secrets are never generated
     */
    public static DevSecretStore forEnvironment(AppEnvironment environment, Path directory) {
        Objects.requireNonNull(directory, "directory");
        if (environment.isProduction()) {
            throw new IllegalStateException("dev secret store: refused in PRODUCTION (secrets are never generated there; "
                    + "set them explicitly)");
        }
        return new DevSecretStore(directory);
    }

    /** @return the directory the secrets are kept in */
    public Path directory() {
        return directory;
    }

    /**
     * Returns the secret stored under a name, generating {@code bytes} random bytes
     * (base64url-encoded) on first use.
     *
     * @param name  a file name: letters, digits, {@code _ . -}
     * @param bytes how many random bytes to generate (at least 16)
     * @return the secret
     * @throws IllegalArgumentException for a bad name or size
     * @throws IllegalStateException    when the store cannot be read or written
     */
    public Secret secret(String name, int bytes) {
        if (bytes < 16) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 16)");
        }
        return Secret.of(getOrCreate(name, () -> {
            byte[] b = new byte[bytes];
            Random.INSTANCE.nextBytes(b);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        }));
    }

    /**
     * Returns the text stored under a name, storing {@code generator}'s output on first use. For
     * material other than random bytes, such as a dev issuer's private key.
     *
     * @param name      a file name: letters, digits, {@code _ . -}
     * @param generator makes the value; called at most once per name and directory
     * @return the stored text
     * @throws IllegalArgumentException for a bad name
     * @throws IllegalStateException    when the store cannot be read or written, or the stored
     *                                  file is empty
     */
    public String getOrCreate(String name, Supplier<String> generator) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + name + " (expected: letters, digits, _ . -)");
        }
        Path file = directory.resolve(name);
        try {
            if (Files.exists(file)) {
                return readExisting(file);
            }
            createDirectory();
            String value = Objects.requireNonNull(generator.get(), "generator returned null");
            Path tmp = Files.createTempFile(directory, name, ".tmp");
            try {
                restrict(tmp, false);
                Files.writeString(tmp, value, StandardCharsets.UTF_8);
                Files.move(tmp, file);
                return value;
            } catch (FileAlreadyExistsException raced) {
                return readExisting(file);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("dev secret store: cannot read or write " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private String readExisting(Path file) throws IOException {
        String value = Files.readString(file, StandardCharsets.UTF_8);
        if (value.isBlank()) {
            throw new IllegalStateException("dev secret store: " + file + " is empty; delete it to generate a new value");
        }
        restrict(file, false);
        return value;
    }

    private void createDirectory() throws IOException {
        Files.createDirectories(directory);
        restrict(directory, true);
    }

    private static void restrict(Path path, boolean directory) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> wanted = directory
                ? PosixFilePermissions.fromString("rwx------")
                : EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if (!view.readAttributes().permissions().equals(wanted)) {
            view.setPermissions(wanted);
        }
    }
}
