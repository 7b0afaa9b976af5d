package dev.hardening.lifecycle.redis;

/** The Lua scripts behind {@link RedisLeaseProvider}; each runs atomically on the node owning the name's hash tag. */
final class LeaseScripts {

    private LeaseScripts() {
    }

    /**
     * KEYS: lease, token counter. ARGV: owner, ttl ms, quarantine ms, the caller's highest token seen.
     * Returns {1, token} when granted, {0, pttl} when held (or quarantined).
     *
     * <p>The token is the counter's INCR, raised if needed above Redis's clock in microseconds and
     * above the caller's floor: after the store lost its data the counter restarts above every
     * token handed out before (one grant per microsecond at most). A missing counter means first
     * use or lost data; then the name is quarantined for ARGV[3] ms, longer than any holder may
     * still count its lease valid, before anyone gets it.
     */
    static final String ACQUIRE = String.join("\n",
            "if redis.replicate_commands then redis.replicate_commands() end",
            "if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('PTTL', KEYS[1])} end",
            "local fresh = redis.call('EXISTS', KEYS[2]) == 0",
            "local t = redis.call('TIME')",
            "local floor = math.max(tonumber(t[1]) * 1000000 + tonumber(t[2]), tonumber(ARGV[4]))",
            "local token = redis.call('INCR', KEYS[2])",
            "if token <= floor then token = redis.call('INCRBY', KEYS[2], string.format('%d', floor - token + 1)) end",
            "local q = tonumber(ARGV[3])",
            "if fresh and q > 0 then",
            "  redis.call('SET', KEYS[1], 'quarantine', 'PX', q)",
            "  return {0, q}",
            "end",
            "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])",
            "return {1, token}");

    /** KEYS: lease. ARGV: owner, ttl ms. Returns 1 if this owner still held it and it was extended, else 0. */
    static final String RENEW = String.join("\n",
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end",
            "return 0");

    /**
     * KEYS: lease. ARGV: owner, keep ms. If this owner holds it: deletes it (keep 0) or re-sets it
     * to a value no owner matches for keep ms. Returns 1 if it was this owner's, else 0.
     */
    static final String RELEASE = String.join("\n",
            "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end",
            "if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], 'kept', 'PX', ARGV[2])",
            "else redis.call('DEL', KEYS[1]) end",
            "return 1");
}
