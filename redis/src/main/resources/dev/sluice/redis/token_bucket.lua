-- Sluice token bucket. Contract: docs/redis.md, "Scripts" and "token_bucket.lua".
-- One call evaluates one or more checks, in order, exactly as if each were its own call.
-- KEYS      every key of every check, check after check; each key a hash with fields tokens (float) and
--           last_refill (seconds, float)
-- ARGV[1]   "1": take the time from Redis TIME (read once per call) instead of each check's time
-- then, per check: its time (integer microseconds since the Unix epoch), its unique member (unused here),
--           its number of keys c, and c pairs: the key's capacity (limit) and refill window in whole seconds
-- Returns {allowed, remaining, reset_after_ns, retry_after_ns} for every key, flattened in KEYS order; allowed
-- is 2 for every key of a check that failed inside the script (its earlier keys may have been charged), 3 for
-- every key of a check that Redis refused for want of memory (nothing of the call was written).
--
-- Writes: a check is decided from reads alone, and its first write is one that Redis refuses when it is out of
-- memory (maxmemory under noeviction). Redis makes that refusal only until a script has called its first write
-- command, whatever that command did, so every write the script makes comes after such a command: when Redis is
-- out of memory as the call starts, every check that would write is refused and nothing is written, and a check
-- that writes nothing (every key over its limit) is answered.
--
-- Capacity = limit, refilled continuously at limit per window; a new bucket starts full. The arithmetic is
-- exact: the level is held as nanoseconds of refill ("credit"), one token being worth
-- interval = ceil(window / limit) ns, as on the embedded backend. The stored tokens field is credit / interval;
-- reading it back, credit = round(tokens * interval) recovers the integer exactly (every value involved is
-- below 2^53). The elapsed time's refill is always added before last_refill moves to now, however small it
-- is, so frequent callers cannot starve the refill. A last_refill later than now (another writer's clock
-- ahead) adds nothing and stays.
--
-- The bucket is written as of the whole second at or before last_refill: tokens less the refill of the
-- fraction (below zero when fewer had accrued), which is the same bucket to every reader at or after the exact
-- time. The original's engines send whole seconds and do not guard against a last_refill later than their now:
-- stamped with the fraction, a bucket made such a caller at that second compute a negative elapsed time and see
-- fewer tokens than Sluice would answer at the same second; stamped with the whole second, it computes exactly
-- Sluice's answer.

local floor = math.floor
local format = string.format
local call = redis.call

-- floor(a / b) for non-negative integers below 2^53, corrected for the rounding of the division.
local function idiv(a, b)
  local q = floor(a / b)
  if q * b > a then
    q = q - 1
  elseif (q + 1) * b <= a then
    q = q + 1
  end
  return q
end

local out = {}

-- Charges one check: its c keys from KEYS[k + 1], their limits and windows from ARGV[a], its answers to
-- out[o + 1]. Run under pcall, so that an error (a key of another type) fails this check alone.
--
-- A refused key is not written: leaving tokens and last_refill as they were defers the refill, which is exact
-- (min(cap, min(cap, c + d1) + d2) = min(cap, c + d1 + d2), and a refused key was below cap after d1), and its
-- expiry, set by the last write, still falls when the bucket is full again + 1 s.
local function charge(now, member, k, a, o, c)
  for j = 1, c do
    local r = o + 4 * j - 4
    local key = KEYS[k + j]
    local limit = tonumber(ARGV[a + 2 * j - 2])
    local window = tonumber(ARGV[a + 2 * j - 1]) * 1000000000
    local interval = idiv(window + limit - 1, limit)
    local capacity = limit * interval
    local state = call('HMGET', key, 'tokens', 'last_refill')
    local tokens = tonumber(state[1])
    local last = tonumber(state[2])
    local credit
    if tokens == nil or last == nil then
      credit = capacity
      last = now
    else
      credit = floor(tokens * interval + 0.5)
      -- Below zero when written as of a whole second before the tokens had accrued: at most one second of refill.
      if credit > capacity then
        credit = capacity
      elseif credit < -capacity then
        credit = -capacity
      end
      last = floor(last * 1000000 + 0.5)
      if now > last then
        credit = credit + (now - last) * 1000
        if credit > capacity then
          credit = capacity
        end
        last = now
      end
    end
    local lag = (last - now) * 1000
    if credit >= interval then
      credit = credit - interval
      local second = floor(last / 1000000)
      local stamped = credit - (last - second * 1000000) * 1000
      call('HSET', key, 'tokens', format('%.17g', stamped / interval), 'last_refill', format('%d.000000', second))
      call('PEXPIRE', key, math.ceil((capacity - credit) / 1000000) + 1000)
      out[r + 1] = 1
      out[r + 2] = idiv(credit, interval)
      out[r + 3] = lag + capacity - credit
      out[r + 4] = 0
    else
      -- Refused: the reset is when the next token arrives, the same moment as the retry-after.
      out[r + 1] = 0
      out[r + 2] = 0
      out[r + 3] = lag + interval - credit
      out[r + 4] = lag + interval - credit
    end
  end
end

local server_now
if ARGV[1] == '1' then
  local t = call('TIME')
  server_now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local o = 0
local k = 0
local a = 2
local argc = #ARGV
while a <= argc do
  local c = tonumber(ARGV[a + 2])
  local ok, err = pcall(charge, server_now or tonumber(ARGV[a]), ARGV[a + 1], k, a + 3, o, c)
  if not ok then
    -- allowed = 3: Redis refused a write for want of memory; 2: any other error. The other fields are 0.
    local text = type(err) == 'table' and err.err or err
    local failed = 2
    if type(text) == 'string' and string.find(text, 'OOM command not allowed', 1, true) then
      failed = 3
    end
    for j = o + 1, o + 4 * c, 4 do
      out[j] = failed
      out[j + 1] = 0
      out[j + 2] = 0
      out[j + 3] = 0
    end
  end
  k = k + c
  a = a + 3 + 2 * c
  o = o + 4 * c
end
return out
