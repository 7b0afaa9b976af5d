package dev.hardening.ratelimit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The proxies whose {@code X-Forwarded-For} is believed ({@code TRUSTED_PROXIES}), and the client
 * address derived from it. The header is read from right to left: hops added by trusted proxies are
 * skipped and the first address not in a trusted range is the client. A peer that is not a trusted
 * proxy is itself the client and its header is ignored, so callers cannot pick their own rate-limit key.
 *
 * <p>Only IP literals are parsed; nothing here performs DNS. Immutable and thread-safe.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final int MAX_HOPS = 32;

    private final List<Cidr> ranges;

    private TrustedProxies(List<Cidr> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** @return trusts no proxy: the TCP peer is always the client */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /**
     * @param spec comma-separated CIDRs or addresses, e.g. {@code 10.0.0.0/8, 192.168.1.7, fd00::/8};
     *             blank means none
     * @return the trusted proxies
     * @throws RateLimitSpecException with reason {@code BAD_CIDR} for a malformed entry
     */
    public static TrustedProxies parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return none();
        }
        List<Cidr> ranges = new ArrayList<>();
        for (String item : spec.split(",")) {
            String s = item.strip();
            if (!s.isEmpty()) {
                ranges.add(Cidr.parse(s));
            }
        }
        return new TrustedProxies(ranges);
    }

    /** @return whether any range covers every address (0.0.0.0/0 or ::/0): anyone can then spoof */
    public boolean trustsEveryone() {
        return ranges.stream().anyMatch(c -> c.prefix == 0);
    }

    /** @return whether no proxy is trusted */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * @param address an address
     * @return whether it is in a trusted range
     */
    public boolean isTrusted(InetAddress address) {
        byte[] b = address.getAddress();
        for (Cidr c : ranges) {
            if (c.contains(b)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param peer           the TCP peer address
     * @param forwardedFor   every {@code X-Forwarded-For} header value in order (may be empty)
     * @return the client address: the peer unless it is trusted, else the right-most untrusted hop
     */
    public InetAddress clientAddress(InetAddress peer, List<String> forwardedFor) {
        Objects.requireNonNull(peer, "peer");
        if (!isTrusted(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            if (value != null) {
                hops.addAll(Arrays.asList(value.split(",")));
            }
        }
        InetAddress current = peer;
        int seen = 0;
        for (int i = hops.size() - 1; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            InetAddress hop = literal(hops.get(i).strip());
            if (hop == null) {
                return current;
            }
            current = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return current;
    }

    /**
     * @param text an IPv4 or IPv6 literal, optionally in brackets or with an IPv4 port
     * @return the address, or empty if the text is not an IP literal (never resolves names)
     */
    public static java.util.Optional<InetAddress> parseAddress(String text) {
        return java.util.Optional.ofNullable(text == null ? null : literal(text.strip()));
    }

    static InetAddress literal(String text) {
        String s = text;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                return null;
            }
            s = s.substring(1, end);
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') > 0) {
            s = s.substring(0, s.indexOf(':'));
        }
        boolean v4 = IPV4.matcher(s).matches();
        if (!v4 && !(s.indexOf(':') >= 0 && IPV6.matcher(s).matches())) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            return a;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "TrustedProxies" + ranges;
    }

    private static final class Cidr {
        final byte[] network;
        final int prefix;
        final String text;

        Cidr(byte[] network, int prefix, String text) {
            this.network = network;
            this.prefix = prefix;
            this.text = text;
        }

        static Cidr parse(String s) {
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            InetAddress a = literal(addr);
            if (a == null) {
                throw bad(s);
            }
            byte[] bytes = a.getAddress();
            int max = bytes.length * 8;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw bad(s);
                }
                if (prefix < 0 || prefix > max) {
                    throw bad(s);
                }
            }
            return new Cidr(bytes, prefix, s);
        }

        private static RateLimitSpecException bad(String s) {
            String shown = s.length() > 50 ? s.substring(0, 50) + "..." : s;
            return new RateLimitSpecException(RateLimitSpecException.Reason.BAD_CIDR,
                    "TRUSTED_PROXIES: '" + shown + "' (expected: an IP address or CIDR such as 10.0.0.0/8 or fd00::/8)");
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
