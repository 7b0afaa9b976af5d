package dev.hardening.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenJsonTest {

    private static Map<String, Object> parse(String json) throws TokenJson.MalformedJsonException {
        return TokenJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertMalformed(String json) {
        assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(TokenJson.MalformedJsonException.class);
    }

    @Test
    void readsEveryJsonTypeAsTheVerifierExpects() throws Exception {
        Map<String, Object> m = parse(" {\"s\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00é😀\",\"i\":-42,\"big\":12345678901234567890,"
                + "\"min\":-9223372036854775808,\"f\":1.5e3,\"z\":0,\"t\":true,\"n\":null,\"a\":[1,\"x\",[],{}],"
                + "\"o\":{\"k\":false}}\r\n");
        assertThat(m).containsOnlyKeys("s", "i", "big", "min", "f", "z", "t", "n", "a", "o");
        assertThat(m.get("s")).isEqualTo("a\"b\\c/\né😀é😀");
        assertThat(m.get("i")).isEqualTo(-42L);
        assertThat(m.get("big")).isEqualTo(1.2345678901234567E19);
        assertThat(m.get("min")).isEqualTo(Long.MIN_VALUE);
        assertThat(m.get("f")).isEqualTo(1500.0);
        assertThat(m.get("z")).isEqualTo(0L);
        assertThat(m.get("t")).isEqualTo(true);
        assertThat(m).containsEntry("n", null);
        assertThat(m.get("a")).isEqualTo(List.of(1L, "x", List.of(), Map.of()));
        assertThat(m.get("o")).isEqualTo(Map.of("k", false));
        assertThat(List.copyOf(m.keySet())).startsWith("s", "i", "big");
    }

    @Test
    void rejectsAnythingButOneStrictlyValidObject() {
        for (String bad : List.of("", " ", "null", "[]", "\"x\"", "1", "{", "{}x", "{} {}", "{\"a\":1,}", "{\"a\" 1}",
                "{a:1}", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}",
                "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1e999}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":[1,]}",
                "{\"a\":[1 2]}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"tab\there\"}",
                "{\"a\":\"open}", "{\"a\":1}\u0000", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1 // c\n}")) {
            assertMalformed(bad);
        }
    }

    @Test
    void boundsNesting() throws Exception {
        String ok = "{\"a\":" + "[".repeat(TokenJson.MAX_DEPTH - 1) + "]".repeat(TokenJson.MAX_DEPTH - 1) + "}";
        assertThat(parse(ok)).containsKey("a");
        assertMalformed("{\"a\":" + "[".repeat(TokenJson.MAX_DEPTH) + "]".repeat(TokenJson.MAX_DEPTH) + "}");
        assertMalformed("{\"a\":" + "{\"b\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[][] bad = {
            {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'},
            {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'},
            {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'},
            {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'},
        };
        for (byte[] b : bad) {
            assertThatThrownBy(() -> TokenJson.parseObject(b)).isInstanceOf(TokenJson.MalformedJsonException.class);
        }
    }

    @Test
    void validatesUtf8ExactlyLikeTheJdkDecoder() {
        Random random = new Random(11);
        int[] leads = {0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1,
            0xf3, 0xf4, 0xf5, 0xf8, 0xff};
        int[] tails = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};
        for (int n = 0; n < 200_000; n++) {
            byte[] b = new byte[1 + random.nextInt(5)];
            b[0] = (byte) leads[random.nextInt(leads.length)];
            for (int i = 1; i < b.length; i++) {
                b[i] = (byte) (random.nextInt(3) == 0 ? leads[random.nextInt(leads.length)] : tails[random.nextInt(tails.length)]);
            }
            boolean jdk;
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b));
                jdk = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdk = false;
            }
            assertThat(TokenJson.isUtf8(b)).as(java.util.HexFormat.of().formatHex(b)).isEqualTo(jdk);
        }
    }

    @Test
    void neverThrowsAnythingElseOnRandomInput() {
        Random random = new Random(7);
        String alphabet = "{}[]:,\"\\ -+.0123456789eEtrufalsn\u00e9";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder("{");
            int len = random.nextInt(24);
            for (int i = 0; i < len; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                parse(b.toString());
            } catch (TokenJson.MalformedJsonException expected) {
                // fine
            }
        }
    }
}
