package dev.hardening.auth.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance runner's bookkeeping, on small vector files written here (the real vectors are
 * not part of the repository and not needed by the default test run).
 */
class WycheproofRunnerTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private String validToken;
    private String jwk;

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @BeforeEach
    void writeVectors() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) kp.getPublic();
        jwk = "{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"e\":\"" + b64(unsigned(pub.getPublicExponent().toByteArray()))
                + "\",\"n\":\"" + b64(unsigned(pub.getModulus().toByteArray())) + "\"}";
        String input = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "." + b64(new byte[] {42});
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(kp.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        validToken = input + "." + b64(s.sign());
        String hs = b64("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + ".Zm9v.c1LROH7eNQwUT8KMVEO52VC3WZ9e_AnDWbZ7aMmowV8";
        write("json_web_signature_test.json", "{\"testGroups\":[{\"public\":" + jwk + ",\"tests\":["
                + test(1, validToken, "valid") + "," + test(2, validToken + "x", "invalid") + ","
                + test(3, hs, "valid") + "," + test(4, validToken, "acceptable") + "]}]}");
        write("json_web_key_test.json", "{\"testGroups\":[{\"public\":{\"keys\":[" + jwk + "]},\"tests\":["
                + test(1, validToken, "valid") + "]}]}");
        write("json_web_crypto_test.json", "{\"testGroups\":[{\"private\":" + jwk + ",\"tests\":["
                + "{\"tcId\":1,\"comment\":\"jwe\",\"jwe\":\"a.b.c.d.e\",\"result\":\"valid\"}]}]}");
    }

    private static byte[] unsigned(byte[] b) {
        return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static String test(int id, String jws, String result) {
        return "{\"tcId\":" + id + ",\"comment\":\"case" + id + "\",\"jws\":\"" + jws + "\",\"result\":\"" + result + "\"}";
    }

    private void write(String name, String json) throws Exception {
        Files.writeString(dir.resolve(name), json);
    }

    @Test
    void countsPassesDeviationsAcceptableAndJweApart() throws Exception {
        Wycheproof.Result r = Wycheproof.run(dir, Map.of("json_web_signature_test.json#3", "HS256 is never accepted"), out);
        assertThat(r.summary()).isEqualTo(
                "Wycheproof: 3 passed, 0 failed (1 deliberate deviations, 1 acceptable, 1 JWE vectors not applicable)");
        assertThat(r.exitCode()).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("DEVIATION json_web_signature_test.json#3 case3: rejected (algorithm_not_allowed); HS256 is never accepted")
                .contains("json_web_signature_test.json: 2 of 4 JWS vectors as expected, 1 deliberate deviations")
                .endsWith(r.summary() + System.lineSeparator());
    }

    @Test
    void failsOnAnUnlistedMismatch() throws Exception {
        Wycheproof.Result r = Wycheproof.run(dir, Map.of(), out);
        assertThat(r.failed).isEqualTo(1);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("FAIL json_web_signature_test.json#3 case3: expected valid, rejected (algorithm_not_allowed)");
    }

    @Test
    void failsOnAStaleDeviationEntry() throws Exception {
        Wycheproof.Result r = Wycheproof.run(dir, Map.of("json_web_signature_test.json#3", "HS256",
                "json_web_signature_test.json#1", "no longer true", "json_web_key_test.json#99", "gone"), out);
        assertThat(r.failed).isEqualTo(2);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("FAIL json_web_signature_test.json#1 case1: listed as a deviation but now accepted")
                .contains("FAIL json_web_key_test.json#99: listed as a deviation but no such JWS vector exists");
    }

    @Test
    void failsRatherThanSkipsWhenTheVectorsAreMissing() throws Exception {
        assertThatThrownBy(() -> Wycheproof.run(dir.resolve("absent"), Map.of(), out))
                .isInstanceOf(Wycheproof.MissingVectorsException.class)
                .hasMessageContaining("no vector directory");
        Files.delete(dir.resolve("json_web_key_test.json"));
        assertThatThrownBy(() -> Wycheproof.run(dir, Map.of(), out))
                .isInstanceOf(Wycheproof.MissingVectorsException.class)
                .hasMessageContaining("json_web_key_test.json");
    }

    @Test
    void committedDeviationListIsWellFormed() {
        Map<String, String> list = Wycheproof.loadDeviations();
        assertThat(list).isNotEmpty();
        assertThat(list.keySet()).allMatch(k -> k.matches("json_web_(signature|key|crypto)_test\\.json#\\d+"));
        assertThat(list.values()).allMatch(reason -> reason.length() > 10);
    }
}
