-- wrk script for bench/run.py: sends the session cookie (if any) and the header a TLS proxy
-- adds, then prints one machine-readable line with the figures the driver reads.
--   wrk ... -s bench/report.lua <url> -- "<cookie header value or empty>"

function init(args)
  -- The production settings trust X-Forwarded-Proto from the proxy in front: with it, the
  -- request is HTTPS to Django, so SECURE_SSL_REDIRECT and the secure cookies stay on.
  wrk.headers["X-Forwarded-Proto"] = "https"
  if args[1] ~= nil and args[1] ~= "" then
    wrk.headers["Cookie"] = args[1]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
