-- wrk script for bench/run.py: each request goes to the next of a list of targets (a path and
-- the session cookie of the person asking), so that the load comes from many people, each
-- with their own data; then one machine-readable line with the figures the driver reads.
--   wrk ... -s bench/report.lua <url> -- <targets file>
-- The targets file has one "path<TAB>cookie header" line per target (cookie empty for a
-- visitor). Each wrk thread starts at a different place in the list.

local requests = {}
local next_index = 1
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  local headers = {
    -- The production settings trust X-Forwarded-Proto from the proxy in front: with it, the
    -- request is HTTPS to Django, so SECURE_SSL_REDIRECT and the secure cookies stay on.
    ["X-Forwarded-Proto"] = "https",
  }
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t?(.*)$")
    if path ~= nil and path ~= "" then
      local h = {}
      for k, v in pairs(headers) do h[k] = v end
      if cookie ~= nil and cookie ~= "" then h["Cookie"] = cookie end
      requests[#requests + 1] = wrk.format("GET", path, h)
    end
  end
  if #requests == 0 then
    error("no targets in " .. args[1])
  end
  -- Threads start apart from one another in the list.
  next_index = ((id or 1) - 1) * 7919 % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function done(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
