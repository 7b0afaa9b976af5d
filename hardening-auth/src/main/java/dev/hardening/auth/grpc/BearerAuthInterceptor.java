package dev.hardening.auth.grpc;

import dev.hardening.auth.TokenRejectedException;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.auth.internal.BearerChallenge;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Requires a valid Bearer token in the {@code authorization} metadata of every call:
 *
 * <pre>{@code
 * ServerInterceptors.intercept(service, BearerAuthInterceptor.of(verifier));
 * // in the service: VerifiedToken token = BearerAuthInterceptor.TOKEN.get();
 * }</pre>
 *
 * <p>DPoP (RFC 9449): {@code authorization: DPoP <token>} with one {@code dpop} metadata entry; the
 * proof names {@code htm} {@code POST} and {@code htu} {@code https://<authority>/<service>/<method>}
 * ({@code http://} on a connection without TLS), the URL of the call under gRPC's HTTP/2 mapping.
 *
 * <p>Missing or invalid token: {@code UNAUTHENTICATED} (with a {@code www-authenticate} trailer);
 * keys unavailable: {@code UNAVAILABLE}. Descriptions carry only the reason code. Thread-safe.
 */
public final class BearerAuthInterceptor implements ServerInterceptor {

    /** The verified token of the current call. */
    public static final Context.Key<VerifiedToken> TOKEN = Context.key("dev.hardening.auth.VerifiedToken");

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> DPOP = Metadata.Key.of("dpop", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> WWW_AUTHENTICATE = Metadata.Key.of("www-authenticate", Metadata.ASCII_STRING_MARSHALLER);

    private final TokenVerifier verifier;

    private BearerAuthInterceptor(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * @param verifier the verifier
     * @return the interceptor
     */
    public static BearerAuthInterceptor of(TokenVerifier verifier) {
        return new BearerAuthInterceptor(Objects.requireNonNull(verifier, "verifier"));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        List<String> values = new ArrayList<>();
        Iterable<String> all = headers.getAll(AUTHORIZATION);
        if (all != null) {
            all.forEach(values::add);
        }
        BearerChallenge.Extracted ex = BearerChallenge.extract(values, "api");
        if (ex.reply().isPresent()) {
            return refuse(call, ex.reply().get());
        }
        List<String> proofs = new ArrayList<>();
        Iterable<String> dpop = headers.getAll(DPOP);
        if (dpop != null) {
            dpop.forEach(proofs::add);
        }
        VerifiedToken token;
        try {
            token = verifier.verify(ex.request(proofs, "POST", () -> callUrl(call)));
        } catch (TokenRejectedException e) {
            return refuse(call, BearerChallenge.reply(e, "api", ex.scheme(), verifier.dpop().challengeAlgorithms()));
        } catch (IllegalArgumentException badAuthority) {
            return refuse(call, BearerChallenge.badRequest("api", "the call's authority is not valid"));
        }
        return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
    }

    private static URI callUrl(ServerCall<?, ?> call) {
        boolean tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION) != null;
        String authority = call.getAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException("authority: none");
        }
        return URI.create((tls ? "https://" : "http://") + authority + "/" + call.getMethodDescriptor().getFullMethodName());
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, BearerChallenge.Reply reply) {
        Status status;
        switch (reply.status()) {
            case 503:
                status = Status.UNAVAILABLE.withDescription("keys_unavailable");
                break;
            case 403:
                status = Status.PERMISSION_DENIED.withDescription("insufficient_scope");
                break;
            case 400:
                status = Status.UNAUTHENTICATED.withDescription("invalid_request");
                break;
            default:
                String www = reply.headers().getOrDefault("WWW-Authenticate", "");
                if (www.startsWith("DPoP")) {
                    int a = www.indexOf(", algs=");
                    www = a < 0 ? www : www.substring(0, a);
                }
                int i = www.indexOf("error_description=\"");
                status = Status.UNAUTHENTICATED.withDescription(i < 0 ? "missing"
                        : www.substring(i + "error_description=\"".length(), www.length() - 1));
        }
        Metadata trailers = new Metadata();
        String www = reply.headers().get("WWW-Authenticate");
        if (www != null) {
            trailers.put(WWW_AUTHENTICATE, www);
        }
        call.close(status, trailers);
        return new ServerCall.Listener<Q>() { };
    }
}
