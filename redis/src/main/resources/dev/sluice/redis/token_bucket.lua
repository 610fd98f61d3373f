-- Sluice token bucket. Contract: docs/redis.md, "token_bucket.lua".
-- KEYS[i]   one key per dimension: a hash with fields tokens (float) and last_refill (seconds, float)
-- ARGV[1]   the client's time, integer microseconds since the Unix epoch
-- ARGV[2]   "1": take the time from Redis TIME instead of ARGV[1]
-- ARGV[3]   unused by this script (the request's unique member for the sliding window)
-- ARGV[2+2i], ARGV[3+2i]   key i's capacity (limit) and refill window in whole seconds
-- Returns {allowed, remaining, reset_after_ns, retry_after_ns} for every key, flattened in key order.
--
-- Capacity = limit, refilled continuously at limit per window; a new bucket starts full. The arithmetic is
-- exact: the level is held as nanoseconds of refill ("credit"), one token being worth
-- interval = ceil(window / limit) ns, as on the embedded backend. The stored tokens field is credit / interval;
-- reading it back, credit = round(tokens * interval) recovers the integer exactly (every value involved is
-- below 2^53). The elapsed time's refill is always added before last_refill moves to now, however small it
-- is, so frequent callers cannot starve the refill. A last_refill later than now (another writer's clock
-- ahead) adds nothing and stays.

local function now_micros()
  if ARGV[2] == '1' then
    local t = redis.call('TIME')
    return tonumber(t[1]) * 1000000 + tonumber(t[2])
  end
  return tonumber(ARGV[1])
end

local function seconds(micros)
  return string.format('%d.%06d', math.floor(micros / 1000000), micros % 1000000)
end

-- floor(a / b) for non-negative integers below 2^53, corrected for the rounding of the division.
local function idiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then
    q = q - 1
  elseif (q + 1) * b <= a then
    q = q + 1
  end
  return q
end

local now = now_micros()
local out = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 + 2 * i])
  local window = tonumber(ARGV[3 + 2 * i]) * 1000000000
  local interval = idiv(window + limit - 1, limit)
  local capacity = limit * interval
  local state = redis.call('HMGET', key, 'tokens', 'last_refill')
  local tokens = tonumber(state[1])
  local last = tonumber(state[2])
  local credit
  if tokens == nil or last == nil then
    credit = capacity
    last = now
  else
    credit = math.min(capacity, math.max(0, math.floor(tokens * interval + 0.5)))
    last = math.floor(last * 1000000 + 0.5)
    if now > last then
      credit = math.min(capacity, credit + (now - last) * 1000)
      last = now
    end
  end
  local lag = (last - now) * 1000
  local allowed = credit >= interval
  if allowed then
    credit = credit - interval
  end
  redis.call('HSET', key, 'tokens', string.format('%.17g', credit / interval), 'last_refill', seconds(last))
  redis.call('PEXPIRE', key, math.ceil((capacity - credit) / 1000000) + 1000)
  if allowed then
    out[#out + 1] = 1
    out[#out + 1] = idiv(credit, interval)
    out[#out + 1] = lag + capacity - credit
    out[#out + 1] = 0
  else
    out[#out + 1] = 0
    out[#out + 1] = 0
    out[#out + 1] = lag + capacity - credit
    out[#out + 1] = lag + interval - credit
  end
end
return out
