-- Sluice sliding window (log). Contract: docs/redis.md, "Scripts" and "sliding_window.lua".
-- One call evaluates one or more checks, in order, exactly as if each were its own call.
-- KEYS      every key of every check, check after check; each key a sorted set, one member per admitted
--           request, score = its time in seconds (fractional, microsecond precision)
-- ARGV[1]   "1": take the time from Redis TIME (read once per call) instead of each check's time
-- then, per check: its time (integer microseconds since the Unix epoch), its member (unique across every
--           instance, process and host), its number of keys c, and c pairs: the key's limit and window in
--           whole seconds
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
-- A request is admitted iff fewer than limit members have a score in (now - window, now]. Refused requests
-- are not recorded. Scores are written as decimal strings with six fractional digits, so that they and the
-- trimming bound parse to the same doubles and the comparisons are exact to the microsecond.

local floor = math.floor
local call = redis.call

local function seconds(micros)
  return string.format('%d.%06d', floor(micros / 1000000), micros % 1000000)
end

local function micros_of(score)
  return floor(tonumber(score) * 1000000 + 0.5)
end

local out = {}

-- Charges one check: its c keys from KEYS[k + 1], their limits and windows from ARGV[a], its answers to
-- out[o + 1]. Run under pcall, so that an error (a key of another type) fails this check alone.
local function charge(now, member, k, a, o, c)
  local now_seconds = seconds(now)
  for j = 1, c do
    local r = o + 4 * j - 4
    local key = KEYS[k + j]
    local limit = tonumber(ARGV[a + 2 * j - 2])
    local window = tonumber(ARGV[a + 2 * j - 1]) * 1000000
    -- Decided from reads alone: entries at or before now - window have left it. The first write is ZADD,
    -- which Redis refuses when it is out of memory (see the note on writes above).
    local after = '(' .. seconds(now - window)
    local count = call('ZCOUNT', key, after, '+inf')
    if count < limit then
      call('ZADD', key, now_seconds, member)
      call('ZREMRANGEBYSCORE', key, '-inf', seconds(now - window))
      call('PEXPIRE', key, window / 1000 + 1000)
      count = count + 1
      local oldest = call('ZRANGE', key, 0, 0, 'WITHSCORES')
      out[r + 1] = 1
      out[r + 2] = limit - count
      out[r + 3] = (micros_of(oldest[2]) + window - now) * 1000
      out[r + 4] = 0
    else
      -- Admitting again needs count - limit + 1 entries to leave: the one at rank count - limit is the last.
      -- A refused check writes nothing; entries that have left the window go with the next admitted one.
      local oldest = call('ZRANGEBYSCORE', key, after, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
      local freeing = call('ZRANGEBYSCORE', key, after, '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
      out[r + 1] = 0
      out[r + 2] = 0
      out[r + 3] = (micros_of(oldest[2]) + window - now) * 1000
      out[r + 4] = (micros_of(freeing[2]) + window - now) * 1000
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
