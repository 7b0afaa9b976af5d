package dev.hardening.auth.internal;

import dev.hardening.config.Secret;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 helpers with constant-time comparison over every candidate secret. Thread-safe. */
public final class Hmac {

    private Hmac() {
    }

    /** @return HMAC-SHA256 of the parts under the secret */
    public static byte[] sha256(Secret secret, byte[]... parts) {
        byte[] key = secret.bytes();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * @return whether any expected signature equals any candidate secret's MAC; every pair is compared
     */
    public static boolean matchesAny(List<Secret> secrets, List<byte[]> presented, byte[]... parts) {
        boolean ok = false;
        for (Secret s : secrets) {
            byte[] mac = sha256(s, parts);
            for (byte[] p : presented) {
                ok |= MessageDigest.isEqual(mac, p);
            }
        }
        return ok;
    }

    /** @return the bytes of a hex string of exactly {@code bytes} bytes, or null */
    public static byte[] hex(String s, int bytes) {
        if (s.length() != bytes * 2) {
            return null;
        }
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /**
     * The secrets a delivery may be signed with right now, read from the suppliers at this call:
     * the current secret (with its own {@link Secret#previous()} values), then the previous
     * setting's value while it is set. A previous supplier that fails or returns null counts as
     * unset (only the current secret is then accepted).
     *
     * @param current  the current secret, present
     * @param previous the rotated-out secret's supplier
     * @return every candidate, current first
     */
    public static List<Secret> candidates(Secret current, Supplier<Optional<Secret>> previous) {
        List<Secret> all = new ArrayList<>(current.candidates());
        Optional<Secret> old;
        try {
            old = previous.get();
        } catch (RuntimeException e) {
            old = Optional.empty();
        }
        if (old != null && old.isPresent()) {
            all.addAll(old.get().candidates());
        }
        return all;
    }

    /** @return lower-case hex */
    public static String toHex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }
}
