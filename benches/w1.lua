-- W1: GetEnrollments for one learner per request, learners taken in turn from LEARNERS.
-- Environment: TOKEN (bearer of an administrator), LEARNERS (a file with one learner id a line).
local token = os.getenv("TOKEN")
local learners = {}
for line in io.lines(os.getenv("LEARNERS")) do learners[#learners + 1] = line end
local counter = 0

request = function()
  counter = counter + 1
  local learner = learners[(counter % #learners) + 1]
  local body = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://ispringlearn.com/go/services/api/soap"><soap:Body><GetEnrollmentsRequest><credentials><token>'
    .. token .. '</token></credentials><learnerIds><id>' .. learner .. '</id></learnerIds></GetEnrollmentsRequest></soap:Body></soap:Envelope>'
  return wrk.format("POST", nil, { ["Content-Type"] = "text/xml; charset=utf-8" }, body)
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("W1 requests/s %.0f p50_ms %.3f p99_ms %.3f non200 %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + errors))
end
