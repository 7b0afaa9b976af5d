package dev.hardening.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RSA moduli with the ROCA structure (CVE-2017-15361) are refused by the key policy. */
class KeySetParserRocaTest {

    private static final BigInteger E = BigInteger.valueOf(65537);

    /** The product of the primes 3..167, as in the RSALib construction of small keys. */
    private static BigInteger primorial() {
        BigInteger m = BigInteger.ONE;
        for (int p = 3; p <= 167; p++) {
            if (BigInteger.valueOf(p).isProbablePrime(50)) {
                m = m.multiply(BigInteger.valueOf(p));
            }
        }
        return m;
    }

    /** A number of RSALib form k·M + (65537^a mod M), about {@code bits} long (primality does not matter here). */
    private static BigInteger rsalibForm(BigInteger m, int bits, Random random) {
        BigInteger k = new BigInteger(bits - m.bitLength(), random).setBit(bits - m.bitLength() - 1);
        return k.multiply(m).add(E.modPow(BigInteger.valueOf(1 + random.nextInt(1_000_000)), m));
    }

    @Test
    void flagsModuliWithTheRocaStructure() {
        Random random = new Random(42);
        BigInteger m = primorial();
        for (int i = 0; i < 5; i++) {
            BigInteger n = rsalibForm(m, 1024, random).multiply(rsalibForm(m, 1024, random));
            assertThat(KeySetParser.hasRocaFingerprint(n)).isTrue();
        }
    }

    @Test
    void doesNotFlagOrdinaryKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        for (int i = 0; i < 3; i++) {
            RSAPublicKey k = (RSAPublicKey) g.generateKeyPair().getPublic();
            assertThat(KeySetParser.hasRocaFingerprint(k.getModulus())).isFalse();
        }
    }

    @Test
    void keyPolicyIgnoresARocaKey() throws Exception {
        Random random = new Random(7);
        BigInteger m = primorial();
        BigInteger n = rsalibForm(m, 1025, random).multiply(rsalibForm(m, 1026, random));
        String b64n = Base64.getUrlEncoder().withoutPadding().encodeToString(n.toByteArray()[0] == 0
                ? java.util.Arrays.copyOfRange(n.toByteArray(), 1, n.toByteArray().length) : n.toByteArray());
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"roca\",\"e\":\"AQAB\",\"n\":\"" + b64n + "\"}]}";
        KeySetParser.Result r = KeySetParser.parse(jwks, 10);
        assertThat(r.keys()).isEmpty();
        assertThat(r.ignored()).singleElement().asString().contains("ROCA");
    }
}
