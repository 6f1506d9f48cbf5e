-- POSTs the JSON body of the file BODY to PATH, with the header AUTH_NAME: AUTH_VALUE; counts
-- answers other than 200 as errors and prints "LABEL requests/s … p50_ms … p99_ms … non200 …".
-- Environment: LABEL, PATH_TO (the request path), BODY (a file), AUTH_NAME, AUTH_VALUE.
local label = os.getenv("LABEL")
local path = os.getenv("PATH_TO")
local file = io.open(os.getenv("BODY"))
local body = file:read("*a")
file:close()
local headers = { [os.getenv("AUTH_NAME")] = os.getenv("AUTH_VALUE"), ["Content-Type"] = "application/json" }

request = function()
  return wrk.format("POST", path, headers, body)
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
