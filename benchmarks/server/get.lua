-- A GET signed in with the bench key (wrk's -H would do too; a script keeps the key out of the process list).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")

-- wrk --latency prints the 50/75/90/99 % latencies; run.sh also wants the 95th.
function done(summary, latency, requests)
  io.write(string.format("p95 %.2fms\n", latency:percentile(95) / 1000))
end
