package dev.hardening.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hardening.auth.DpopPolicy;
import dev.hardening.auth.IssuerPolicy;
import dev.hardening.auth.JwksStatus;
import dev.hardening.auth.TokenRequest;
import dev.hardening.auth.TokenVerifier;
import dev.hardening.auth.VerifiedToken;
import dev.hardening.config.AppEnvironment;
import dev.hardening.config.Finding;
import dev.hardening.spring.internal.RequestVerification;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The decoder reuses a verification only inside an open request scope, only for the decoder that
 * made it and only for the same token; everything else is verified.
 */
class HardeningJwtDecoderReuseTest {

    static final TestIssuer ISSUER = new TestIssuer("https://idp.example.test", "reuse-1");

    /** A verifier that counts the verifications it is asked for. */
    static final class CountingVerifier implements TokenVerifier {
        final TokenVerifier delegate;
        final AtomicInteger calls = new AtomicInteger();

        CountingVerifier(TokenVerifier delegate) {
            this.delegate = delegate;
        }

        @Override
        public VerifiedToken verify(CharSequence token) {
            calls.incrementAndGet();
            return delegate.verify(token);
        }

        @Override
        public VerifiedToken verify(TokenRequest request) {
            calls.incrementAndGet();
            return delegate.verify(request);
        }

        @Override
        public DpopPolicy dpop() {
            return delegate.dpop();
        }

        @Override
        public VerifiedToken verifyIdToken(CharSequence token, String expectedNonce) {
            calls.incrementAndGet();
            return delegate.verifyIdToken(token, expectedNonce);
        }

        @Override
        public List<JwksStatus> status() {
            return delegate.status();
        }

        @Override
        public CompletableFuture<Void> warmUp() {
            return delegate.warmUp();
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public List<Finding> findings(AppEnvironment environment) {
            return delegate.findings(environment);
        }
    }

    private final CountingVerifier verifier = new CountingVerifier(TokenVerifier.builder()
            .issuer(IssuerPolicy.staticKeys(ISSUER.issuer, ISSUER.jwks()).audience("orders-api").build())
            .tokenCache(dev.hardening.auth.TokenCache.disabled())
            .build());

    @AfterEach
    void close() {
        verifier.close();
    }

    @Test
    void insideAScopeTheSameDecoderAnswersTheSameTokenFromItsFirstVerification() {
        HardeningJwtDecoder decoder = HardeningJwtDecoder.of(verifier);
        String alice = ISSUER.token("alice", "orders-api", null, Duration.ofMinutes(5));
        String mallory = ISSUER.token("mallory", "billing-api", null, Duration.ofMinutes(5));
        RequestVerification.Opened scope = RequestVerification.open();
        try {
            Jwt first = decoder.decode(alice);
            Jwt again = decoder.decode(alice);
            assertThat(again.getSubject()).isEqualTo("alice");
            assertThat(again.getClaims()).isEqualTo(first.getClaims());
            assertThat(verifier.calls).hasValue(1);
            assertThat(RequestVerification.recorded(decoder, alice).flatMap(RequestVerification.Outcome::verified)
                    .map(VerifiedToken::subject)).hasValue("alice");

            assertThat(HardeningJwtDecoder.of(verifier).decode(alice).getSubject())
                    .as("another decoder instance verifies itself").isEqualTo("alice");
            assertThat(verifier.calls).hasValue(2);
            assertThatThrownBy(() -> decoder.decode(mallory)).isInstanceOf(BadJwtException.class)
                    .hasMessage("wrong_audience");
            assertThat(verifier.calls).as("another token is verified").hasValue(3);
        } finally {
            scope.close();
        }
        assertThat(RequestVerification.recorded(decoder, alice)).as("forgotten when the scope closes").isEmpty();
        decoder.decode(alice);
        decoder.decode(alice);
        assertThat(verifier.calls).as("outside a scope every call verifies").hasValue(5);
    }

    @Test
    void aRejectionIsReusedAsTheSameRejection() {
        HardeningJwtDecoder decoder = HardeningJwtDecoder.of(verifier);
        String mallory = ISSUER.token("mallory", "billing-api", null, Duration.ofMinutes(5));
        RequestVerification.Opened scope = RequestVerification.open();
        try {
            assertThatThrownBy(() -> decoder.decode(mallory)).isInstanceOf(BadJwtException.class)
                    .hasMessage("wrong_audience");
            assertThatThrownBy(() -> decoder.decode(mallory)).isInstanceOf(BadJwtException.class)
                    .hasMessage("wrong_audience");
            assertThat(verifier.calls).hasValue(1);
        } finally {
            scope.close();
        }
    }
}
