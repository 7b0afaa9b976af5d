package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void toStringShowsOnlyLengthAndClass() {
        assertThat(Secret.of("0123abcdef").toString()).isEqualTo("Secret[10 chars, hex]");
        assertThat(Secret.of("Abc123xyz").toString()).isEqualTo("Secret[9 chars, alphanumeric]");
        assertThat(Secret.of("q3Jx1w+P0mV8/sYd=").toString()).isEqualTo("Secret[17 chars, base64]");
        assertThat(Secret.of("pa ss!").toString()).isEqualTo("Secret[6 chars, printable ASCII]");
        assertThat(Secret.of("pässwörd").toString()).isEqualTo("Secret[8 chars, non-ASCII]");
    }

    @Test
    void equalityIsIdentitySoValuesNeverCompareThroughCollections() {
        Secret a = Secret.of("same-value");
        Secret b = Secret.of("same-value");
        assertThat(a).isNotEqualTo(b).isEqualTo(a);
        assertThat(Set.of(a, b)).hasSize(2);
    }

    @Test
    void matchesComparesCharsAndBytes() {
        Secret s = Secret.of("sécret-value");
        assertThat(s.matches("sécret-value")).isTrue();
        assertThat(s.matches("sécret-valuE")).isFalse();
        assertThat(s.matches("sécret-valu")).isFalse();
        assertThat(s.matches("sécret-value-longer")).isFalse();
        assertThat(s.matches((CharSequence) null)).isFalse();
        assertThat(s.matches("sécret-value".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(s.matches("secret-value".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(s.bytes()).isEqualTo("sécret-value".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rotationKeepsPreviousValuesForVerificationOnly() {
        Secret s = Secret.of("new").withPrevious(List.of(Secret.of("old1"), Secret.of("old2").withPrevious(List.of(Secret.of("older")))));
        assertThat(s.reveal()).isEqualTo("new");
        assertThat(s.candidates()).extracting(Secret::reveal).containsExactly("new", "old1", "old2");
        assertThat(s.matchesAny("old2")).isTrue();
        assertThat(s.matchesAny("older")).isFalse();
        assertThat(s.previous().get(1).previous()).isEmpty();
    }

    @Test
    void isNotSerializableEvenInsideASerializableHolder() {
        record Holder(Secret secret) implements Serializable {
        }
        assertThat(Serializable.class.isAssignableFrom(Secret.class)).isFalse();
        assertThatThrownBy(() -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(new Holder(Secret.of("value"))))
                .isInstanceOf(NotSerializableException.class);
    }

    @Test
    void rejectsEmptyWithoutEchoing() {
        assertThatThrownBy(() -> Secret.of("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
