package dev.hardening.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.auth.TokenRequest;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Bearer extraction without a regex, checked against the RFC 6750 grammar written as one. */
class BearerChallengeTest {

    /** RFC 6750 b64token as a regular expression: the reference the hand-written check must match. */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    private static final String ALPHABET = "Aa0-._~+/=\t \"%,;:éİ\u0000\u212Ab";

    @Test
    void token68AgreesWithTheGrammarOnRandomAndEdgeInputs() {
        for (String s : List.of("", "=", "==", "a", "a=", "a==", "a=a", "=a", "eyJ.eyJ.sig", "a b", "a\t", "é", "+/~._-")) {
            assertThat(BearerChallenge.isToken68(s)).as("'%s'", s).isEqualTo(REFERENCE.matcher(s).matches());
        }
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(12);
            for (int j = 0; j < len; j++) {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String s = sb.toString();
            assertThat(BearerChallenge.isToken68(s)).as("'%s'", s).isEqualTo(REFERENCE.matcher(s).matches());
        }
    }

    @Test
    void theSchemeIsCaseInsensitiveAndTheTokenStripped() {
        BearerChallenge.Extracted bearer = BearerChallenge.extract(List.of("bEaReR  abc.def.ghi "), "api");
        assertThat(bearer.token()).contains("abc.def.ghi");
        assertThat(bearer.scheme()).isEqualTo(TokenRequest.Scheme.BEARER);
        BearerChallenge.Extracted dpop = BearerChallenge.extract(List.of("DPoP abc"), "api");
        assertThat(dpop.token()).contains("abc");
        assertThat(dpop.scheme()).isEqualTo(TokenRequest.Scheme.DPOP);
    }

    @Test
    void otherSchemesAreMissingAndBadCredentialsMalformed() {
        assertThat(BearerChallenge.extract(List.of("Basic YWxhZGRpbjpvcGVuc2VzYW1l"), "api").reply())
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(401));
        assertThat(BearerChallenge.extract(List.of("Bearer"), "api").reply())
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(401));
        assertThat(BearerChallenge.extract(List.of("Bearer a b"), "api").reply())
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(400));
        assertThat(BearerChallenge.extract(List.of("Bearer "), "api").reply())
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(400));
        assertThat(BearerChallenge.extract(List.of("Bearer x", "Bearer y"), "api").reply())
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(400));
    }
}
