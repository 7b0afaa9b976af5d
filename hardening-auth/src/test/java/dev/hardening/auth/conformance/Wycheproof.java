package dev.hardening.auth.conformance;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.hardening.auth.RejectionReason;
import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.internal.KeySetParser;
import dev.hardening.auth.internal.SignatureVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the Project Wycheproof JOSE vectors through the verifier's signature path
 * ({@link SignatureVerifier}: the token verifier's header checks, key policy and signature
 * verification, without the claims checks).
 *
 * <p>Every test that carries a {@code jws} is run against its group's public JWK (or JWK set;
 * the private one when the group has no public key, as for HMAC keys). A "valid" vector must
 * verify, an "invalid" one must be rejected, an "acceptable" one may go either way. A "valid"
 * vector that our stricter policy rejects passes only if it is listed, with its reason, in
 * {@code wycheproof-deviations.txt} next to this class; a listed vector that no longer deviates
 * fails the run too, so the list stays true. JWE vectors do not apply to a verifier of
 * signatures and are counted apart.
 *
 * <p>Usage: {@code Wycheproof [directory]} (default {@value #DEFAULT_DIRECTORY}, relative to the
 * working directory, i.e. the repository root). Prints one line per failure and deviation and the
 * summary {@code Wycheproof: N passed, M failed (...)}; exits 0 when nothing failed, 1 on any
 * failure, 2 when the directory or a vector file is missing (the run fails, it never skips).
 */
public final class Wycheproof {

    /** The vectors' default location, relative to the repository root. */
    public static final String DEFAULT_DIRECTORY = "../shared/vectors/wycheproof";
    /** The vector files run, in order. */
    public static final List<String> FILES = List.of(
            "json_web_signature_test.json", "json_web_key_test.json", "json_web_crypto_test.json");
    private static final String DEVIATIONS = "wycheproof-deviations.txt";
    /** A verifier must reject with a typed exception; anything else fails the vector whatever it expects. */
    private static final String CRASH = "unexpected exception ";

    /** Counts of one run. */
    public static final class Result {
        /** Vectors whose outcome is the expected one. */
        public int passed;
        /** Vectors with an unexpected outcome (or a stale deviation entry). */
        public int failed;
        /** "valid" vectors rejected on purpose, as listed. */
        public int deviations;
        /** "acceptable" vectors (either outcome is fine). */
        public int acceptable;
        /** JWE vectors, which a signature verifier does not process. */
        public int notApplicable;
        /** Per file: passed and total (JWS vectors). */
        public final Map<String, int[]> perFile = new LinkedHashMap<>();

        /** @return the process exit code */
        public int exitCode() {
            return failed == 0 ? 0 : 1;
        }

        /** @return the summary line */
        public String summary() {
            return "Wycheproof: " + passed + " passed, " + failed + " failed (" + deviations + " deliberate deviations, "
                    + acceptable + " acceptable, " + notApplicable + " JWE vectors not applicable)";
        }
    }

    /** Thrown when the vectors cannot be read. */
    public static final class MissingVectorsException extends Exception {
        private static final long serialVersionUID = 1L;

        MissingVectorsException(String message) {
            super(message);
        }
    }

    private Wycheproof() {
    }

    /**
     * @param args optional: the vector directory
     */
    public static void main(String[] args) {
        Path dir = Paths.get(args.length > 0 ? args[0] : DEFAULT_DIRECTORY);
        int code;
        try {
            code = run(dir, loadDeviations(), System.out).exitCode();
        } catch (MissingVectorsException e) {
            System.out.println("Wycheproof: FAILED, " + e.getMessage());
            code = 2;
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Reads the committed deviation list.
     *
     * @return key {@code file#tcId} → reason
     */
    public static Map<String, String> loadDeviations() {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = Wycheproof.class.getResourceAsStream(DEVIATIONS)) {
            if (in == null) {
                throw new IllegalStateException(DEVIATIONS + " is not on the classpath");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n", -1)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("\\s+", 3);
                if (f.length < 3) {
                    throw new IllegalStateException(DEVIATIONS + ": '" + l + "' (expected: <file> <tcId> <reason>)");
                }
                if (out.put(f[0] + "#" + Integer.parseInt(f[1]), f[2]) != null) {
                    throw new IllegalStateException(DEVIATIONS + ": " + f[0] + " " + f[1] + " listed twice");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(DEVIATIONS + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Runs every vector file in the directory.
     *
     * @param dir        the vector directory
     * @param deviations {@code file#tcId} → reason, as from {@link #loadDeviations()}
     * @param out        where failures, deviations and the summary are printed
     * @return the counts
     * @throws MissingVectorsException if the directory or a file is missing or not a vector file
     */
    public static Result run(Path dir, Map<String, String> deviations, PrintStream out) throws MissingVectorsException {
        if (!Files.isDirectory(dir)) {
            throw new MissingVectorsException("no vector directory at " + dir.toAbsolutePath().normalize()
                    + " (expected: the Wycheproof JOSE vectors, see hardening-auth/README.md#conformance)");
        }
        Result result = new Result();
        Map<String, String> unused = new LinkedHashMap<>(deviations);
        for (String file : FILES) {
            Path path = dir.resolve(file);
            Map<String, Object> doc;
            try {
                doc = JSONObjectUtils.parse(Files.readString(path, StandardCharsets.UTF_8), Integer.MAX_VALUE);
            } catch (IOException | ParseException e) {
                throw new MissingVectorsException("cannot read " + path.toAbsolutePath().normalize() + ": " + e.getMessage());
            }
            runFile(file, doc, deviations, unused, result, out);
        }
        for (Map.Entry<String, String> e : unused.entrySet()) {
            result.failed++;
            out.println("FAIL " + e.getKey() + ": listed as a deviation but no such JWS vector exists");
        }
        for (Map.Entry<String, int[]> e : result.perFile.entrySet()) {
            out.println("  " + e.getKey() + ": " + e.getValue()[0] + " of " + e.getValue()[1] + " JWS vectors as expected, "
                    + e.getValue()[2] + " deliberate deviations");
        }
        out.println(result.summary());
        return result;
    }

    @SuppressWarnings("unchecked")
    private static void runFile(String file, Map<String, Object> doc, Map<String, String> deviations,
                                Map<String, String> unused, Result result, PrintStream out) throws MissingVectorsException {
        Object groups = doc.get("testGroups");
        if (!(groups instanceof List)) {
            throw new MissingVectorsException(file + " has no testGroups (expected: a Wycheproof vector file)");
        }
        int[] counts = result.perFile.computeIfAbsent(file, f -> new int[3]);
        for (Object g : (List<Object>) groups) {
            Map<String, Object> group = (Map<String, Object>) g;
            Object key = group.containsKey("public") ? group.get("public") : group.get("private");
            String keySet = keySetJson((Map<String, Object>) key);
            for (Object t : (List<Object>) group.get("tests")) {
                Map<String, Object> test = (Map<String, Object>) t;
                Object jws = test.get("jws");
                if (jws == null) {
                    result.notApplicable++;
                    continue;
                }
                String compact = jws instanceof Map ? JSONObjectUtils.toJSONString((Map<String, Object>) jws) : (String) jws;
                String id = file + "#" + ((Number) test.get("tcId")).intValue();
                String label = id + " " + test.get("comment");
                String expected = (String) test.get("result");
                String rejection = verify(keySet, compact);
                String deviation = deviations.get(id);
                unused.remove(id);
                counts[1]++;
                if (rejection != null && rejection.startsWith(CRASH)) {
                    result.failed++;
                    out.println("FAIL " + label + ": " + rejection);
                } else if ("acceptable".equals(expected)) {
                    result.acceptable++;
                } else if ("valid".equals(expected) && rejection == null || "invalid".equals(expected) && rejection != null) {
                    if (deviation != null) {
                        result.failed++;
                        out.println("FAIL " + label + ": listed as a deviation but now " + ("valid".equals(expected)
                                ? "accepted; remove it from " + DEVIATIONS : "rejected as expected"));
                    } else {
                        result.passed++;
                        counts[0]++;
                    }
                } else if ("valid".equals(expected) && deviation != null) {
                    result.deviations++;
                    counts[2]++;
                    out.println("DEVIATION " + label + ": rejected (" + rejection + "); " + deviation);
                } else {
                    result.failed++;
                    out.println("FAIL " + label + ": expected " + expected + ", "
                            + (rejection == null ? "accepted" : "rejected (" + rejection + ")"));
                }
            }
        }
    }

    private static String keySetJson(Map<String, Object> key) {
        String json = JSONObjectUtils.toJSONString(key);
        return key.containsKey("keys") ? json : "{\"keys\":[" + json + "]}";
    }

    private static String ignoredKeys(String keySet) {
        try {
            List<String> ignored = KeySetParser.parse(keySet, 100).ignored();
            return ignored.isEmpty() ? "no key ignored" : String.join("; ", ignored);
        } catch (KeySetParser.MalformedKeySetException e) {
            return e.getMessage();
        }
    }

    /** @return null when accepted, else why it was rejected */
    private static String verify(String keySet, String jws) {
        SignatureVerifier verifier;
        try {
            verifier = SignatureVerifier.forJwkSet(keySet);
        } catch (IllegalArgumentException e) {
            return "not a JWK set";
        }
        try {
            verifier.verify(jws);
            return null;
        } catch (TokenRejectedException e) {
            if (e.reason() == RejectionReason.UNKNOWN_KEY) {
                return e.reason().code() + ", key policy: " + ignoredKeys(keySet);
            }
            return e.reason().code();
        } catch (RuntimeException e) {
            return CRASH + e.getClass().getName();
        }
    }
}
