-- Sluice sliding window (log). Contract: docs/redis.md, "sliding_window.lua".
-- KEYS[i]   one key per dimension: a sorted set, one member per admitted request, score = its time in
--           seconds (fractional, microsecond precision)
-- ARGV[1]   the client's time, integer microseconds since the Unix epoch
-- ARGV[2]   "1": take the time from Redis TIME instead of ARGV[1]
-- ARGV[3]   the request's member, unique across every instance, process and host
-- ARGV[2+2i], ARGV[3+2i]   key i's limit and window in whole seconds
-- Returns {allowed, remaining, reset_after_ns, retry_after_ns} for every key, flattened in key order.
--
-- A request is admitted iff fewer than limit members have a score in (now - window, now]. Refused requests
-- are not recorded. Scores are written as decimal strings with six fractional digits, so that they and the
-- trimming bound parse to the same doubles and the comparisons are exact to the microsecond.

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

local function micros_of(score)
  return math.floor(tonumber(score) * 1000000 + 0.5)
end

local now = now_micros()
local now_seconds = seconds(now)
local member = ARGV[3]
local out = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 + 2 * i])
  local window = tonumber(ARGV[3 + 2 * i]) * 1000000
  redis.call('ZREMRANGEBYSCORE', key, '-inf', seconds(now - window))
  local count = redis.call('ZCARD', key)
  if count < limit then
    redis.call('ZADD', key, now_seconds, member)
    redis.call('PEXPIRE', key, window / 1000 + 1000)
    count = count + 1
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    out[#out + 1] = 1
    out[#out + 1] = limit - count
    out[#out + 1] = (micros_of(oldest[2]) + window - now) * 1000
    out[#out + 1] = 0
  else
    -- Admitting again needs count - limit + 1 members to leave: the one at rank count - limit is the last.
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    out[#out + 1] = 0
    out[#out + 1] = 0
    out[#out + 1] = (micros_of(oldest[2]) + window - now) * 1000
    out[#out + 1] = (micros_of(freeing[2]) + window - now) * 1000
  end
end
return out
