package dev.hardening.ratelimit.grpc;

import dev.hardening.ratelimit.CallerKeys;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Function;

/**
 * Chooses the rate-limit key of a gRPC call. It runs inside the call's {@link Context}, so it sees
 * what interceptors placed before the limiter recorded there (such as the verified token of
 * {@code dev.hardening.auth.grpc.BearerAuthInterceptor}). Implementations must be thread-safe and
 * return a non-empty key of at most 1024 characters; see {@link CallerKeys}.
 */
@FunctionalInterface
public interface CallKeyResolver {

    /** The key of a call whose peer address the transport does not report. */
    String UNKNOWN_PEER = "ip:unknown";

    /**
     * @param call    the call
     * @param headers its request metadata
     * @return the caller's key
     */
    String resolve(ServerCall<?, ?> call, Metadata headers);

    /**
     * @return resolves {@code ip:<peer address>} from {@link Grpc#TRANSPORT_ATTR_REMOTE_ADDR} (the port
     *     is ignored), or {@value #UNKNOWN_PEER} when the transport reports no IP address. Metadata
     *     such as {@code x-forwarded-for} is never believed.
     */
    static CallKeyResolver peerAddress() {
        return (call, headers) -> {
            SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            if (peer instanceof InetSocketAddress && ((InetSocketAddress) peer).getAddress() != null) {
                return CallerKeys.address(((InetSocketAddress) peer).getAddress());
            }
            return UNKNOWN_PEER;
        };
    }

    /**
     * Keys a call by the authenticated subject an earlier interceptor stored in the call's context,
     * else by {@link #peerAddress()}:
     *
     * <pre>{@code
     * CallKeyResolver.subjectOrPeerAddress(BearerAuthInterceptor.TOKEN, VerifiedToken::subject)
     * }</pre>
     *
     * @param key       the context key the authenticating interceptor sets
     * @param subjectOf the subject of the value under that key
     * @param <T>       the type of that value
     * @return resolves {@code sub:<subject>} (see {@link CallerKeys#subject}) when the key is set and
     *     its subject is non-empty, else {@code ip:<peer address>}
     * @throws NullPointerException if an argument is null
     */
    static <T> CallKeyResolver subjectOrPeerAddress(Context.Key<T> key, Function<? super T, String> subjectOf) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(subjectOf, "subjectOf");
        CallKeyResolver fallback = peerAddress();
        return (call, headers) -> {
            T value = key.get();
            if (value != null) {
                String subject = subjectOf.apply(value);
                if (subject != null && !subject.isEmpty()) {
                    return CallerKeys.subject(subject);
                }
            }
            return fallback.resolve(call, headers);
        };
    }
}
