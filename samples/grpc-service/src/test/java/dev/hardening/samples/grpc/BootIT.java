package dev.hardening.samples.grpc;

import dev.hardening.testkit.JarProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.hardening.testkit.RedisServers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SAMPLE-GRPC.md "How it starts". */
class BootIT {

    @TempDir
    Path work;

    @Test
    void productionWithPlaintextOnTheNetworkFailsTheReportWithExit78AndNothingListening() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("BIND_ADDRESS", "0.0.0.0", "GRPC_PORT", "0",
                "SECRET_KEY", ServiceProcess.strongKey(), "OIDC_ISSUER", "https://idp.example", "OIDC_AUDIENCE", "hub",
                "SHUTDOWN_DELAY", "5s"), work)) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.allOutput()).isEqualTo(GrpcService.EX_CONFIG);
            assertThat(p.allOutput()).contains("FAIL    HG-T001").contains("HL-J001").doesNotContain("listening on");
        }
    }

    @Test
    void everyProblemIsInOneReportWhenSettingsFailToBind() throws Exception {
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("GRPC_PORT", "70000", "ALLOW_DEV_ON_NETWORK", "perhaps"), work)) {
            assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.allOutput()).isEqualTo(GrpcService.EX_CONFIG);
            // the configuration errors and the component findings of the same boot (SAMPLE.md)
            assertThat(p.stderr()).containsPattern("FAIL\\s+HC-E003\\s+GRPC_PORT\\s")
                    .containsPattern("FAIL\\s+HC-E002\\s+ALLOW_DEV_ON_NETWORK\\s")
                    .containsPattern("FAIL\\s+HC-E001\\s+SECRET_KEY\\s").containsPattern("FAIL\\s+HC-E001\\s+OIDC_ISSUER\\s")
                    .containsPattern("FAIL\\s+HR-B001\\s+REDIS_URI\\s").contains("6 FAIL", "refusing to start in production")
                    .doesNotContainPattern("HA-A00[123]\\s"); // the verifier trusts no issuer and names none
            assertThat(p.allOutput()).doesNotContain("Exception", "\tat ", "listening on");
        }
    }

    @Test
    void startsWhileTheIdentityProviderIsDownAndAnswersUnavailableUntilKeysCanBeFetched() throws Exception {
        int dead = RedisServers.freePort();
        String issuer = "http://127.0.0.1:" + dead;
        try (JarProcess p = ServiceProcess.start(ServiceProcess.env("APP_ENV", "dev", "GRPC_PORT", "0",
                "OIDC_ISSUER", issuer, "OIDC_JWKS_URI", issuer + "/jwks", "OIDC_AUDIENCE", "hub", "CLEANUP_INTERVAL", "0s"), work);
             Hub hub = Hub.connect(p.awaitListening(CallsIT.BOOT))) {
            assertThat(hub.health("")).isEqualTo(ServingStatus.SERVING);
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair keys = g.generateKeyPair();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                    new JWTClaimsSet.Builder().issuer(issuer).audience("hub").subject("node")
                            .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
            jwt.sign(new RSASSASigner(keys.getPrivate()));
            String token = jwt.serialize();
            assertThatThrownBy(() -> hub.whoami(token)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).doesNotContain(token);
            });
        }
    }
}
