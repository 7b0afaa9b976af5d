-- Multi-limit greedy token bucket, one key, one round trip, one or more decisions. Same integer
-- arithmetic as a Bucket4j greedy bandwidth (size + rounding error per limit), in microseconds of
-- Redis' clock. Several decisions in one call (concurrent callers of one process, coalesced) are
-- taken in order at one instant: each gets exactly what it would get from its own call at that
-- instant, so the sum admitted never exceeds what the bucket holds.
-- KEYS[1] bucket key
-- ARGV[1] time override in microseconds ('' = Redis TIME; only tests pass a value)
-- ARGV[2] number of decisions m (>= 1)   ARGV[3] policy fingerprint   ARGV[4] number of limits n
-- ARGV[5..4+3n] per limit: capacity, refill tokens, refill period in microseconds
-- ARGV[5+3n..4+3n+m] the cost (>= 1) of each decision, in arrival order
-- Returns {repaired (0/1), then per decision: allowed, wait_us (-1 = never), then per limit:
-- remaining, us_until_full}
-- Stored value: fingerprint ':' then per limit last_refill ':' size ':' rounding_error; PX = time until full.
local key = KEYS[1]
local m = tonumber(ARGV[2])
local fp = ARGV[3]
local n = tonumber(ARGV[4])
local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[1])
end

local cap, rt, per = {}, {}, {}
for i = 1, n do
  cap[i] = tonumber(ARGV[2 + 3 * i])
  rt[i] = tonumber(ARGV[3 + 3 * i])
  per[i] = tonumber(ARGV[4 + 3 * i])
end

-- floor division and remainder, exact for operands below 2^53
local function idiv(a, b)
  local q = math.floor(a / b)
  local r = a - q * b
  if r < 0 then
    q = q - 1
    r = r + b
  elseif r >= b then
    q = q + 1
    r = r - b
  end
  return q, r
end

local function whole(x, lo, hi)
  return x ~= nil and x == x and x >= lo and x <= hi and x == math.floor(x)
end

local last, size, err = {}, {}, {}
local fresh = true
local repaired = 0
local raw = redis.pcall('GET', key)
if type(raw) == 'string' then
  local parts = {}
  for p in string.gmatch(raw, '[^:]+') do
    parts[#parts + 1] = p
  end
  if parts[1] == fp and #parts == 1 + 3 * n then
    fresh = false
    for i = 1, n do
      local l = tonumber(parts[3 * i - 1])
      local s = tonumber(parts[3 * i])
      local e = tonumber(parts[3 * i + 1])
      if not (whole(l, 0, 9007199254740992) and whole(s, 0, cap[i]) and whole(e, 0, per[i] - 1)) then
        fresh = true
        break
      end
      -- a clock that moved backwards (failover to a skewed server) must not freeze refill
      if l > now then
        l = now
      end
      last[i], size[i], err[i] = l, s, e
    end
  end
  if fresh then
    repaired = 1
  end
elseif type(raw) == 'table' then
  -- WRONGTYPE or another error: the key holds something that is not ours
  repaired = 1
end

if fresh then
  for i = 1, n do
    last[i], size[i], err[i] = now, cap[i], 0
  end
end

-- refill every limit
for i = 1, n do
  local prev = last[i]
  if now > prev then
    last[i] = now
    if size[i] < cap[i] then
      local d = now - prev
      local s = size[i]
      local full = false
      if d > per[i] then
        local periods, rest = idiv(d, per[i])
        s = s + periods * rt[i]
        if s > cap[i] then
          full = true
        else
          d = rest
        end
      end
      local e = 0
      if not full then
        local q, r = idiv(rt[i] * d + err[i], per[i])
        s = s + q
        e = r
        if s >= cap[i] then
          full = true
        end
      end
      if full then
        size[i], err[i] = cap[i], 0
      else
        size[i], err[i] = s, e
      end
    end
  end
end

-- time until limit i is full again at its current size
local function full_in(i)
  if size[i] >= cap[i] then
    return 0
  end
  local q, r = idiv(per[i] * (cap[i] - size[i]) - err[i], rt[i])
  if r > 0 then
    q = q + 1
  end
  return q
end

local result = {repaired}
for j = 1, m do
  local cost = tonumber(ARGV[4 + 3 * n + j])
  local avail = size[1]
  for i = 2, n do
    if size[i] < avail then
      avail = size[i]
    end
  end
  local allowed = 0
  local wait = 0
  if cost <= avail then
    allowed = 1
    for i = 1, n do
      size[i] = size[i] - cost
    end
  else
    for i = 1, n do
      if cost > cap[i] then
        wait = -1
        break
      end
      if cost > size[i] then
        local q, r = idiv(per[i] * (cost - size[i]) - err[i], rt[i])
        if r > 0 then
          q = q + 1
        end
        if q > wait then
          wait = q
        end
      end
    end
  end
  result[#result + 1] = allowed
  result[#result + 1] = wait
  for i = 1, n do
    result[#result + 1] = size[i]
    result[#result + 1] = full_in(i)
  end
end

local stored = {fp}
local ttl = 0
for i = 1, n do
  local f = full_in(i)
  if f > ttl then
    ttl = f
  end
  stored[#stored + 1] = string.format('%.0f', last[i])
  stored[#stored + 1] = string.format('%.0f', size[i])
  stored[#stored + 1] = string.format('%.0f', err[i])
end

if ttl > 0 then
  -- expire once the bucket would be full again: an absent key and a full bucket are the same state
  redis.call('SET', key, table.concat(stored, ':'), 'PX', math.floor(ttl / 1000) + 2)
elseif raw then
  redis.call('DEL', key)
end
return result
