-- wrk script for the Haltung benchmark (bench/load.py writes the request files).
--
--   wrk -t T -c C -d D -s bench/lua/requests.lua URL -- FILE MODE T EXPECTED
--
-- FILE has one request per line: METHOD <tab> PATH <tab> SESSION <tab> BODY <tab> ACCEPT ("-" = none).
-- MODE "cycle" repeats the lines (thread i starting at line i/T of them); MODE "once" gives thread i lines
-- i, i+T, i+2T, ... and sends each once (for requests that change state for good, such as submitting an
-- attempt), then the floor page, counted as "overflow", until wrk's duration ends. Every answer whose status is not EXPECTED counts as unexpected.
-- done() prints one JSON line with the counts and the latency percentiles (wrk's own summary has no p95).

local CSRF = "benchcsrftoken0123456789abcdefgh" -- 32 characters: an unmasked CSRF secret

local threads = {}
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
  table.insert(threads, thread)
end

local rows = {}
local index = 0
local mode = "cycle"
local expected = 200
unexpected = 0
overflow = 0
last_bad = 0

local function split(line)
  local fields = {}
  for field in string.gmatch(line .. "\t", "([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local file, count = args[1], tonumber(args[3])
  mode = args[2]
  expected = tonumber(args[4])
  local n = 0
  for line in io.lines(file) do
    -- "once": each thread its own share of the lines; "cycle": every thread all lines, from its own offset.
    if mode == "cycle" or n % count == id then
      local f = split(line)
      local headers = {}
      local body = nil
      if f[3] ~= "-" then
        headers["Cookie"] = "sessionid=" .. f[3] .. "; csrftoken=" .. CSRF
      else
        headers["Cookie"] = "csrftoken=" .. CSRF
      end
      if f[1] == "POST" then
        headers["X-CSRFToken"] = CSRF
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        if f[4] ~= "-" then body = f[4] else body = "" end
      end
      if f[5] ~= "-" then headers["Accept"] = f[5] end
      table.insert(rows, wrk.format(f[1], f[2], headers, body))
    end
    n = n + 1
  end
  floor = wrk.format("GET", "/bench/floor/")
  if mode == "cycle" then
    index = math.floor(#rows * id / count)
  end
end

local sent_overflow = false

function request()
  index = index + 1
  if index > #rows then
    if mode == "once" then
      sent_overflow = true
      return floor
    end
    index = 1
  end
  return rows[index]
end

function response(status, headers, body)
  if mode == "once" and index > #rows and sent_overflow then
    overflow = overflow + 1
    return
  end
  if status ~= expected then
    unexpected = unexpected + 1
    last_bad = status
  end
end

function done(summary, latency, requests)
  local bad, extra, last = 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    extra = extra + thread:get("overflow")
    local status = thread:get("last_bad")
    if status ~= 0 then last = status end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "unexpected": %d, "last_unexpected_status": %d, "overflow": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    bad, last, extra,
    latency:percentile(50.0), latency:percentile(90.0), latency:percentile(95.0), latency:percentile(99.0),
    latency.max, latency.mean))
end
