-- wrk's done callback: the run's figures as one line of JSON, after the
-- marker "wrk-json ", for bench/http/run.py.  Latencies are in microseconds.
-- Errors are wrk's: socket connect, read, write and timeout errors, and
-- "status" for responses other than 2xx and 3xx.

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'wrk-json {"requests": %d, "seconds": %.3f, "requests_per_s": %.1f, '
      .. '"bytes_per_s": %.1f, "p50_us": %d, "p99_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, '
      .. '"timeout": %d, "status": %d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    summary.bytes / seconds, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
