package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretPolicyCorpusTest {

    private final SecretPolicy policy = SecretPolicy.standard();
    private final SecureRandom random = new SecureRandom();

    private SecretAssessment hmac(String value) {
        return policy.assess(Secret.of(value), SecretPurpose.HMAC_KEY, "SECRET_KEY");
    }

    private static List<String> codes(SecretAssessment a) {
        return a.weaknesses().stream().map(SecretAssessment.Weakness::code).collect(Collectors.toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "changeme", "CHANGEME", "ChangeMe", "changeit", "secret", "Secret", "password", "admin", "postgres",
        "minioadmin", "MinioAdmin", "guest", "your-256-bit-secret", "changeme123", "password1!",
        "django-insecure-7x#k2!v8w0$yq4m1z9r6t3p5n8b2c7d0e4f6g1h3j5k7l9",
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "my-secret-key-which-should-be-changed-in-production-and-be-base64-encoded",
        "<your-secret-here>", "${SECRET_KEY}", "{{ secret_key }}", "replace-me", "REPLACE_ME_WITH_A_REAL_KEY_0123456789",
        "%SECRET_KEY%", "$SECRET_KEY", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "abcdeabcdeabcdeabcdeabcdeabcdeabcdeabcdeabcdeabcde",
        "0123456789012345678901234567890123456789012345678901234567890123",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "qwertyuiopqwertyuiopqwertyuiopqwertyuiopqwerty",
        "secret_key",
        "Y2hhbmdlbWU=", // base64("changeme")
        "bWluaW9hZG1pbm1pbmlvYWRtaW5taW5pb2FkbWlubWluaW9hZG1pbg==", // base64("minioadmin" x4)
        "6368616e67656d656368616e67656d656368616e67656d656368616e67656d65", // hex("changeme" x4)
        "bXktc2VjcmV0LWtleS13aGljaC1zaG91bGQtYmUtY2hhbmdlZC1pbi1wcm9kdWN0aW9uLWFuZC1iZS1iYXNlNjQtZW5jb2RlZA==",
        "shortButRandom9#Q", "tRue", "null"
    })
    void rejectsWeakAndDefaultKeys(String value) {
        SecretAssessment a = hmac(value);
        assertThat(a.acceptable()).as("%s should be rejected, got %s", value, a.summary()).isFalse();
    }

    @Test
    void namesTheReasonForEachKindOfWeakness() {
        assertThat(codes(hmac("minioadmin"))).contains("deny-list");
        assertThat(codes(hmac("changeme123"))).contains("deny-list");
        assertThat(codes(hmac("Y2hhbmdlbWU="))).contains("deny-list");
        assertThat(codes(hmac("abcde".repeat(10)))).contains("pattern", "low-strength");
        assertThat(codes(hmac("Kq8vN2xZ"))).contains("too-short");
        assertThat(codes(hmac("abababababababababababababababababababababab"))).contains("few-distinct-characters");
        assertThat(codes(policy.assess(Secret.of("webhook_secret"), SecretPurpose.TOKEN, "WEBHOOK_SECRET"))).contains("name-as-value");
        String strong = Base64.getEncoder().encodeToString(bytes(32));
        assertThat(codes(hmac(" " + strong))).containsExactly("surrounding-whitespace");
    }

    @Test
    void djangoStyleLengthRuleWouldBeBeatenButOursIsNot() {
        // 50 characters and 5 unique characters pass Django's check; the pattern check does not let it through.
        assertThat(hmac("abcde".repeat(10)).estimatedBits()).isLessThan(40);
    }

    @Test
    void acceptsOpensslRandBase64And32HexForEveryPurpose() {
        for (int i = 0; i < 3000; i++) {
            String base64 = Base64.getEncoder().encodeToString(bytes(32)); // openssl rand -base64 32
            String hex = HexFormat.of().formatHex(bytes(32)); // openssl rand -hex 32
            for (SecretPurpose purpose : SecretPurpose.values()) {
                SecretAssessment b = policy.assess(Secret.of(base64), purpose, "SECRET_KEY");
                SecretAssessment h = policy.assess(Secret.of(hex), purpose, "SECRET_KEY");
                assertThat(b.acceptable()).as("base64 %s: %s", purpose, b.summary()).isTrue();
                assertThat(h.acceptable()).as("hex %s: %s", purpose, h.summary()).isTrue();
            }
        }
    }

    @Test
    void acceptsUnpaddedBase64UrlAndRandomTokensAtTheirFloor() {
        for (int i = 0; i < 3000; i++) {
            String url = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
            assertThat(hmac(url).acceptable()).as(hmac(url).summary()).isTrue();
            String token = HexFormat.of().formatHex(bytes(20)); // GitHub's suggested webhook secret size
            SecretAssessment t = policy.assess(Secret.of(token), SecretPurpose.TOKEN, "WEBHOOK_SECRET");
            assertThat(t.acceptable()).as(t.summary()).isTrue();
        }
    }

    @Test
    void decodedLengthDecidesTheMinimumForHmacKeys() {
        String sixteenBytes = Base64.getEncoder().encodeToString(bytes(16));
        SecretAssessment a = hmac(sixteenBytes);
        assertThat(codes(a)).contains("too-short");
        assertThat(a.decodedBytes()).isEqualTo(16);
        assertThat(policy.assess(Secret.of(sixteenBytes), SecretPurpose.TOKEN, "T").acceptable()).isTrue();
    }

    @Test
    void assessmentNeverContainsTheValue() {
        String value = "changeme-" + HexFormat.of().formatHex(bytes(4));
        SecretAssessment a = hmac(value);
        assertThat(a.summary()).doesNotContain(value).doesNotContain("changeme");
        assertThat(a.toString()).doesNotContain(value);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void base64OfTextIsJudgedByTheText() {
        String passphrase = Base64.getEncoder().encodeToString("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.UTF_8));
        assertThat(hmac(passphrase).acceptable()).isFalse();
    }
}
