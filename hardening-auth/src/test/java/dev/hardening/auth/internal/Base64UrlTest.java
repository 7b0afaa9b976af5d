package dev.hardening.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64UrlTest {

    @Test
    void decodesExactlyWhatTheJdkDecodesForCanonicalText() {
        Random random = new Random(3);
        for (int len = 0; len < 70; len++) {
            byte[] bytes = new byte[len];
            random.nextBytes(bytes);
            String text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            String framed = "x." + text + ".y";
            assertThat(Base64Url.decodeStrict(framed, 2, 2 + text.length())).isEqualTo(bytes);
        }
    }

    @Test
    void rejectsNonCanonicalText() {
        for (String bad : List.of("A", "AAAAA", "AB", "AAB", "QQ==", "QUI=", "QU I", "QU+I", "QU/I", "QUI\u00e9", "QUJD\n",
                "QR", "QUJ")) {
            assertThat(Base64Url.decodeStrict(bad, 0, bad.length())).as(bad).isNull();
        }
        assertThat(Base64Url.decodeStrict("QQ", 0, 2)).containsExactly('A');
        assertThat(Base64Url.decodeStrict("QUI", 0, 3)).containsExactly('A', 'B');
        assertThat(Base64Url.decodeStrict("", 0, 0)).isEmpty();
    }
}
