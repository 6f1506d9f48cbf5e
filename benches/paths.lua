-- GETs the paths of PATHS in turn, with the header AUTH_NAME: AUTH_VALUE; counts answers other
-- than 200 as errors and prints "LABEL requests/s … p50_ms … p99_ms … non200 …".
-- Environment: LABEL, PATHS (a file with one path a line), AUTH_NAME, AUTH_VALUE.
local label = os.getenv("LABEL")
local headers = { [os.getenv("AUTH_NAME")] = os.getenv("AUTH_VALUE") }
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], headers)
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("%s requests/s %.0f p50_ms %.3f p99_ms %.3f non200 %d\n", label,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + errors))
end
