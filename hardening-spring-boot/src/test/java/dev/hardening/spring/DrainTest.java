package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hardening.lifecycle.DelayScheduler;
import dev.hardening.lifecycle.Halter;
import dev.hardening.lifecycle.ShutdownListener;
import dev.hardening.lifecycle.ShutdownReport;
import dev.hardening.spring.app.TestApplication;
import dev.hardening.spring.internal.BootDrain;
import dev.hardening.testkit.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The drain budget across a real Boot application's close (Boot's lifecycle, no hook of ours):
 * in-flight executor work finishes, no scheduled run starts once the close began, work still running
 * at the deadline is cut and named, and a close that hangs past the whole budget is halted.
 * Synchronised with latches; the watchdog's budget runs on a {@link FakeTime}.
 */
@ExtendWith(OutputCaptureExtension.class)
class DrainTest {

    static final List<ShutdownReport> REPORTS = new CopyOnWriteArrayList<>();
    static final List<Integer> HALTS = new CopyOnWriteArrayList<>();
    static final FakeTime TIME = FakeTime.create();

    /** A scheduled job whose first run holds until released. */
    static final class Job {
        final AtomicInteger runs = new AtomicInteger();
        final CountDownLatch firstRun = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Scheduled(fixedDelay = 1)
        void run() throws InterruptedException {
            if (runs.incrementAndGet() == 1) {
                firstRun.countDown();
                release.await();
            }
        }
    }

    /** The test's job, recording listener and halter; the watchdog's clock is {@link #TIME}. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Fixtures {
        @Bean
        Job job() {
            return new Job();
        }

        @Bean
        ShutdownListener recording() {
            return new ShutdownListener() {
                @Override
                public void finished(ShutdownReport report) {
                    REPORTS.add(report);
                }
            };
        }

        @Bean
        Halter halter() {
            return HALTS::add;
        }

        @Bean
        DelayScheduler delayScheduler() {
            return (delay, task) -> TIME.schedule(delay, task)::cancel;
        }
    }

    /** A bean whose destruction hangs until released. */
    static final class Stuck implements org.springframework.beans.factory.DisposableBean {
        static final CountDownLatch DESTROYING = new CountDownLatch(1);
        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @Override
        public void destroy() throws InterruptedException {
            DESTROYING.countDown();
            RELEASE.await();
        }
    }

    static ConfigurableApplicationContext run(String drainTimeout, Class<?>... extra) {
        Class<?>[] sources = new Class<?>[extra.length + 2];
        sources[0] = TestApplication.class;
        sources[1] = Fixtures.class;
        System.arraycopy(extra, 0, sources, 2, extra.length);
        return new SpringApplicationBuilder(sources).registerShutdownHook(false)
                .properties("server.port=0", "server.address=127.0.0.1", "hardening.environment=test",
                        "hardening.rate-limit.backend=memory", "hardening.lifecycle.drain-timeout=" + drainTimeout,
                        "spring.security.user.name=u", "spring.security.user.password=u-" + java.util.UUID.randomUUID())
                .run();
    }

    @Test
    void inFlightWorkFinishesAndNoScheduledRunStartsOnceTheCloseBegan() throws Exception {
        REPORTS.clear();
        ConfigurableApplicationContext ctx = run("30s");
        ThreadPoolTaskExecutor executor = ctx.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
        ThreadPoolTaskScheduler scheduler = ctx.getBean(ThreadPoolTaskScheduler.class);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        executor.execute(() -> {
            started.countDown();
            try {
                release.await();
                finished.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Job job = ctx.getBean(Job.class);
        assertThat(job.firstRun.await(10, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(ctx::close, "closer");
        closer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!scheduler.getScheduledThreadPoolExecutor().isShutdown() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(scheduler.getScheduledThreadPoolExecutor().isShutdown()).as("the close began").isTrue();
        job.release.countDown();
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(closer.isAlive()).isFalse();

        assertThat(finished).as("in-flight work finished, not cut").isTrue();
        assertThat(job.runs.get()).as("no scheduled run started after the close began").isEqualTo(1);
        assertThat(REPORTS).hasSize(1);
        assertThat(REPORTS.get(0).fullyDrained()).isTrue();
        assertThat(REPORTS.get(0).outcomes()).extracting(ShutdownReport.Outcome::name)
                .contains("executor:applicationTaskExecutor", "scheduler:taskScheduler");
    }

    @Test
    void workStillRunningAtTheDeadlineIsCutAndNamed(CapturedOutput output) throws Exception {
        REPORTS.clear();
        ConfigurableApplicationContext ctx = run("1s");
        ThreadPoolTaskExecutor executor = ctx.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        executor.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        ctx.getBean(Job.class).release.countDown();
        ctx.close();

        assertThat(interrupted).as("cut at the deadline").isTrue();
        assertThat(REPORTS).hasSize(1);
        assertThat(REPORTS.get(0).cut()).containsExactly("executor:applicationTaskExecutor");
        assertThat(output).contains("executor:applicationTaskExecutor");
    }

    @Test
    void theWatchdogHaltsACloseThatHangsPastTheWholeBudget(CapturedOutput output) throws Exception {
        HALTS.clear();
        ConfigurableApplicationContext ctx = run("5s", Stuck.class);
        ctx.getBean(Job.class).release.countDown();
        BootDrain drain = ctx.getBean(BootDrain.class);
        Thread closer = new Thread(ctx::close, "closer");
        closer.start();
        assertThat(Stuck.DESTROYING.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(HALTS).isEmpty();
        TIME.advance(drain.totalBudget());
        assertThat(HALTS).containsExactly(ShutdownReport.EXIT_WATCHDOG);
        assertThat(output).contains("still closing after the whole budget");
        Stuck.RELEASE.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(closer.isAlive()).isFalse();
    }

    @Test
    void theWatchdogStaysQuietWhenTheCloseFinishedInTime() {
        HALTS.clear();
        ConfigurableApplicationContext ctx = run("5s");
        ctx.getBean(Job.class).release.countDown();
        BootDrain drain = ctx.getBean(BootDrain.class);
        ctx.close();
        TIME.advance(drain.totalBudget());
        assertThat(HALTS).isEmpty();
    }
}
