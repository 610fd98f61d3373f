-- A token bucket of the shape the original system's Rust engines run against the same keys, for tests: the
-- caller's time in whole seconds, float arithmetic, and no guard against a last_refill later than now.
-- KEYS[1]   the bucket, a hash with fields tokens and last_refill (seconds)
-- ARGV      capacity, refill in tokens per second, now in whole seconds
-- Returns 1 when admitted, 0 when refused; only an admitted request writes.
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last_refill')
local tokens = tonumber(state[1])
local last = tonumber(state[2])
if tokens == nil or last == nil then
  tokens = capacity
  last = now
end
local elapsed = now - last
tokens = math.min(capacity, tokens + elapsed * rate)
if tokens >= 1 then
  tokens = tokens - 1
  redis.call('HSET', KEYS[1], 'tokens', tokens, 'last_refill', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
  return 1
end
return 0
