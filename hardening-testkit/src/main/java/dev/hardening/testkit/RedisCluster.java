package dev.hardening.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of 3 masters with one replica each on loopback ports, built with CLUSTER
 * MEET/ADDSLOTS/REPLICATE, with a node timeout of {@value #NODE_TIMEOUT_MS} ms. Not thread-safe:
 * one test class drives it.
 */
public final class RedisCluster implements AutoCloseable {

    /** The cluster node timeout, in milliseconds: how long until a failed master is replaced. */
    public static final int NODE_TIMEOUT_MS = 1000;

    private final List<RedisServers.Server> masters = new ArrayList<>();
    private final List<RedisServers.Server> replicas = new ArrayList<>();
    private final RedisClient client = RedisClient.create();

    private RedisCluster() {
    }

    /**
     * Starts six servers and forms the cluster; waits up to 50 s for it to report ok.
     *
     * @return the running cluster; close it
     * @throws IllegalStateException if a server does not start or the cluster does not form
     */
    public static RedisCluster start() {
        RedisCluster c = new RedisCluster();
        try {
            List<String> args = List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MS));
            for (int i = 0; i < 3; i++) {
                c.masters.add(RedisServers.Server.start(args));
            }
            for (int i = 0; i < 3; i++) {
                c.replicas.add(RedisServers.Server.start(args));
            }
            c.form();
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** @return the three masters, in slot order (0-5460, 5461-10922, 10923-16383) */
    public List<RedisServers.Server> masters() {
        return List.copyOf(masters);
    }

    /** @return the three replicas; replica i follows master i */
    public List<RedisServers.Server> replicas() {
        return List.copyOf(replicas);
    }

    private <T> T on(RedisServers.Server s, Function<RedisCommands<String, String>, T> f) {
        try (StatefulRedisConnection<String, String> conn = client.connect(RedisURI.create(s.uri()))) {
            conn.setTimeout(Duration.ofSeconds(5));
            return f.apply(conn.sync());
        }
    }

    private List<RedisServers.Server> all() {
        List<RedisServers.Server> all = new ArrayList<>(masters);
        all.addAll(replicas);
        return all;
    }

    private void form() {
        RedisServers.Server first = masters.get(0);
        for (RedisServers.Server s : all()) {
            if (s != first) {
                on(first, c -> c.clusterMeet("127.0.0.1", s.port()));
            }
        }
        int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
        for (int i = 0; i < 3; i++) {
            int[] slots = IntStream.rangeClosed(ranges[i][0], ranges[i][1]).toArray();
            on(masters.get(i), c -> c.clusterAddSlots(slots));
        }
        require(RedisServers.await(Duration.ofSeconds(20), () -> all().stream().allMatch(s -> on(s, c -> {
            String nodes = c.clusterNodes();
            return nodes.lines().count() == 6 && !nodes.contains("handshake") && !nodes.contains("noaddr");
        }))), "nodes did not meet");
        for (int i = 0; i < 3; i++) {
            String masterId = on(masters.get(i), RedisCommands::clusterMyId);
            on(replicas.get(i), c -> c.clusterReplicate(masterId));
        }
        require(RedisServers.await(Duration.ofSeconds(30), () -> all().stream()
                .allMatch(s -> on(s, c -> c.clusterInfo().contains("cluster_state:ok")))
                && masters.stream().allMatch(s -> on(s, c -> c.info("replication").contains("connected_slaves:1")))
                && replicas.stream().allMatch(s -> on(s, c -> c.info("replication").contains("master_link_status:up")))),
                "cluster did not become ok");
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    /** @return the masters' URIs, comma-separated, as cluster clients take them */
    public String uri() {
        StringBuilder sb = new StringBuilder();
        for (RedisServers.Server s : masters) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(s.uri());
        }
        return sb.toString();
    }

    /**
     * @param i the master's index
     * @return whether the replica of master {@code i} has been promoted and the cluster is ok again
     */
    public boolean replicaPromoted(int i) {
        RedisServers.Server r = replicas.get(i);
        try {
            return on(r, c -> c.info("replication").contains("role:master") && c.clusterInfo().contains("cluster_state:ok"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Kills every node and shuts the inspection client down; idempotent. */
    @Override
    public void close() {
        for (RedisServers.Server s : all()) {
            s.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
