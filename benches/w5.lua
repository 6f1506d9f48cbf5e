-- W5: Skillable's GetClassEnrollment by id, ids taken in turn from IDS.
-- Environment: API_KEY (a Skillable integration key), IDS (a file with one class enrollment id a line).
local key = os.getenv("API_KEY")
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
local counter = 0

request = function()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  return wrk.format("GET", "/GetClassEnrollment/" .. id, { ["api_key"] = key })
end

local errors = 0
response = function(status, headers, body)
  -- Every answer of this face is HTTP 200; a failure is a Status other than 0.
  if status ~= 200 or not string.find(body, '"Status":0', 1, true) then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("W5 requests/s %.0f p50_ms %.3f p99_ms %.3f non200 %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + errors))
end
