package dev.hardening.auth;

import static dev.hardening.auth.Jwt.AUDIENCE;
import static dev.hardening.auth.Jwt.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registered claims of the wrong type, and JSON that is not one object, are malformed (never a crash). */
class TokenClaimTypesTest {

    private final TokenVerifier verifier = TokenVerifierAttackTest.verifier(TestKeys.standardJwks());

    @AfterEach
    void close() {
        verifier.close();
    }

    private void assertMalformed(String token) {
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOf(InvalidTokenException.class)
                .extracting(e -> ((TokenRejectedException) e).reason())
                .isEqualTo(RejectionReason.MALFORMED);
    }

    private static String signed(String headerJson, String payloadJson) {
        String input = Jwt.b64(headerJson) + "." + Jwt.b64(payloadJson);
        return input + "." + Jwt.b64(Jwt.signature("RS256", TestKeys.RSA.getPrivate(), input.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void rejectsRegisteredClaimsOfTheWrongType() {
        assertMalformed(token().claim("iss", 42).sign(TestKeys.RSA));
        assertMalformed(token().claim("sub", List.of("alice")).sign(TestKeys.RSA));
        assertMalformed(token().claim("aud", 7).sign(TestKeys.RSA));
        assertMalformed(token().claim("aud", Arrays.asList(AUDIENCE, null)).sign(TestKeys.RSA));
        assertMalformed(token().claim("aud", List.of(AUDIENCE, 1)).sign(TestKeys.RSA));
        assertMalformed(token().claim("exp", "soon").sign(TestKeys.RSA));
        assertMalformed(token().claim("iat", true).sign(TestKeys.RSA));
        assertMalformed(token().claim("nbf", Map.of()).sign(TestKeys.RSA));
        assertMalformed(token().claim("exp", Long.MAX_VALUE).sign(TestKeys.RSA));
        assertMalformed(token().claim("jti", 5).sign(TestKeys.RSA));
    }

    @Test
    void readsAudienceListsAndNumericSubjectsAsBefore() {
        VerifiedToken t = verifier.verify(token().claim("aud", List.of("other", AUDIENCE)).claim("sub", 1234).sign(TestKeys.RSA));
        assertThat(t.audiences()).containsExactly("other", AUDIENCE);
        assertThat(t.subject()).isEqualTo("1234");
    }

    @Test
    void rejectsHeaderOrPayloadThatIsNotOneJsonObject() {
        String good = "{\"iss\":\"" + Jwt.ISSUER + "\",\"sub\":\"a\",\"aud\":\"" + AUDIENCE + "\",\"iat\":" + Jwt.NOW.getEpochSecond()
                + ",\"exp\":" + (Jwt.NOW.getEpochSecond() + 60) + "}";
        String header = "{\"alg\":\"RS256\",\"kid\":\"rsa1\"}";
        assertThat(verifier.verify(signed(header, good)).subject()).isEqualTo("a");
        for (String bad : List.of("null", "[]", "\"x\"", header + "x", header + header)) {
            assertMalformed(signed(bad, good));
        }
        for (String bad : List.of("null", "[]", "1", good + ",", good.replace("\"sub\":\"a\"", "\"sub\":'a'"))) {
            assertMalformed(signed(header, bad));
        }
    }
}
