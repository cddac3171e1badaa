-- wrk script for the POST /v1/commands figures in docs/benchmarks.md. Every request
-- records a measurement on a date no other request of the run uses; run it
-- against fresh data (a second run would repeat the dates and get 400s).
--   wrk -t2 -c64 -d10s --latency -s tools/wrk-post.lua http://127.0.0.1:8080
--       all on DEJ's indicator I1: one plan, one indicator, the worst case
--   wrk -t2 -c64 -d10s --latency -s tools/wrk-post.lua http://127.0.0.1:8080 -- city
--       spread over I1-I3 of the demo's five directions (tools/run's data)
local directions = {"DEJ", "DRH", "DSI", "DCS", "DEV"}
local threadid = 0
function setup(thread)
  thread:set("tid", threadid)
  threadid = threadid + 1
end
function init(args)
  city = args[1] == "city"
  counter = 0
end
function request()
  counter = counter + 1
  local direction, indicator, day = "DEJ", "I1", counter
  if city then
    direction = directions[1 + counter % 5]
    indicator = "I" .. (1 + math.floor(counter / 5) % 3)
    day = math.floor(counter / 15)
  end
  day = tid * 1000000 + day  -- threads never share a day
  local y = 3000 + math.floor(day / 336)  -- 12 months of 28 days
  local m = 1 + math.floor((day % 336) / 28)
  local d = 1 + day % 28
  local body = string.format('{"type":"RecordMeasurement","data":{"direction":"%s","indicator":"%s","date":"%04d-%02d-%02d","value":%d}}', direction, indicator, y, m, d, counter % 100)
  return wrk.format("POST", "/v1/commands", {["Authorization"]="Bearer demo-admin", ["Content-Type"]="application/json"}, body)
end
