
-- ---------------------------------------------------------------------------------------------------------------
-- The driver every script shares (driver.lua, appended to the algorithm's file, which defines call, decide,
-- commit, repair and undo). Contract: docs/redis.md, "Scripts".
--
-- ARGV[1]   "1": take the time from Redis TIME (read once per call) instead of each check's time
-- then, per check: its time (integer microseconds since the Unix epoch), its member (sliding window: unique
--           across every instance, process and host; "" otherwise), its operation, its permits n, its number of
--           keys c, then c pairs: each key's limit and window in whole seconds (for UNDO, c triples: limit,
--           window and the window's end in milliseconds that the charge used, fixed window only)
-- Returns the time the call read from TIME in microseconds (0 when each check used its own), then 4 integers
-- per key in KEYS order:
--   room for n:  1, remaining after the charge, reset_after_ns after the charge, 0 (whether charged or not)
--   refused:     0, 0, reset_after_ns, retry_after_ns
--   2 (then 0, 0, 0) for every key of a check that failed inside the script (a key of another type), 3 for
--   every key of a check that Redis refused for want of memory
--
-- Operations. CHECK charges each key that has room, key after key, as the original did. CHECK_ALL decides every
-- key from reads alone first, then charges all of them when every one has room, else none. PEEK decides every
-- key and writes nothing. RESET deletes every key. UNDO takes back a CHECK_ALL that charged (a request whose keys
-- span Cluster slots and that another slot refused). A refused key is never charged; CHECK and CHECK_ALL still
-- give a fixed-window count without an expiry its window's end (repair), which charges nothing. A key whose limit
-- is below n is refused for a whole window, without being read.

local CHECK, CHECK_ALL, PEEK, RESET, UNDO = 0, 1, 2, 3, 4
local out = {}

local function answer(r, room, remaining, reset, fourth)
  if room then
    out[r + 1] = 1
    out[r + 2] = remaining
  else
    out[r + 1] = 0
    out[r + 2] = 0
  end
  out[r + 3] = reset
  out[r + 4] = fourth
end

-- Runs one check: its c keys from KEYS[k + 1], their arguments from ARGV[a], its answers to out[o + 1]. Run
-- under pcall, so that an error (a key of another type, a write refused for want of memory) fails this check alone.
local function run(op, now, member, n, k, a, o, c)
  if op == RESET then
    for j = 1, c do
      call('DEL', KEYS[k + j])
      answer(o + 4 * j - 4, true, tonumber(ARGV[a + 2 * j - 2]), 0, 0)
    end
  elseif op == UNDO then
    for j = 1, c do
      local at = a + 3 * j - 3
      undo(KEYS[k + j], tonumber(ARGV[at]), tonumber(ARGV[at + 1]), n, now, member, tonumber(ARGV[at + 2]))
      answer(o + 4 * j - 4, true, 0, 0, 0)
    end
  elseif op == CHECK then
    for j = 1, c do
      local key = KEYS[k + j]
      local room, remaining, reset, fourth, s1, s2, s3, s4 =
        decide(key, tonumber(ARGV[a + 2 * j - 2]), tonumber(ARGV[a + 2 * j - 1]), n, now)
      answer(o + 4 * j - 4, room, remaining, reset, fourth)
      if room then
        commit(key, n, now, member, s1, s2, s3, s4)
      else
        repair(key, s1, s2, s3, s4)
      end
    end
  else
    local states = {}
    local all = true
    for j = 1, c do
      local room, remaining, reset, fourth, s1, s2, s3, s4 =
        decide(KEYS[k + j], tonumber(ARGV[a + 2 * j - 2]), tonumber(ARGV[a + 2 * j - 1]), n, now)
      answer(o + 4 * j - 4, room, remaining, reset, fourth)
      all = all and room
      local s = 5 * j - 5
      states[s + 1] = room
      states[s + 2] = s1
      states[s + 3] = s2
      states[s + 4] = s3
      states[s + 5] = s4
    end
    if op == CHECK_ALL then
      for j = 1, c do
        local s = 5 * j - 5
        if all then
          commit(KEYS[k + j], n, now, member, states[s + 2], states[s + 3], states[s + 4], states[s + 5])
        elseif not states[s + 1] then
          repair(KEYS[k + j], states[s + 2], states[s + 3], states[s + 4], states[s + 5])
        end
      end
    end
  end
end

local server_now
if ARGV[1] == '1' then
  local t = call('TIME')
  server_now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
out[1] = server_now or 0
local o = 1
local k = 0
local a = 2
local argc = #ARGV
while a <= argc do
  local op = tonumber(ARGV[a + 2])
  local c = tonumber(ARGV[a + 4])
  local ok, err = pcall(run, op, server_now or tonumber(ARGV[a]), ARGV[a + 1], tonumber(ARGV[a + 3]), k, a + 5, o, c)
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
  if op == UNDO then
    a = a + 5 + 3 * c
  else
    a = a + 5 + 2 * c
  end
  o = o + 4 * c
end
return out
