-- wrk: GET BENCH_PATH with the bearer token BENCH_TOKEN (an employee reading their own SKP).
local path = os.getenv("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN")

function request()
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
