-- Sluice fixed window. Contract: docs/redis.md, "fixed_window.lua".
-- KEYS[i]   one key per dimension: a string holding the count.
-- ARGV[1]   the client's time, integer microseconds since the Unix epoch
-- ARGV[2]   "1": take the time from Redis TIME instead of ARGV[1]
-- ARGV[3]   unused by this script (the request's unique member for the sliding window)
-- ARGV[2+2i], ARGV[3+2i]   key i's limit and window in whole seconds
-- Returns {allowed, remaining, reset_after_ns, retry_after_ns} for every key, flattened in key order.
--
-- The window of a key ends at the key's absolute expiry, set with PXAT when the count is created (the same
-- instant as EXPIRE window when client and server clocks agree). The script decides from the request's time
-- whether that window has ended, so a request that arrives after the window's end starts a new window even
-- when Redis has not yet deleted the key.

local function now_micros()
  if ARGV[2] == '1' then
    local t = redis.call('TIME')
    return tonumber(t[1]) * 1000000 + tonumber(t[2])
  end
  return tonumber(ARGV[1])
end

-- The key's absolute expiry in milliseconds, -1 when it has none, -2 when it does not exist.
local function expiry_millis(key)
  local at = redis.pcall('PEXPIRETIME', key)
  if type(at) == 'number' then
    return at
  end
  -- Redis before 7.0: derive it from PTTL and the server's clock.
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    return ttl
  end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + ttl
end

local now = now_micros()
local out = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 + 2 * i])
  local window = tonumber(ARGV[3 + 2 * i]) * 1000000
  local count = tonumber(redis.call('GET', key))
  local ends = -2
  if count ~= nil then
    ends = expiry_millis(key)
  end
  local fresh = count == nil or ends == -2 or (ends >= 0 and now >= ends * 1000)
  if fresh then
    count = 0
    ends = math.ceil((now + window) / 1000)
  elseif ends == -1 then
    -- A count without an expiry (a writer stopped between INCR and EXPIRE): give it this window.
    ends = math.ceil((now + window) / 1000)
    redis.call('PEXPIREAT', key, ends)
  end
  local reset = (ends * 1000 - now) * 1000
  if count < limit then
    count = count + 1
    if fresh then
      redis.call('SET', key, count, 'PXAT', ends)
    else
      redis.call('INCR', key)
    end
    out[#out + 1] = 1
    out[#out + 1] = limit - count
    out[#out + 1] = reset
    out[#out + 1] = 0
  else
    out[#out + 1] = 0
    out[#out + 1] = 0
    out[#out + 1] = reset
    out[#out + 1] = reset
  end
end
return out
