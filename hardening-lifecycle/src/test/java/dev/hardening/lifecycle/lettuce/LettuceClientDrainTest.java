package dev.hardening.lifecycle.lettuce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.lifecycle.Deadline;
import dev.hardening.lifecycle.DrainParticipant;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LettuceClientDrainTest {

    /** Port 1 on loopback: nothing listens, and the test never connects anyway. */
    private static final String NOWHERE = "redis://127.0.0.1:1";

    @Test
    void closesAClientWithinTheDeadlineInsteadOfLettucesTwoSecondQuietPeriod() throws Exception {
        RedisClient client = RedisClient.create(NOWHERE);
        LettuceClientDrain drain = LettuceClientDrain.builder(client).build();
        assertThat(drain.name()).isEqualTo("redis");
        assertThat(drain.inFlight()).isEqualTo(-1);

        // Lettuce's own shutdown() waits a 2 s quiet period; ours has none, so it reports the client
        // closed inside a deadline shorter than that quiet period (no stopwatch in the test).
        assertThat(drain.drain(Deadline.after(Duration.ofMillis(1_900)))).isTrue();
        assertThat(drain.inFlight()).isZero();
        assertThatThrownBy(() -> client.connect()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closesAClusterClient() throws Exception {
        RedisClusterClient client = RedisClusterClient.create(NOWHERE);
        LettuceClientDrain drain = LettuceClientDrain.builder(client).name("redis-cluster").build();
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(10)))).isTrue();
        assertThat(drain.inFlight()).isZero();
    }

    @Test
    void waitsForUpstreamParticipantsBeforeClosing() throws Exception {
        RedisClient client = RedisClient.create(NOWHERE);
        AtomicLong upstreamInFlight = new AtomicLong(1);
        DrainParticipant upstream = new DrainParticipant() {
            @Override
            public String name() {
                return "http";
            }

            @Override
            public boolean drain(Deadline deadline) {
                return true;
            }

            @Override
            public long inFlight() {
                return upstreamInFlight.get();
            }

            @Override
            public void forceStop() {
            }
        };
        LettuceClientDrain drain = LettuceClientDrain.builder(client).after(upstream).build();

        assertThat(drain.drain(Deadline.after(Duration.ofMillis(50)))).isFalse();
        assertThat(drain.inFlight()).isEqualTo(-1); // not closed yet: requests may still use it

        upstreamInFlight.set(0);
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(10)))).isTrue();
        assertThat(drain.inFlight()).isZero();
    }

    @Test
    void forceStopClosesAClientThatDrainNeverReached() throws Exception {
        RedisClient client = RedisClient.create(NOWHERE);
        LettuceClientDrain drain = LettuceClientDrain.builder(client).build();
        drain.forceStop();
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(10)))).isTrue();
    }

    @Test
    void builderRejectsBadOptions() {
        RedisClient client = RedisClient.create(NOWHERE);
        try {
            assertThatThrownBy(() -> LettuceClientDrain.builder(client).after())
                    .hasMessage("after: no participants (expected: at least one)");
            assertThatThrownBy(() -> LettuceClientDrain.builder(client).name("a").name("b"))
                    .hasMessage("name: already set");
            assertThatThrownBy(() -> LettuceClientDrain.builder(client).name(" "))
                    .hasMessage("name: ' ' (expected: letters, digits, '.', '_', '-' or ':')");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
        }
    }
}
