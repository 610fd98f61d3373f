-- Sluice token bucket. Contract: docs/redis.md, "Scripts" and "token_bucket.lua"; the calling convention and the
-- operations are driver.lua's, which follows this file in the script Redis runs.
-- One call evaluates one or more checks, in order, exactly as if each were its own call.
-- KEYS      every key of every check, check after check; each key a hash with fields tokens (float) and
--           last_refill (seconds, float); a key's limit is the bucket's capacity, its window the refill time
--
-- Writes: a check is decided from reads alone, and its first write is one that Redis refuses when it is out of
-- memory (maxmemory under noeviction). Redis makes that refusal only until a script has called its first write
-- command, whatever that command did, so every write the script makes comes after such a command: when Redis is
-- out of memory as the call starts, every check that would write is refused and nothing is written, and a check
-- that writes nothing (every key over its limit) is answered. UNDO, which gives back what a charge took, calls a
-- write Redis never refuses first (PEXPIRE), so it is not refused for want of memory.
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
--
-- A request of n permits is admitted iff the bucket holds n tokens, and takes them. A refused one is told to retry
-- when n tokens exist, which is also its reset; one of more permits than the capacity never fits, and is refused
-- for a whole window.

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

-- The bucket's credit as stored (as of its last_refill, in microseconds), or nil when there is no bucket.
local function stored_credit(key, interval, capacity)
  local state = call('HMGET', key, 'tokens', 'last_refill')
  local tokens = tonumber(state[1])
  local last = tonumber(state[2])
  if tokens == nil or last == nil then
    return nil
  end
  local credit = floor(tokens * interval + 0.5)
  -- Below zero when written as of a whole second before the tokens had accrued: at most one second of refill.
  if credit > capacity then
    credit = capacity
  elseif credit < -capacity then
    credit = -capacity
  end
  return credit, floor(last * 1000000 + 0.5)
end

-- Decides one key from reads alone: room for n, remaining after the charge, reset and retry-after (0 with room),
-- then what commit needs: the credit and its time, the interval and the capacity. A request of more permits than
-- the capacity never fits: it is refused for a whole window without reading the key.
--
-- A refused key is not written: leaving tokens and last_refill as they were defers the refill, which is exact
-- (min(cap, min(cap, c + d1) + d2) = min(cap, c + d1 + d2), and a refused key was below cap after d1), and its
-- expiry, set by the last write, still falls when the bucket is full again + 1 s.
local function decide(key, limit, window_seconds, n, now)
  local window = window_seconds * 1000000000
  if n > limit then
    return false, 0, window, window
  end
  local interval = idiv(window + limit - 1, limit)
  local capacity = limit * interval
  local credit, last = stored_credit(key, interval, capacity)
  if credit == nil then
    credit = capacity
    last = now
  elseif now > last then
    credit = credit + (now - last) * 1000
    if credit > capacity then
      credit = capacity
    end
    last = now
  end
  local lag = (last - now) * 1000
  local need = n * interval
  if credit >= need then
    local left = credit - need
    return true, idiv(left, interval), lag + capacity - left, 0, left, last, interval, capacity
  end
  -- Refused: the reset is when n tokens exist, the same moment as the retry-after.
  local wait = lag + need - credit
  return false, 0, wait, wait
end

-- Writes the bucket as of the whole second at or before last (see above), and its expiry: when it is full again
-- + 1 s.
local function commit(key, n, now, member, credit, last, interval, capacity)
  local second = floor(last / 1000000)
  local stamped = credit - (last - second * 1000000) * 1000
  call('HSET', key, 'tokens', format('%.17g', stamped / interval), 'last_refill', format('%d.000000', second))
  call('PEXPIRE', key, math.ceil((capacity - credit) / 1000000) + 1000)
end

local function repair()
end

-- Gives back n tokens to the bucket as stored (as of its whole-second last_refill), up to its capacity. A bucket
-- that is full again by now is deleted, as a missing bucket is a full one (and one that has expired since has
-- nothing to give back); another gets its expiry for when it is full again + 1 s, first: a write Redis does not
-- refuse for want of memory, after which it lets HSET through.
local function undo(key, limit, window_seconds, n, now)
  local window = window_seconds * 1000000000
  local interval = idiv(window + limit - 1, limit)
  local capacity = limit * interval
  local credit, last = stored_credit(key, interval, capacity)
  if credit == nil then
    return
  end
  credit = credit + n * interval
  local at_now = credit
  if now > last then
    at_now = credit + (now - last) * 1000
  end
  if at_now >= capacity then
    call('DEL', key)
    return
  end
  -- Full again at last + (capacity - credit) ns, which lies after now.
  call('PEXPIRE', key, math.ceil((capacity - at_now) / 1000000) + 1000)
  call('HSET', key, 'tokens', format('%.17g', credit / interval))
end
