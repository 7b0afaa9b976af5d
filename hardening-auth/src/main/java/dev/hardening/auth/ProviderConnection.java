package dev.hardening.auth;

import dev.hardening.config.Checks;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How the verifier reaches the identity provider for discovery, JWKS and introspection: the TLS
 * context (a private CA, a client certificate for mTLS to the provider) and an egress proxy, or a
 * whole {@link HttpClient}. {@link #defaults()}: the JVM's trust store, no proxy. Immutable and
 * thread-safe.
 *
 * <p>Whatever the connection, every request keeps the verifier's own rules: the whole-response
 * deadline and size caps of {@link JwksSettings} and {@link Introspection}. With
 * {@link #builder()} the client also keeps the connect timeout and never follows redirects; a
 * client given to {@link #of(HttpClient)} keeps its own connect timeout and redirect policy (do not
 * let it follow redirects to other hosts).
 */
public final class ProviderConnection {

    private static final ProviderConnection DEFAULTS = builder().build();

    private final Optional<HttpClient> httpClient;
    private final Optional<SSLContext> sslContext;
    private final Optional<ProxySelector> proxy;

    private ProviderConnection(Optional<HttpClient> httpClient, Optional<SSLContext> sslContext, Optional<ProxySelector> proxy) {
        this.httpClient = httpClient;
        this.sslContext = sslContext;
        this.proxy = proxy;
    }

    /** @return the JVM's trust store and default TLS settings, no proxy */
    public static ProviderConnection defaults() {
        return DEFAULTS;
    }

    /**
     * @param client the client every request to the provider goes through
     * @return a connection using it
     * @throws NullPointerException if {@code client} is null
     */
    public static ProviderConnection of(HttpClient client) {
        return new ProviderConnection(Optional.of(Checks.notNull(client, "httpClient")), Optional.empty(), Optional.empty());
    }

    /** @return a new builder; not thread-safe */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the user's client, when given with {@link #of(HttpClient)} */
    public Optional<HttpClient> httpClient() {
        return httpClient;
    }

    /** @return the TLS context, when set */
    public Optional<SSLContext> sslContext() {
        return sslContext;
    }

    /** @return the proxy selector, when set */
    public Optional<ProxySelector> proxy() {
        return proxy;
    }

    @Override
    public String toString() {
        return "ProviderConnection[" + (httpClient.isPresent() ? "own HttpClient"
                : "tls=" + (sslContext.isPresent() ? "custom" : "jvm") + ", proxy=" + (proxy.isPresent() ? "set" : "none")) + "]";
    }

    /** Builds a {@link ProviderConnection}; each option may be set once ({@code "sslContext: already set"}). Not thread-safe. */
    public static final class Builder {
        private SSLContext sslContext;
        private ProxySelector proxy;

        private Builder() {
        }

        /**
         * @param value the TLS context: trust material for a private CA, key material for a client
         *              certificate; default the JVM's
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder sslContext(SSLContext value) {
            this.sslContext = Checks.setOnce(sslContext, value, "sslContext");
            return this;
        }

        /**
         * @param value the egress proxy, for example {@code ProxySelector.of(new InetSocketAddress("proxy", 3128))};
         *              default none
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder proxy(ProxySelector value) {
            this.proxy = Checks.setOnce(proxy, value, "proxy");
            return this;
        }

        /** @return the connection */
        public ProviderConnection build() {
            return new ProviderConnection(Optional.empty(), Optional.ofNullable(sslContext), Optional.ofNullable(proxy));
        }
    }
}
