-- Sluice sliding window (log). Contract: docs/redis.md, "Scripts" and "sliding_window.lua"; the calling
-- convention and the operations are driver.lua's, which follows this file in the script Redis runs.
-- One call evaluates one or more checks, in order, exactly as if each were its own call.
-- KEYS      every key of every check, check after check; each key a sorted set, one member per admitted
--           permit, score = its time in seconds (fractional, microsecond precision)
--
-- Writes: a check is decided from reads alone, and its first write is one that Redis refuses when it is out of
-- memory (maxmemory under noeviction). Redis makes that refusal only until a script has called its first write
-- command, whatever that command did, so every write the script makes comes after such a command: when Redis is
-- out of memory as the call starts, every check that would write is refused and nothing is written, and a check
-- that writes nothing (every key over its limit) is answered.
--
-- A request of n permits is admitted iff count + n <= limit, count being the members with a score in
-- (now - window, now], and adds n members: the check's member, then member:2 ... member:n. Refused requests are
-- not recorded. Scores are written as decimal strings with six fractional digits, so that they and the trimming
-- bound parse to the same doubles and the comparisons are exact to the microsecond.

local floor = math.floor
local call = redis.call
-- Members added or removed per command, well below Lua's limit on unpacked values.
local CHUNK = 512

local function seconds(micros)
  return string.format('%d.%06d', floor(micros / 1000000), micros % 1000000)
end

local function micros_of(score)
  return floor(tonumber(score) * 1000000 + 0.5)
end

-- The score of the entry at rank (0-based) among those in the window, or nil.
local function score_at(key, after, rank)
  local entry = call('ZRANGEBYSCORE', key, after, '+inf', 'WITHSCORES', 'LIMIT', rank, 1)
  return entry[2] and micros_of(entry[2])
end

-- Decides one key from reads alone: room for n, remaining after the charge, reset and retry-after (0 with room),
-- then the window commit needs. Entries at or before now - window have left it. Admitted, the reset is when the
-- oldest entry leaves (with the charge's, the oldest is no later than now). Refused, admitting n needs
-- count + n - limit entries to leave: the one at rank count + n - limit - 1 is the last (the oldest, for one
-- permit, unless another writer over-filled the log), and when it leaves is both the reset and the retry-after.
-- A request of more permits than the limit never fits: it is refused for a whole window without reading the key.
local function decide(key, limit, window_seconds, n, now)
  local window = window_seconds * 1000000
  if n > limit then
    return false, 0, window * 1000, window * 1000, window
  end
  local after = '(' .. seconds(now - window)
  local count = call('ZCOUNT', key, after, '+inf')
  if count + n <= limit then
    local oldest = now
    if count > 0 then
      oldest = math.min(now, score_at(key, after, 0))
    end
    return true, limit - count - n, (oldest + window - now) * 1000, 0, window
  end
  local leaves = (score_at(key, after, count + n - limit - 1) + window - now) * 1000
  return false, 0, leaves, leaves, window
end

local function members(member, from, to)
  local list = {}
  for i = from, to do
    if i == 1 then
      list[#list + 1] = member
    else
      list[#list + 1] = member .. ':' .. i
    end
  end
  return list
end

-- The first write is ZADD, which Redis refuses when it is out of memory (see the note on writes above).
local function commit(key, n, now, member, window)
  local score = seconds(now)
  for from = 1, n, CHUNK do
    local to = math.min(n, from + CHUNK - 1)
    local args = {}
    for _, m in ipairs(members(member, from, to)) do
      args[#args + 1] = score
      args[#args + 1] = m
    end
    call('ZADD', key, unpack(args))
  end
  call('ZREMRANGEBYSCORE', key, '-inf', seconds(now - window))
  call('PEXPIRE', key, window / 1000 + 1000)
end

-- A refused check writes nothing: entries that have left the window go with the next admitted one.
local function repair()
end

-- Removes the members the charge added: exactly what it took.
local function undo(key, limit, window_seconds, n, now, member)
  for from = 1, n, CHUNK do
    call('ZREM', key, unpack(members(member, from, math.min(n, from + CHUNK - 1))))
  end
end
