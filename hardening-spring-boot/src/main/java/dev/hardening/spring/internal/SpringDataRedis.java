package dev.hardening.spring.internal;

import io.lettuce.core.RedisURI;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Reads the server of the application's own Spring Data Redis Lettuce connection factory (host,
 * port, database, credentials, TLS) without opening its connection. Loaded only when Spring Data
 * Redis is on the class path. Stateless and thread-safe.
 */
public final class SpringDataRedis {

    /** The result: a standalone server, or why the factory cannot be followed. */
    public record Found(Optional<RedisURI> uri, Optional<String> unsupported) {
    }

    private SpringDataRedis() {
    }

    /**
     * @param beans the application's beans
     * @return empty when there is no single {@link LettuceConnectionFactory}; else its standalone
     *     server, or the topology the starter does not follow (Sentinel, Cluster, Unix socket)
     */
    public static Optional<Found> find(ListableBeanFactory beans) {
        LettuceConnectionFactory factory = beans.getBeanProvider(LettuceConnectionFactory.class).getIfUnique();
        if (factory == null) {
            return Optional.empty();
        }
        if (factory.getClusterConfiguration() != null) {
            return Optional.of(new Found(Optional.empty(), Optional.of("Redis Cluster")));
        }
        if (factory.getSentinelConfiguration() != null) {
            return Optional.of(new Found(Optional.empty(), Optional.of("Redis Sentinel")));
        }
        if (factory.getSocketConfiguration() != null) {
            return Optional.of(new Found(Optional.empty(), Optional.of("a Unix socket")));
        }
        RedisStandaloneConfiguration c = factory.getStandaloneConfiguration();
        RedisURI.Builder uri = RedisURI.builder().withHost(c.getHostName()).withPort(c.getPort())
                .withDatabase(c.getDatabase()).withSsl(factory.isUseSsl());
        if (factory.isUseSsl()) {
            uri.withVerifyPeer(factory.getClientConfiguration().getVerifyMode());
        }
        RedisPassword password = c.getPassword();
        if (password.isPresent()) {
            char[] secret = password.get();
            if (c.getUsername() != null && !c.getUsername().isEmpty()) {
                uri.withAuthentication(c.getUsername(), secret);
            } else {
                uri.withPassword(secret);
            }
        }
        return Optional.of(new Found(Optional.of(uri.build()), Optional.empty()));
    }
}
