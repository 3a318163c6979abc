-- wrk script for bench/rush.py: every request books a ticket with a NIK of its own.
-- Each wrk thread counts in its own block of NIKs (thread number * 1,000,000 + i), starting after
-- the offset given as the first script argument, so runs and warm-ups never reuse a NIK.

local SERVICES = { "KTP", "CAPIL", "LEGAL", "AMBIL", "SANTUNAN" }
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function nik(i)
  -- the same scheme as bench/rush.py's nik(): a valid Tabanan NIK per i
  return string.format("5102%02d0101%02d%04d", math.floor(i / 9999) % 10 + 1, 70 + math.floor(i / 99990) % 30, i % 9999 + 1)
end

function init(args)
  offset = tonumber(args[1] or "0")
  counter = 0
  statuses = {}
  path = args[2] or "/api/v1/offices/tabanan/tickets"
  close = args[3] == "close"  -- a connection per request, as a proxy without kept connections
end

function request()
  local i = offset + id * 1000000 + counter
  counter = counter + 1
  local body = string.format('{"service":"%s","name":"Warga Tabanan","nik":"%s"}', SERVICES[i % 5 + 1], nik(i))
  local headers = {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "rush-" .. i,
  }
  if close then
    headers["Connection"] = "close"
  end
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local by_status = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      by_status[tostring(status)] = (by_status[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do
    table.insert(parts, string.format('"%s":%d', status, n))
  end
  io.write(string.format(
    'RUSH {"duration_us":%d,"requests":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"socket_errors":%d,"statuses":{%s}}\n',
    summary.duration, summary.requests, latency:percentile(50), latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
