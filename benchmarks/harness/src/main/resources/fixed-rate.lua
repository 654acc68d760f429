-- wrk script: holds each wrk thread to a fixed request rate (the rate given after `--`, split
-- evenly between wrk's threads) instead of sending as fast as the connections allow.
--
-- Each response asks delay() when to send the next request on its connection. The thread keeps
-- one schedule of evenly spaced send slots and hands the next free slot to whichever connection
-- asks. A slot already missed is not made up for (the schedule restarts from now), so a server that
-- cannot keep up shows as an achieved rate below the target, not as a burst. wrk's timers have a
-- resolution of 1 ms, so sends within the same millisecond go together; over a second the rate is
-- the target. Latency is timed by wrk from the moment a request is written.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } fixed_rate_timespec;
  int clock_gettime(int clock_id, fixed_rate_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local now_ts = ffi.new("fixed_rate_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_ts)
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end

local interval_ms
local next_slot

function init(args)
  local rate = tonumber(args[1])
  local threads = tonumber(args[2])
  if not rate or rate <= 0 or not threads or threads <= 0 then
    error("usage: wrk -s fixed-rate.lua URL -- RATE THREADS")
  end
  interval_ms = 1000 * threads / rate
  next_slot = now_ms()
end

function delay()
  local now = now_ms()
  next_slot = next_slot + interval_ms
  if next_slot < now then
    next_slot = now
  end
  return next_slot - now
end
