package dev.hardening.ratelimit.redis;

import dev.hardening.ratelimit.Decision;
import dev.hardening.ratelimit.DecisionSource;
import dev.hardening.ratelimit.Limit;
import dev.hardening.ratelimit.LimitStatus;
import dev.hardening.ratelimit.RateLimitPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server-side token-bucket script ({@code token_bucket.lua}), its SHA-1, argument encoding and
 * reply decoding. Immutable and thread-safe.
 */
final class TokenBucketScript {

    /** The script text. */
    static final String SOURCE = load();
    /** The script's SHA-1 digest for EVALSHA. */
    static final String SHA = sha1(SOURCE);

    private TokenBucketScript() {
    }

    private static String load() {
        try (InputStream in = TokenBucketScript.class.getResourceAsStream("token_bucket.lua")) {
            if (in == null) {
                throw new IllegalStateException("token_bucket.lua missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The arguments that depend only on the policy, rendered once per limiter (ARGV[3] onwards, before
     * the costs): turning the limits into decimal text on every call was a measurable share of a
     * hot key's client-side work.
     *
     * @param policy the policy
     * @return the fingerprint, the number of limits and each limit's capacity, tokens and period
     */
    static String[] policyArguments(RateLimitPolicy policy) {
        List<Limit> limits = policy.limits();
        String[] args = new String[2 + 3 * limits.size()];
        args[0] = policy.fingerprint();
        args[1] = Integer.toString(limits.size());
        int i = 2;
        for (Limit limit : limits) {
            args[i++] = Long.toString(limit.capacity());
            args[i++] = Long.toString(limit.tokens());
            args[i++] = Long.toString(limit.periodMicros());
        }
        return args;
    }

    /**
     * @param policyArguments {@link #policyArguments} of the policy
     * @param costs           tokens each decision spends, in arrival order (each at least 1, at least one)
     * @param nowMicros       a time override, or a negative value for Redis' own clock
     * @return the ARGV array
     */
    static String[] arguments(String[] policyArguments, long[] costs, long nowMicros) {
        String[] args = new String[2 + policyArguments.length + costs.length];
        args[0] = nowMicros < 0 ? "" : Long.toString(nowMicros);
        args[1] = Integer.toString(costs.length);
        System.arraycopy(policyArguments, 0, args, 2, policyArguments.length);
        int i = 2 + policyArguments.length;
        for (long cost : costs) {
            args[i++] = cost == 1 ? "1" : Long.toString(cost);
        }
        return args;
    }

    /** A decoded reply: one decision per cost sent, in the same order. */
    static final class Reply {
        private final List<Decision> decisions;
        private final boolean repaired;

        Reply(List<Decision> decisions, boolean repaired) {
            this.decisions = decisions;
            this.repaired = repaired;
        }

        /** @return the decisions, in the order of the costs sent */
        List<Decision> decisions() {
            return decisions;
        }

        /** @return whether the script replaced a corrupt or foreign value */
        boolean repaired() {
            return repaired;
        }
    }

    /**
     * @param policy    the policy the script ran with
     * @param decisions how many costs were sent
     * @param reply     the script's reply
     * @return the decoded reply
     * @throws IllegalStateException if the reply does not have the expected shape
     */
    static Reply decode(RateLimitPolicy policy, int decisions, Object reply) {
        List<Limit> limits = policy.limits();
        int stride = 2 + 2 * limits.size();
        if (!(reply instanceof List) || ((List<?>) reply).size() != 1 + stride * decisions) {
            throw new IllegalStateException("unexpected script reply shape");
        }
        List<?> r = (List<?>) reply;
        boolean repaired = number(r.get(0)) == 1;
        List<Decision> out = new ArrayList<>(decisions);
        for (int d = 0; d < decisions; d++) {
            int at = 1 + stride * d;
            boolean allowed = number(r.get(at)) == 1;
            long waitMicros = number(r.get(at + 1));
            List<LimitStatus> statuses = new ArrayList<>(limits.size());
            for (int i = 0; i < limits.size(); i++) {
                long remaining = number(r.get(at + 2 + 2 * i));
                long fullMicros = number(r.get(at + 3 + 2 * i));
                if (remaining < 0 || fullMicros < 0) {
                    throw new IllegalStateException("unexpected negative value in script reply");
                }
                statuses.add(new LimitStatus(limits.get(i), remaining, Duration.ofNanos(fullMicros * 1000L)));
            }
            Duration retry;
            if (allowed) {
                retry = Duration.ZERO;
            } else if (waitMicros < 0) {
                retry = Decision.NEVER;
            } else {
                retry = Duration.ofNanos(waitMicros * 1000L);
            }
            out.add(Decision.of(allowed, retry, statuses, DecisionSource.REDIS));
        }
        return new Reply(out, repaired);
    }

    private static long number(Object o) {
        if (o instanceof Long) {
            return (Long) o;
        }
        throw new IllegalStateException("unexpected script reply element");
    }
}
