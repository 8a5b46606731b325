-- wrk's summary as one JSON line (requests, errors, p50/p99), for bench_surge.py to read.
-- With WRK_BODIES set, each request POSTs the next line of that file, each wrk thread taking
-- its own share of the lines, so that no body is ever sent twice; WRK_COOKIE is sent with it.
-- A line is "client address<TAB>urlencoded body": the address goes in X-Forwarded-For, as a
-- reverse proxy would send it, so that each request comes from a network of its own.

local threads_seen = 0

function setup(thread)
  thread:set("thread_id", threads_seen)
  threads_seen = threads_seen + 1
end

function init(args)
  bodies = {}
  next_body = 0
  local file = os.getenv("WRK_BODIES")
  if file == nil or file == "" then
    return
  end
  local threads = tonumber(os.getenv("WRK_THREADS"))
  local line_number = 0
  for line in io.lines(file) do
    if line_number % threads == thread_id then
      local address, body = line:match("^([^\t]*)\t(.*)$")
      bodies[#bodies + 1] = {address, body}
    end
    line_number = line_number + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  local cookie = os.getenv("WRK_COOKIE")
  if cookie ~= nil and cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
end

function request()
  if #bodies == 0 then
    return wrk.format(nil, nil)
  end
  next_body = next_body + 1
  if next_body > #bodies then
    -- Out of bodies: an empty form, which the site refuses (counted as an error), rather
    -- than a body sent twice.
    return wrk.format(nil, nil, nil, "")
  end
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["X-Forwarded-For"] = bodies[next_body][1]
  return wrk.format(nil, nil, headers, bodies[next_body][2])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
      .. '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
