package dev.hardening.benchmarks.ratelimit;

import dev.hardening.ratelimit.RateLimitPolicy;
import dev.hardening.ratelimit.RateLimiter;
import dev.hardening.ratelimit.redis.RedisBackend;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Side by side against one redis-server this benchmark starts itself (the {@code redis-server} on the
 * PATH, on a free loopback port): our one-EVALSHA limiter (concurrent decisions for one key coalesced
 * into one call), Bucket4j's Lettuce CAS proxy (GET + CAS
 * script), a Spring-Cloud-Gateway-style single Lua token bucket (two keys, whole-second Redis time), and
 * the local limiter. Every limit is huge, so every call changes state. Hot key = one key for all
 * threads; many keys = 1,000 keys picked at random. Run with {@code -t 1}, {@code -t 8}, {@code -t 32}
 * and {@code -rf json}; {@code benchmarks/hotkey_chart.py} draws the hot-key results. See BENCHMARKS.md
 * for the commands.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class RedisRateLimitBenchmark {

    private static final int KEYS = 1000;
    private static final String SCG_STYLE_SCRIPT = String.join("\n",
            "local tokens_key, ts_key = KEYS[1], KEYS[2]",
            "local rate, capacity, requested = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])",
            "local now = tonumber(redis.call('TIME')[1])",
            "local ttl = math.floor(capacity / rate * 2)",
            "local last = tonumber(redis.call('GET', tokens_key)) or capacity",
            "local at = tonumber(redis.call('GET', ts_key)) or 0",
            "local filled = math.min(capacity, last + math.max(0, now - at) * rate)",
            "local ok = 0",
            "if filled >= requested then filled = filled - requested; ok = 1 end",
            "if ttl > 0 then redis.call('SETEX', tokens_key, ttl, filled); redis.call('SETEX', ts_key, ttl, now) end",
            "return {ok, filled}");

    private Process redis;
    private RedisBackend backend;
    private RateLimiter ours;
    private RateLimiter local;
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> bucket4jConnection;
    private LettuceBasedProxyManager<String> proxyManager;
    private BucketConfiguration bucket4jConfig;
    private BucketProxy bucket4jHot;
    private BucketProxy[] bucket4jMany;
    private StatefulRedisConnection<String, String> scgConnection;
    private String scgSha;
    private final String[] keys = new String[KEYS];

    @Setup
    public void setUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", Files.createTempDirectory("bench-redis").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        String uri = "redis://127.0.0.1:" + port;
        RateLimitPolicy policy = RateLimitPolicy.parse("1000000000/1s");
        backend = RedisBackend.builder(uri).commandTimeout(Duration.ofSeconds(2)).build();
        if (!backend.awaitConnected(Duration.ofSeconds(10))) {
            throw new IllegalStateException("not connected");
        }
        ours = backend.limiter(policy);
        local = RateLimiter.local(policy);

        client = RedisClient.create(RedisURI.create(uri));
        bucket4jConnection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        proxyManager = Bucket4jLettuce.casBasedBuilder(bucket4jConnection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        bucket4jConfig = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(1_000_000_000L).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)))
                .build();
        bucket4jHot = proxyManager.builder().build("b4j:hot", () -> bucket4jConfig);
        bucket4jMany = new BucketProxy[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "caller-" + i;
            bucket4jMany[i] = proxyManager.builder().build("b4j:" + i, () -> bucket4jConfig);
        }
        scgConnection = client.connect();
        scgSha = scgConnection.sync().scriptLoad(SCG_STYLE_SCRIPT);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @TearDown
    public void tearDown() {
        backend.close();
        bucket4jConnection.close();
        scgConnection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.destroyForcibly();
    }

    private String randomKey() {
        return keys[ThreadLocalRandom.current().nextInt(KEYS)];
    }

    @Benchmark
    public boolean oursRedisHotKey() {
        return ours.tryAcquire("hot").allowed();
    }

    @Benchmark
    public boolean oursRedisManyKeys() {
        return ours.tryAcquire(randomKey()).allowed();
    }

    @Benchmark
    public boolean bucket4jCasHotKey() {
        return bucket4jHot.tryConsume(1);
    }

    @Benchmark
    public boolean bucket4jCasManyKeys() {
        return bucket4jMany[ThreadLocalRandom.current().nextInt(KEYS)].tryConsume(1);
    }

    @Benchmark
    public Object scgStyleLuaHotKey() {
        RedisCommands<String, String> c = scgConnection.sync();
        return c.evalsha(scgSha, ScriptOutputType.MULTI, new String[] {"scg.{hot}.tokens", "scg.{hot}.ts"},
                "1000000000", "1000000000", "1");
    }

    @Benchmark
    public boolean localHotKey() {
        return local.tryAcquire("hot").allowed();
    }

    @Benchmark
    public boolean localManyKeys() {
        return local.tryAcquire(randomKey()).allowed();
    }
}
