package dev.hardening.lifecycle.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class ListenerCloseTest {

    private static final long WAIT_SECONDS = 10;

    @Test
    void aSecondCallWaitsForTheFirstWithoutBlockingTheRequestsItHolds() throws Exception {
        ListenerClose close = ListenerClose.create();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Thread first = new Thread(() -> close.closeListeners(List.of(), Runnable::run, () -> {
            inside.countDown(); // the first call is holding requests and has not closed yet
            await(proceed);
            return false;
        }));
        first.start();
        assertThat(inside.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        Thread second = new Thread(() -> close.closeListeners(List.of(), Runnable::run, () -> false));
        second.start();
        assertThat(awaitState(second, Thread.State.TIMED_WAITING)).as("the second call waits for the first")
                .isEqualTo(Thread.State.TIMED_WAITING);

        AtomicBoolean ran = new AtomicBoolean();
        AtomicBoolean kept = new AtomicBoolean();
        Thread request = new Thread(() -> kept.set(close.defer(() -> ran.set(true), Callback.NOOP)));
        request.start();
        assertThat(awaitState(request, Thread.State.TERMINATED, Thread.State.BLOCKED))
                .as("a request that starts is held, not blocked behind the second call's wait")
                .isEqualTo(Thread.State.TERMINATED);
        assertThat(kept).isTrue();
        assertThat(ran).isFalse();

        proceed.countDown();
        first.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        second.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(first.isAlive()).isFalse();
        assertThat(second.isAlive()).isFalse();
        assertThat(ran).as("answered once the first call closed").isTrue();
        assertThat(close.holding()).isFalse();
    }

    /** Polls (with a deadline) until the thread is in one of the states; returns the state seen last. */
    private static Thread.State awaitState(Thread t, Thread.State... states) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            Thread.State s = t.getState();
            for (Thread.State wanted : states) {
                if (s == wanted) {
                    return s;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                return s;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
