#!/usr/bin/env bash
# Load benchmark of the management server (issue 14): a real load generator (wrk) over loopback against the server in
# Release, over a throwaway PostgreSQL holding about 200 tools (samples/tools + generated ones), signed in with a key.
#
#   benchmarks/server/run.sh            (needs wrk: apt-get install -y wrk; DURATION=20s CONNECTIONS=64 THREADS=2)
#
# The host is benchmarks/server/BenchHost: the server mapped exactly as `toolcatalog serve` maps it, plus the trivial
# endpoint GET /bench/ping ("ok") behind the same sign-in and policy, and a bench-only sign-in (one key from $BENCH_KEY).
# The PostgreSQL server is the CLI's private server (initdb, start, stop: the launcher the tests use) in a temporary
# data folder, stopped and deleted at the end. Each endpoint gets a warm-up run (5 s), then the measured run:
#   GET /bench/ping (baseline), GET /api/v1/tools/systemctl, POST /api/v1/select (select.lua), GET /api/v1/revision.
# An endpoint the build does not have (404 on a probe) is reported as missing, not measured.
# GET /bench/ping is measured first and again last; the ratio is to the mean of its two throughputs.
# Prints wrk's latency distribution for each and a table: p50/p95/p99, requests/s and the ratio to the baseline's.
set -euo pipefail
duration=${DURATION:-20s}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/benchmarks/server"
command -v wrk > /dev/null || { echo "error: wrk is not installed (apt-get install -y wrk)." >&2; exit 2; }

dotnet build -c Release "$repo/src/OpsConductor.ToolCatalog.Cli" -nologo -v q > /dev/null
dotnet build -c Release "$here/BenchHost" -nologo -v q > /dev/null
cli="$repo/src/OpsConductor.ToolCatalog.Cli/bin/Release/net10.0/toolcatalog.dll"
host="$here/BenchHost/bin/Release/net10.0/BenchHost.dll"

work=$(mktemp -d /tmp/toolcatalog-server-bench-XXXXXX)
chmod 755 "$work"   # the private server's account (postgres/nobody when run as root) must get through
export TOOLCATALOG_DATA_DIR="$work/data"
host_pid=""
cleanup() {
  if [ -n "$host_pid" ]; then kill "$host_pid" 2> /dev/null || true; wait "$host_pid" 2> /dev/null || true; fi
  dotnet "$cli" db stop > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet "$cli" db start > /dev/null
export ConnectionStrings__ToolCatalog
ConnectionStrings__ToolCatalog=$(dotnet "$cli" db status --show-secret --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["connection"])')
BENCH_SAMPLES="$repo/samples/tools" dotnet "$host" --seed

export BENCH_KEY
BENCH_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
ASPNETCORE_URLS="$base" DOTNET_gcServer=1 dotnet "$host" > "$work/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 120); do
  curl -fs "$base/health/ready" > /dev/null 2>&1 && break
  kill -0 "$host_pid" 2> /dev/null || { cat "$work/host.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs "$base/health/ready" > /dev/null

tool=systemctl
probe() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BENCH_KEY" "$@"; }
declare -A code
code[ping]=$(probe "$base/bench/ping")
code[tool]=$(probe "$base/api/v1/tools/$tool")
code[select]=$(probe -X POST -H 'Content-Type: application/json' --data "$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$here/select.lua")" "$base/api/v1/select")
code[revision]=$(probe "$base/api/v1/revision")
echo "probe status codes: ping ${code[ping]}, tools/$tool ${code[tool]}, select ${code[select]}, revision ${code[revision]}"

declare -A p50 p95 p99 rps
measure() { # name url script
  local name=$1 url=$2 script=$3 out
  wrk -t"$threads" -c"$connections" -d5s -s "$here/$script" "$url" > /dev/null
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/$script" "$url")
  echo "== $name: $url"
  echo "$out"
  p50[$name]=$(awk '$1 == "50%" {print $2}' <<< "$out")
  p95[$name]=$(wrk_p95 "$out")
  p99[$name]=$(awk '$1 == "99%" {print $2}' <<< "$out")
  rps[$name]=$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")
  if grep -q "Non-2xx or 3xx responses" <<< "$out"; then echo "warning: $name had non-2xx responses" >&2; fi
}
# wrk --latency prints 50/75/90/99 %; p95 comes from the done() hook of the script (WRK_P95 line).
wrk_p95() { awk '$1 == "p95" {print $2}' <<< "$1"; }

measure ping "$base/bench/ping" get.lua
[ "${code[tool]}" = 200 ] && measure tool "$base/api/v1/tools/$tool" get.lua
[ "${code[select]}" = 200 ] && measure select "$base/api/v1/select" select.lua
measure revision "$base/api/v1/revision" get.lua
measure ping_again "$base/bench/ping" get.lua   # the baseline again, last: the machine's load drifts during a run

echo
echo "| endpoint ($connections connections, $threads threads, $duration) | p50 | p95 | p99 | requests/s | ÷ /bench/ping throughput |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
baseline=$(awk -v a="${rps[ping]}" -v b="${rps[ping_again]}" 'BEGIN { print (a + b) / 2 }')
for name in ping tool select revision ping_again; do
  if [ -z "${rps[$name]:-}" ]; then echo "| $name | (not in this build: probe answered ${code[$name]}) | | | | |"; continue; fi
  awk -v n="$name" -v a="${p50[$name]}" -v b="${p95[$name]}" -v c="${p99[$name]}" -v r="${rps[$name]}" -v base="$baseline" \
    'BEGIN { printf "| %s | %s | %s | %s | %.0f | %.2f |\n", n, a, b, c, r, r / base }'
done
