-- POST /api/v1/select with select.lua's request and "explain": true (each score's features and the explanation text).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.body = '{"capabilities":["service_control"],"variables":{"N":40},"mode":"fast","environment":"production","explain":true}'

-- wrk --latency prints the 50/75/90/99 % latencies; run.sh also wants the 95th.
function done(summary, latency, requests)
  io.write(string.format("p95 %.2fms\n", latency:percentile(95) / 1000))
end
