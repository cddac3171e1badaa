-- wrk script for the POST /v1/commands figure in the README: every request
-- records a measurement of DEJ's indicator I1 on a distinct date (per thread).
--   wrk -t2 -c64 -d10s --latency -s tools/wrk-post.lua http://127.0.0.1:8080
counter = 0
local threadid = 0
function setup(thread)
  thread:set("tid", threadid)
  threadid = threadid + 1
end
function request()
  counter = counter + 1
  local day = tid * 1000000 + counter
  local y = 3000 + math.floor(day / 336)
  local m = 1 + math.floor((day % 336) / 28)
  local d = 1 + day % 28
  local body = string.format('{"type":"RecordMeasurement","data":{"direction":"DEJ","indicator":"I1","date":"%04d-%02d-%02d","value":%d}}', y, m, d, counter % 100)
  return wrk.format("POST", "/v1/commands", {["Authorization"]="Bearer demo-dej", ["Content-Type"]="application/json"}, body)
end
