package dev.hardening.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.auth.TokenRequest;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BearerChallengeTest {

    /** The RFC 9110 token68 grammar as a regular expression: the reference the one-pass check must match. */
    private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    @Test
    void token68CheckAgreesWithTheGrammarOnRandomText() {
        String alphabet = "aZ09-._~+/=  \t,;\"\\:@!%é\u0000\u212a";
        Random random = new Random(12);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(8);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            boolean expected = TOKEN68.matcher(s).matches();
            assertThat(BearerChallenge.isToken68(s)).as("'%s'", s).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("some random strings are token68").isGreaterThan(1_000);
    }

    @Test
    void token68NeedsOneCharacterBeforeThePaddingAndNothingAfterIt() {
        for (String good : List.of("a", "abc==", "A-._~+/9", "x=")) {
            assertThat(BearerChallenge.isToken68(good)).as(good).isTrue();
        }
        for (String bad : List.of("", "=", "==", "a=b", "a b", "a\n", "a\u00e9", "a,b")) {
            assertThat(BearerChallenge.isToken68(bad)).as(bad).isFalse();
        }
    }

    @Test
    void schemeMatchesAsciiLettersWithoutCaseAndNothingElse() {
        assertThat(BearerChallenge.startsWithAsciiIgnoreCase("BeArEr abc", "bearer ")).isTrue();
        assertThat(BearerChallenge.startsWithAsciiIgnoreCase("DPOP abc", "dpop ")).isTrue();
        assertThat(BearerChallenge.startsWithAsciiIgnoreCase("Bearer", "bearer ")).isFalse();
        assertThat(BearerChallenge.startsWithAsciiIgnoreCase("Bearer\tabc", "bearer ")).isFalse();
        assertThat(BearerChallenge.startsWithAsciiIgnoreCase("Bearerx abc", "bearer ")).isFalse();
        // Non-ASCII characters whose case mapping lands on ASCII (dotted capital I, long s, Kelvin sign) never match.
        assertThat(BearerChallenge.startsWithAsciiIgnoreCase("D\u0130PO abc", "dipo ")).isFalse();
        assertThat(BearerChallenge.startsWithAsciiIgnoreCase("\u017fx abc", "sx ")).isFalse();
        assertThat(BearerChallenge.startsWithAsciiIgnoreCase("\u212ax abc", "kx ")).isFalse();
    }

    @Test
    void extractsTheTokenAndSchemeOrTheReply() {
        BearerChallenge.Extracted bearer = BearerChallenge.extract(List.of("bearer  abc.def-_~+/=="), "api");
        assertThat(bearer.token()).contains("abc.def-_~+/==");
        assertThat(bearer.scheme()).isEqualTo(TokenRequest.Scheme.BEARER);
        assertThat(bearer.reply()).isEmpty();

        BearerChallenge.Extracted dpop = BearerChallenge.extract(List.of("DPoP abc"), "api");
        assertThat(dpop.token()).contains("abc");
        assertThat(dpop.scheme()).isEqualTo(TokenRequest.Scheme.DPOP);

        BearerChallenge.Extracted malformed = BearerChallenge.extract(List.of("Bearer abc def"), "api");
        assertThat(malformed.token()).isEmpty();
        assertThat(malformed.reply()).get().extracting(BearerChallenge.Reply::status).isEqualTo(400);

        BearerChallenge.Extracted otherScheme = BearerChallenge.extract(List.of("Basic dXNlcjpwdw=="), "api");
        assertThat(otherScheme.token()).isEmpty();
        assertThat(otherScheme.reply()).get().extracting(BearerChallenge.Reply::status).isEqualTo(401);
    }
}
