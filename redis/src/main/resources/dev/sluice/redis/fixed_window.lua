-- Sluice fixed window. Contract: docs/redis.md, "Scripts" and "fixed_window.lua".
-- One call evaluates one or more checks, in order, exactly as if each were its own call.
-- KEYS      every key of every check, check after check; each key a string holding the count
-- ARGV[1]   "1": take the time from Redis TIME (read once per call) instead of each check's time
-- then, per check: its time (integer microseconds since the Unix epoch), its unique member (unused here),
--           its number of keys c, and c pairs: the key's limit and window in whole seconds
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
-- The window of a key ends at the key's absolute expiry, set with PXAT when the count is created (the same
-- instant as EXPIRE window when client and server clocks agree). The script decides from the request's time
-- whether that window has ended, so a request that arrives after the window's end starts a new window even
-- when Redis has not yet deleted the key. An expiry is whole milliseconds: a window whose first request falls
-- between two milliseconds ends at the last millisecond before start + window (less than 1 ms early). Reset and
-- retry-after, rounded up to whole seconds, are then exact whenever the exact delay is a whole number of seconds,
-- as it is for the window's first request and for every request a whole number of seconds after it; rounding
-- the end up instead would add a second to each of those.

local floor = math.floor
local call = redis.call

local function millis(time)
  return tonumber(time[1]) * 1000 + floor(tonumber(time[2]) / 1000)
end

-- The key's absolute expiry in milliseconds, -1 when it has none, -2 when it does not exist.
local function expiry_millis(key)
  local at = redis.pcall('PEXPIRETIME', key)
  if type(at) == 'number' then
    return at
  end
  -- Redis 6.2: PTTL counts from the server's clock as it runs, in milliseconds. The expiry is that millisecond
  -- plus PTTL, known exactly when TIME reads the same millisecond before and after PTTL; when the clock ticked
  -- in between (about one reading in five thousand) the reading is repeated.
  for attempt = 1, 8 do
    local before = millis(call('TIME'))
    local ttl = call('PTTL', key)
    if ttl < 0 then
      return ttl
    end
    if attempt == 8 or millis(call('TIME')) == before then
      return before + ttl
    end
  end
end

local out = {}

-- Charges one check: its c keys from KEYS[k + 1], their limits and windows from ARGV[a], its answers to
-- out[o + 1]. Run under pcall, so that an error (a key of another type) fails this check alone.
local function charge(now, member, k, a, o, c)
  for j = 1, c do
    local r = o + 4 * j - 4
    local key = KEYS[k + j]
    local limit = tonumber(ARGV[a + 2 * j - 2])
    local window = tonumber(ARGV[a + 2 * j - 1]) * 1000000
    local stored = call('GET', key)
    local count = tonumber(stored)
    local ends = -2
    if count ~= nil then
      ends = expiry_millis(key)
    end
    local fresh = count == nil or ends == -2 or (ends >= 0 and now >= ends * 1000)
    -- A count without an expiry (a writer stopped between INCR and EXPIRE) is given this window's.
    local unexpiring = not fresh and ends == -1
    if fresh then
      count = 0
    end
    if fresh or unexpiring then
      ends = floor((now + window) / 1000)
    end
    local reset = (ends * 1000 - now) * 1000
    if count < limit then
      count = count + 1
      if fresh or unexpiring then
        call('SET', key, count, 'PXAT', ends)
      else
        call('INCR', key)
      end
      out[r + 1] = 1
      out[r + 2] = limit - count
      out[r + 3] = reset
      out[r + 4] = 0
    else
      if unexpiring then
        -- SET rather than PEXPIREAT: a write Redis refuses when out of memory, like every first write here.
        call('SET', key, stored, 'PXAT', ends)
      end
      out[r + 1] = 0
      out[r + 2] = 0
      out[r + 3] = reset
      out[r + 4] = reset
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
