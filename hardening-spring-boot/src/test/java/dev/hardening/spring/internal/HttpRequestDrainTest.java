package dev.hardening.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.lifecycle.Deadline;
import jakarta.servlet.ServletException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The requests in flight: drained when they finish, cut with a 503 (not a reset) when they do not. */
class HttpRequestDrainTest {

    private final HttpRequestDrain drain = new HttpRequestDrain();

    @Test
    void drainsAtOnceWithNothingInFlight() throws Exception {
        assertThat(drain.inFlight()).isZero();
        assertThat(drain.drain(Deadline.after(Duration.ZERO))).isTrue();
    }

    @Test
    void aRequestThatFinishesIsDrainedAndAnsweredByTheApplication() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MockHttpServletResponse response = new MockHttpServletResponse();
        CompletableFuture<Void> request = CompletableFuture.runAsync(() -> serve(response, (req, res) -> {
            entered.countDown();
            await(release);
            ((jakarta.servlet.http.HttpServletResponse) res).setStatus(200);
            res.getWriter().write("done");
        }));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.inFlight()).isEqualTo(1);
        assertThat(drain.drain(Deadline.after(Duration.ZERO))).as("still running at an expired deadline").isFalse();
        release.countDown();
        assertThat(drain.drain(Deadline.after(Duration.ofSeconds(10)))).isTrue();
        request.get(10, TimeUnit.SECONDS);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("done");
        assertThat(drain.cutCount()).isZero();
    }

    @Test
    void aRequestStillRunningAtTheDeadlineIsCutWith503AndConnectionClose() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        MockHttpServletResponse response = new MockHttpServletResponse();
        CompletableFuture<Void> request = CompletableFuture.runAsync(() -> serve(response, (req, res) -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await(); // the application's work: only the cut ends it
            } catch (InterruptedException e) {
                throw new ServletException("interrupted"); // as Spring MVC rethrows the handler's exception
            }
        }));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        drain.forceStop();
        request.get(10, TimeUnit.SECONDS);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"status\":503").doesNotContain("interrupted");
        assertThat(drain.cutCount()).isEqualTo(1);
        assertThat(drain.inFlight()).isZero();

        MockHttpServletResponse late = new MockHttpServletResponse();
        serve(late, (req, res) -> ((jakarta.servlet.http.HttpServletResponse) res).setStatus(200));
        assertThat(late.getStatus()).as("a request after the cut never reaches the application").isEqualTo(503);
    }

    /** The application behind the filter. */
    private interface App {
        void handle(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response)
                throws java.io.IOException, ServletException;
    }

    private void serve(MockHttpServletResponse response, App app) {
        try {
            drain.filter().doFilter(new MockHttpServletRequest("GET", "/api/v1/work"), response, app::handle);
        } catch (java.io.IOException | ServletException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
