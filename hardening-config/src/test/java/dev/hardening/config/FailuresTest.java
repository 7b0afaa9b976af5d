package dev.hardening.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void messagesOfTheChainOutermostFirstWithoutClassNames() {
        IOException failure = new IOException("connect to redis:6379 failed", new ConnectException("Connection refused"));
        assertThat(Failures.describe(failure)).isEqualTo("connect to redis:6379 failed: Connection refused");
    }

    @Test
    void wrappersThatOnlyRepeatTheirCauseAreSkipped() {
        Throwable failure = new CompletionException(new ExecutionException(new IOException("disk full")));
        assertThat(Failures.describe(failure)).isEqualTo("disk full").doesNotContain("Exception");
    }

    @Test
    void qualifiedClassNamesWrittenIntoMessagesAreRemoved() {
        Throwable failure = new IllegalStateException(
                "renew failed: io.lettuce.core.RedisCommandTimeoutException: Command timed out after 1 second(s)");
        assertThat(Failures.describe(failure)).isEqualTo("renew failed: Command timed out after 1 second(s)");
    }

    @Test
    void aMessageContainingItsCausesIsNotRepeated() {
        Throwable failure = new UncheckedIOException("read failed: broken pipe", new IOException("broken pipe"));
        assertThat(Failures.describe(failure)).isEqualTo("read failed: broken pipe");
    }

    @Test
    void noMessageAnywhereDescribesTheKindOfFailure() {
        assertThat(Failures.describe(new TimeoutException())).isEqualTo("timed out");
        assertThat(Failures.describe(new ExecutionException(new InterruptedException()))).isEqualTo("interrupted");
        assertThat(Failures.describe(new NullPointerException())).isEqualTo("failed without detail");
        assertThat(Failures.describe(null)).isEqualTo("failed without detail");
    }

    @Test
    void multiLineMessagesBecomeOneLineAndCyclesEnd() {
        IOException a = new IOException("first\nline");
        IOException b = new IOException("second", a);
        a.initCause(b);
        assertThat(Failures.describe(b)).isEqualTo("second: first line");
    }
}
