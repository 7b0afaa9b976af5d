package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lettuce is an optional dependency: a service that uses only the local limiter, the JDK filter and a
 * local dedup store must run without it. The scenario runs in a class loader that loads this module,
 * its dependencies and the tests from the test class path itself but refuses every class of Lettuce,
 * Netty and Reactor; the negative control proves that loader would catch a Lettuce use.
 */
class NoLettuceOnTheClassPathTest {

    private static final List<String> REFUSED = List.of("io.lettuce.", "io.netty.", "reactor.");

    /** Child-first over the test class path; the JDK from the parent; Lettuce, Netty and Reactor nowhere. */
    static final class WithoutRedisClient extends URLClassLoader {
        WithoutRedisClient(URL[] urls) {
            super("without-redis-client", urls, ClassLoader.getSystemClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            for (String prefix : REFUSED) {
                if (name.startsWith(prefix)) {
                    throw new ClassNotFoundException(name + " refused: no Redis client on this class path");
                }
            }
            if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                    || name.startsWith("sun.") || name.startsWith("com.sun.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    private static WithoutRedisClient loader() throws MalformedURLException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return new WithoutRedisClient(urls.toArray(new URL[0]));
    }

    @Test
    void theLocalLimiterTheJdkFilterAndLocalDedupRunWithoutLettuceNettyOrReactor() throws Exception {
        try (WithoutRedisClient loader = loader()) {
            // Lettuce is on this test's class path (the module's optional dependency), so the refusal matters
            assertThat(Class.forName("io.lettuce.core.RedisURI")).isNotNull();
            assertThatThrownBy(() -> loader.loadClass("io.lettuce.core.RedisURI")).isInstanceOf(ClassNotFoundException.class);

            Class<?> scenario = loader.loadClass(NoRedisScenario.class.getName());
            assertThat(scenario.getClassLoader()).isSameAs(loader);
            assertThat(loader.loadClass(RateLimiting.class.getName()).getClassLoader()).isSameAs(loader);
            String result = (String) scenario.getMethod("run").invoke(null);
            assertThat(result).startsWith("204,204,429,true/false,HR-B001,");
            assertThat(result).contains("HR-D001");
        }
    }

    @Test
    void theLoaderCatchesAUseOfTheRedisBackend() throws Exception {
        try (WithoutRedisClient loader = loader()) {
            Class<?> backend = loader.loadClass("dev.hardening.ratelimit.redis.RedisBackend");
            // RedisBackend's API names Lettuce types (builder(RedisURI)), so the refusal may already
            // come from reflection looking the method up, or else from the call itself
            assertThatThrownBy(() -> {
                try {
                    backend.getMethod("connect", String.class).invoke(null, "redis://127.0.0.1:1");
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }).isInstanceOf(NoClassDefFoundError.class).hasMessageContaining("io/lettuce");
        }
    }
}
