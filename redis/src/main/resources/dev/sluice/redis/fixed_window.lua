-- Sluice fixed window. Contract: docs/redis.md, "Scripts" and "fixed_window.lua"; the calling convention and the
-- operations are driver.lua's, which follows this file in the script Redis runs.
-- One call evaluates one or more checks, in order, exactly as if each were its own call.
-- KEYS      every key of every check, check after check; each key a string holding the count
--
-- Writes: a check is decided from reads alone, and its first write is one that Redis refuses when it is out of
-- memory (maxmemory under noeviction). Redis makes that refusal only until a script has called its first write
-- command, whatever that command did, so every write the script makes comes after such a command: when Redis is
-- out of memory as the call starts, every check that would write is refused and nothing is written, and a check
-- that writes nothing (every key over its limit) is answered. UNDO, which frees what a charge took, calls a write
-- Redis never refuses first (DEL or PEXPIREAT), so it is not refused for want of memory.
--
-- The window of a key ends at the key's absolute expiry, set with PXAT when the count is created (the same
-- instant as EXPIRE window when client and server clocks agree). The script decides from the request's time
-- whether that window has ended, so a request that arrives after the window's end starts a new window even
-- when Redis has not yet deleted the key. An expiry is whole milliseconds: a window whose first request falls
-- between two milliseconds ends at the last millisecond before start + window (less than 1 ms early). Reset and
-- retry-after, rounded up to whole seconds, are then exact whenever the exact delay is a whole number of seconds,
-- as it is for the window's first request and for every request a whole number of seconds after it; rounding
-- the end up instead would add a second to each of those.
--
-- A request of n permits is admitted while count + n <= limit and adds n (INCR, INCRBY); a refused one is told to retry
-- when the window ends. A request of more permits than the limit never fits: it is refused for a whole window
-- without reading the key.

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

-- Decides one key from reads alone: room for n, remaining after the charge, reset and retry-after (0 with room),
-- then what commit and repair need: the count, the window's end, whether the count starts a window (1) or is
-- given the window's end it lacks (2), and the stored value.
local function decide(key, limit, window_seconds, n, now)
  if n > limit then
    return false, 0, window_seconds * 1000000000, window_seconds * 1000000000, 0, 0, 0
  end
  local stored = call('GET', key)
  local count = tonumber(stored)
  local ends = -2
  if count ~= nil then
    ends = expiry_millis(key)
  end
  local restart = 0
  if count == nil or ends == -2 or (ends >= 0 and now >= ends * 1000) then
    count = 0
    restart = 1
  elseif ends == -1 then
    -- A count without an expiry (a writer stopped between INCR and EXPIRE) is given this window's.
    restart = 2
  end
  if restart ~= 0 then
    ends = floor((now + window_seconds * 1000000) / 1000)
  end
  local reset = (ends * 1000 - now) * 1000
  if count + n <= limit then
    return true, limit - count - n, reset, 0, count, ends, restart, stored
  end
  return false, 0, reset, reset, count, ends, restart, stored
end

local function commit(key, n, now, member, count, ends, restart)
  if restart ~= 0 then
    call('SET', key, count + n, 'PXAT', ends)
  elseif n == 1 then
    call('INCR', key)
  else
    call('INCRBY', key, n)
  end
end

local function repair(key, count, ends, restart, stored)
  if restart == 2 then
    -- SET rather than PEXPIREAT: a write Redis refuses when out of memory, like every first write here.
    call('SET', key, stored, 'PXAT', ends)
  end
end

-- Takes back n from the window that ends at ends (milliseconds); a later window is not this charge's.
local function undo(key, limit, window_seconds, n, now, member, ends)
  if expiry_millis(key) ~= ends then
    return
  end
  local count = tonumber(call('GET', key))
  if count == nil then
    return
  end
  if count <= n then
    call('DEL', key)
  else
    call('PEXPIREAT', key, ends)
    call('DECRBY', key, n)
  end
end
