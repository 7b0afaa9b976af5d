package dev.hardening.config.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Reads {@code *_FILE} values: one trailing newline stripped; empty, NUL-containing, oversized,
 * non-UTF-8 and non-regular files rejected. Messages name the path, never the content.
 * Thread-safe.
 */
final class SecretFiles {

    /** The largest accepted file, in bytes. */
    static final int MAX_BYTES = 64 * 1024;

    private SecretFiles() {
    }

    /** A file that cannot serve as a value. */
    static final class BadFileException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String fix;

        BadFileException(String message, String fix) {
            super(message, null, false, false);
            this.fix = fix;
        }

        /** @return how to fix it */
        String fix() {
            return fix;
        }
    }

    /**
     * The content of a value file.
     *
     * @param value                the text, one trailing newline removed
     * @param groupOrWorldReadable whether the file's permissions let others read it
     * @param stamp                the file's identity, taken before the content was read
     */
    record Content(String value, boolean groupOrWorldReadable, Stamp stamp) {
    }

    /**
     * What tells one version of a file from the next: its identity (inode on Unix, following
     * symbolic links, so a Kubernetes {@code ..data} swap shows as a new file), modification time
     * and size. Comparing the path alone would miss an atomic rename.
     *
     * @param fileKey  the file system's identity of the file, or null where it has none
     * @param modified the last modification time
     * @param size     the size in bytes
     */
    record Stamp(Object fileKey, FileTime modified, long size) {

        /**
         * @param path the file
         * @return its stamp, or null when it cannot be read (missing, say)
         */
        static Stamp of(Path path) {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                return new Stamp(a.fileKey(), a.lastModifiedTime(), a.size());
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /**
     * @param path the file
     * @return its content
     * @throws BadFileException when the file cannot serve as a value
     */
    static Content read(Path path) throws BadFileException {
        Stamp stamp = Stamp.of(path);
        if (!Files.exists(path)) {
            throw new BadFileException("file " + path + " does not exist", "point the variable at an existing file, or unset it");
        }
        if (!Files.isRegularFile(path)) {
            throw new BadFileException("file " + path + " is not a regular file", "point the variable at a regular file (not a directory or device)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new BadFileException("file " + path + " cannot be read (" + e.getClass().getSimpleName() + ")",
                    "make the file readable by the service's user");
        }
        if (bytes.length > MAX_BYTES) {
            throw new BadFileException("file " + path + " is larger than " + MAX_BYTES + " bytes",
                    "point the variable at a file that holds only the value");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new BadFileException("file " + path + " contains a NUL byte at offset " + i,
                        "write the value as text (base64 or hex for binary keys)");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BadFileException("file " + path + " is not valid UTF-8 text",
                    "write the value as UTF-8 text (base64 or hex for binary keys)");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isBlank()) {
            throw new BadFileException("file " + path + " is empty", "write the value into the file");
        }
        return new Content(text, othersCanRead(path), stamp);
    }

    private static boolean othersCanRead(Path path) {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return false;
        }
        try {
            Set<PosixFilePermission> p = view.readAttributes().permissions();
            return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException e) {
            return false;
        }
    }
}
