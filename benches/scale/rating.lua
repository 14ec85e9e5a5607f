-- wrk: each connection submits citizen ratings, each with a ticket of its own (tickets.py made
-- them: bench-{set}-{thread}-{n}). BENCH_SET names the set.
local set = os.getenv("BENCH_SET") or "x"
local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  scores = '{"persyaratan":4,"prosedur":4,"waktu_penyelesaian":3,"biaya_tarif":4,"produk_layanan":4,' ..
           '"kompetensi_pelaksana":4,"perilaku_pelaksana":4,"penanganan_pengaduan":3,"sarana_prasarana":4}'
end

function request()
  local token = string.format("bench-%s-%d-%d", set, id, counter)
  counter = counter + 1
  local body = '{"ticket":"' .. token .. '","scores":' .. scores .. '}'
  return wrk.format("POST", "/api/v1/public/citizen-ratings", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
