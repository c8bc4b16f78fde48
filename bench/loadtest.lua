-- wrk script for `make loadtest`: rotates over the paths listed in a file (args[1]),
-- sends every Nth request (args[2], 0 = never) with a cookie so the response cache
-- steps aside, counts answers by status class, and prints one JSON line at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  uncached_every = tonumber(args[2]) or 0
  i = math.random(#paths)
  n = 0
  s2, s3, s4, s5 = 0, 0, 0, 0
end

function request()
  i = i % #paths + 1
  n = n + 1
  local headers = {}
  if uncached_every > 0 and n % uncached_every == 0 then
    headers["Cookie"] = "csrftoken=" .. string.rep("b", 32)
  end
  return wrk.format("GET", paths[i], headers)
end

function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

function done(summary, latency, requests)
  local c = { s2 = 0, s3 = 0, s4 = 0, s5 = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(c) do c[key] = c[key] + (thread:get(key) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "status_2xx": %d, "status_3xx": %d, "status_4xx": %d, '
      .. '"status_5xx": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    c.s2, c.s3, c.s4, c.s5, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
