-- POST /api/v1/select with a fixed selection request (the body of docs/api.md's select example: the quickstart's
-- "restart or check a service on 40 production hosts, fastest first"), signed in with the bench key.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
wrk.body = '{"capabilities":["service_control"],"variables":{"N":40},"mode":"fast","environment":"production"}'

-- wrk --latency prints the 50/75/90/99 % latencies; run.sh also wants the 95th.
function done(summary, latency, requests)
  io.write(string.format("p95 %.2fms\n", latency:percentile(95) / 1000))
end
