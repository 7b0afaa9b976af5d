package dev.hardening.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private static InetAddress ip(String s) {
        return TrustedProxies.parseAddress(s).orElseThrow();
    }

    @Test
    void ignoresForwardedForFromAnUntrustedPeer() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        assertThat(proxies.clientAddress(ip("203.0.113.9"), List.of("1.2.3.4"))).isEqualTo(ip("203.0.113.9"));
    }

    @Test
    void takesTheRightMostUntrustedHopBehindTrustedProxies() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7");
        assertThat(proxies.clientAddress(ip("10.1.2.3"), List.of("6.6.6.6, 198.51.100.4", "192.168.1.7")))
                .isEqualTo(ip("198.51.100.4"));
        assertThat(proxies.clientAddress(ip("10.1.2.3"), List.of("not-an-ip, 10.9.9.9")))
                .isEqualTo(ip("10.9.9.9"));
        assertThat(proxies.clientAddress(ip("10.1.2.3"), List.of("[2001:db8::1]:443"))).isEqualTo(ip("2001:db8::1"));
    }

    @Test
    void matchesIpv6RangesAndFlagsTrustEveryone() {
        TrustedProxies proxies = TrustedProxies.parse("fd00::/8");
        assertThat(proxies.isTrusted(ip("fd12::1"))).isTrue();
        assertThat(proxies.isTrusted(ip("fe80::1"))).isFalse();
        assertThat(proxies.trustsEveryone()).isFalse();
        assertThat(TrustedProxies.parse("0.0.0.0/0").trustsEveryone()).isTrue();
    }

    @Test
    void rejectsMalformedCidrsWithoutResolvingNames() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33"))
                .isInstanceOfSatisfying(RateLimitSpecException.class,
                        e -> assertThat(e.reason()).isEqualTo(RateLimitSpecException.Reason.BAD_CIDR))
                .hasMessage("TRUSTED_PROXIES: '10.0.0.0/33' (expected: an IP address or CIDR such as 10.0.0.0/8 or fd00::/8)");
        assertThatThrownBy(() -> TrustedProxies.parse("example.com")).isInstanceOf(RateLimitSpecException.class);
        assertThat(TrustedProxies.parseAddress("localhost")).isEmpty();
    }
}
