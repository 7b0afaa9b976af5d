package dev.hardening.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.URI;

/** WireMock playing an OpenID provider: discovery document, JWKS, and their faults. */
final class FakeIdp implements AutoCloseable {

    static final String JWKS_PATH = "/keys";
    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(8)
            .jettyAcceptors(1).asynchronousResponseEnabled(false));

    FakeIdp() {
        server.start();
    }

    String issuer() {
        return "http://localhost:" + server.port();
    }

    URI jwksUri() {
        return URI.create(issuer() + JWKS_PATH);
    }

    FakeIdp discovery() {
        server.stubFor(get(DISCOVERY_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + jwksUri() + "\"}")));
        return this;
    }

    FakeIdp discoveryFor(String claimedIssuer) {
        server.stubFor(get(DISCOVERY_PATH).willReturn(aResponse().withStatus(200)
                .withBody("{\"issuer\":\"" + claimedIssuer + "\",\"jwks_uri\":\"" + jwksUri() + "\"}")));
        return this;
    }

    FakeIdp jwks(String body) {
        return jwks(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body));
    }

    FakeIdp jwks(String body, String cacheControl) {
        return jwks(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("Cache-Control", cacheControl).withBody(body));
    }

    FakeIdp jwks(ResponseDefinitionBuilder response) {
        server.stubFor(get(JWKS_PATH).willReturn(response));
        return this;
    }

    FakeIdp jwksStatus(int status) {
        return jwks(aResponse().withStatus(status).withBody("{\"error\":\"down\"}"));
    }

    FakeIdp jwksFault(Fault fault) {
        return jwks(aResponse().withFault(fault));
    }

    int jwksFetches() {
        return server.countRequestsMatching(getRequestedFor(urlEqualTo(JWKS_PATH)).build()).getCount();
    }

    int discoveryFetches() {
        return server.countRequestsMatching(getRequestedFor(urlEqualTo(DISCOVERY_PATH)).build()).getCount();
    }

    @Override
    public void close() {
        server.stop();
    }
}
