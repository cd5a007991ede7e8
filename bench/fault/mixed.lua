-- Mixed reader traffic for bench/fault/run.py: each request takes the next
-- path of those given after "--" (article, home, section, searches), each
-- thread starting at a different one.  The figures are printed by
-- bench/http/report.lua's done callback, which this file loads.

local paths = {}
local next_path = 1
local thread_number = 0

setup = function(thread)
  thread_number = thread_number + 1
  thread:set("start", thread_number)
end

init = function(args)
  for _, path in ipairs(args) do
    paths[#paths + 1] = path
  end
  next_path = ((start or 1) - 1) % #paths + 1
end

request = function()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format("GET", path)
end

dofile("bench/http/report.lua")
