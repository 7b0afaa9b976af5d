package dev.hardening.benchmarks;

import dev.hardening.config.BoundConfig;
import dev.hardening.config.HardeningConfig;
import dev.hardening.config.Range;
import dev.hardening.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Binds and validates a 100-setting schema (30 strings, 20 ints and 10 longs with ranges, 10
 * booleans, 10 bounded durations, 5 URIs, 5 enums, 5 lists, 5 HMAC keys through the secret
 * policy) from a 100-variable environment, with a 20-variable unrelated environment beside it.
 *
 * <p>{@code warm}: steady state. {@code cold}: the first bind in a fresh JVM (class loading,
 * reflection, schema building), one shot per fork.
 */
@State(Scope.Benchmark)
public class ConfigBindBenchmark {

    private Map<String, String> env;

    @Setup
    public void setUp() {
        env = new HashMap<>();
        env.put("APP_SETTING001", "value-1");
        env.put("APP_SETTING002", "value-2");
        env.put("APP_SETTING003", "value-3");
        env.put("APP_SETTING004", "value-4");
        env.put("APP_SETTING005", "value-5");
        env.put("APP_SETTING006", "value-6");
        env.put("APP_SETTING007", "value-7");
        env.put("APP_SETTING008", "value-8");
        env.put("APP_SETTING009", "value-9");
        env.put("APP_SETTING010", "value-10");
        env.put("APP_SETTING011", "value-11");
        env.put("APP_SETTING012", "value-12");
        env.put("APP_SETTING013", "value-13");
        env.put("APP_SETTING014", "value-14");
        env.put("APP_SETTING015", "value-15");
        env.put("APP_SETTING016", "value-16");
        env.put("APP_SETTING017", "value-17");
        env.put("APP_SETTING018", "value-18");
        env.put("APP_SETTING019", "value-19");
        env.put("APP_SETTING020", "value-20");
        env.put("APP_SETTING021", "value-21");
        env.put("APP_SETTING022", "value-22");
        env.put("APP_SETTING023", "value-23");
        env.put("APP_SETTING024", "value-24");
        env.put("APP_SETTING025", "value-25");
        env.put("APP_SETTING026", "value-26");
        env.put("APP_SETTING027", "value-27");
        env.put("APP_SETTING028", "value-28");
        env.put("APP_SETTING029", "value-29");
        env.put("APP_SETTING030", "value-30");
        env.put("APP_SETTING031", "1031");
        env.put("APP_SETTING032", "1032");
        env.put("APP_SETTING033", "1033");
        env.put("APP_SETTING034", "1034");
        env.put("APP_SETTING035", "1035");
        env.put("APP_SETTING036", "1036");
        env.put("APP_SETTING037", "1037");
        env.put("APP_SETTING038", "1038");
        env.put("APP_SETTING039", "1039");
        env.put("APP_SETTING040", "1040");
        env.put("APP_SETTING041", "1041");
        env.put("APP_SETTING042", "1042");
        env.put("APP_SETTING043", "1043");
        env.put("APP_SETTING044", "1044");
        env.put("APP_SETTING045", "1045");
        env.put("APP_SETTING046", "1046");
        env.put("APP_SETTING047", "1047");
        env.put("APP_SETTING048", "1048");
        env.put("APP_SETTING049", "1049");
        env.put("APP_SETTING050", "1050");
        env.put("APP_SETTING051", "1000000051");
        env.put("APP_SETTING052", "1000000052");
        env.put("APP_SETTING053", "1000000053");
        env.put("APP_SETTING054", "1000000054");
        env.put("APP_SETTING055", "1000000055");
        env.put("APP_SETTING056", "1000000056");
        env.put("APP_SETTING057", "1000000057");
        env.put("APP_SETTING058", "1000000058");
        env.put("APP_SETTING059", "1000000059");
        env.put("APP_SETTING060", "1000000060");
        env.put("APP_SETTING061", "true");
        env.put("APP_SETTING062", "false");
        env.put("APP_SETTING063", "true");
        env.put("APP_SETTING064", "false");
        env.put("APP_SETTING065", "true");
        env.put("APP_SETTING066", "false");
        env.put("APP_SETTING067", "true");
        env.put("APP_SETTING068", "false");
        env.put("APP_SETTING069", "true");
        env.put("APP_SETTING070", "false");
        env.put("APP_SETTING071", "71s");
        env.put("APP_SETTING072", "72s");
        env.put("APP_SETTING073", "73s");
        env.put("APP_SETTING074", "74s");
        env.put("APP_SETTING075", "75s");
        env.put("APP_SETTING076", "76s");
        env.put("APP_SETTING077", "77s");
        env.put("APP_SETTING078", "78s");
        env.put("APP_SETTING079", "79s");
        env.put("APP_SETTING080", "80s");
        env.put("APP_SETTING081", "https://service81.internal.example:8443/api/v1");
        env.put("APP_SETTING082", "https://service82.internal.example:8443/api/v1");
        env.put("APP_SETTING083", "https://service83.internal.example:8443/api/v1");
        env.put("APP_SETTING084", "https://service84.internal.example:8443/api/v1");
        env.put("APP_SETTING085", "https://service85.internal.example:8443/api/v1");
        env.put("APP_SETTING086", "low");
        env.put("APP_SETTING087", "high");
        env.put("APP_SETTING088", "low");
        env.put("APP_SETTING089", "high");
        env.put("APP_SETTING090", "low");
        env.put("APP_SETTING091", "alpha,beta,gamma,delta");
        env.put("APP_SETTING092", "alpha,beta,gamma,delta");
        env.put("APP_SETTING093", "alpha,beta,gamma,delta");
        env.put("APP_SETTING094", "alpha,beta,gamma,delta");
        env.put("APP_SETTING095", "alpha,beta,gamma,delta");
        env.put("APP_SETTING096", strongKey());
        env.put("APP_SETTING097", strongKey());
        env.put("APP_SETTING098", strongKey());
        env.put("APP_SETTING099", strongKey());
        env.put("APP_SETTING100", strongKey());
        for (int i = 0; i < 20; i++) {
            env.put("UNRELATED_VARIABLE_" + i, "value " + i);
        }
    }

    private static String strongKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private BoundConfig<HundredSettings> bindOnce() {
        return HardeningConfig.builder().environment(env).prefix("APP_").build().bind(HundredSettings.class);
    }

    /** Steady-state bind and validation. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(1)
    public BoundConfig<HundredSettings> warm() {
        return bindOnce();
    }

    /** A small unrelated settings record, bound first by {@link WarmJdk}. */
    public record Small(@Range(min = 0, max = 65535) int port, Duration timeout, URI issuer, Secret key) {
    }

    /** A fresh JVM in which one small, unrelated record was bound already. */
    @State(Scope.Benchmark)
    public static class WarmJdk {
        @Setup
        public void bindSomethingElse() {
            HardeningConfig.builder().environment(Map.of("PORT", "1", "TIMEOUT", "1s", "ISSUER", "https://a.example",
                    "KEY", strongKey())).build().bind(Small.class);
        }
    }

    /**
     * The first bind of this schema in a JVM where the JDK machinery it uses (annotation proxies,
     * generic signatures, regex, charsets) is already loaded: the library's own first-sight cost.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(10)
    public BoundConfig<HundredSettings> coldSchema(WarmJdk jdk) {
        return bindOnce();
    }

    /** The first bind in a fresh JVM. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(10)
    public BoundConfig<HundredSettings> cold() {
        return bindOnce();
    }
}
