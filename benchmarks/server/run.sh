#!/usr/bin/env bash
# Load benchmark of the management server (issue 14): a real load generator (wrk) over loopback against the server in
# Release, over a throwaway PostgreSQL holding about 200 tools (samples/tools + generated ones), signed in with a key.
#
#   benchmarks/server/run.sh            (needs wrk: apt-get install -y wrk; DURATION=20s CONNECTIONS=64 THREADS=2 ROUNDS=3)
#
# The host is benchmarks/server/BenchHost: the server mapped exactly as `toolcatalog serve` maps it, plus the trivial
# endpoint GET /bench/ping ("ok") behind the same sign-in and policy, signed in with a real admin API key (toolcatalog keys create).
# The PostgreSQL server is the CLI's private server (initdb, start, stop: the launcher the tests use) in a temporary
# data folder, stopped and deleted at the end. Endpoints: GET /bench/ping (the baseline), GET /api/v1/tools/systemctl,
# POST /api/v1/select (select.lua; and with "explain": true, select-explain.lua), GET /api/v1/revision, and POST /bench/payload (select.lua's request answered with a
# static body of select's answer's size: what the size of the request and the answer cost by themselves); one the build
# does not have (404 on a probe) is reported as missing, not measured. Rounds alternate the endpoints (the machine's load drifts; a ratio is taken within a round).
# Prints wrk's output for each run and a table: p50/p95/p99, requests/s and the ratio to the baseline's throughput.
set -euo pipefail
duration=${DURATION:-20s}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
rounds=${ROUNDS:-3}
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
BENCH_KEY=$(dotnet "$cli" keys create --name "bench-$$" --role admin | tail -n 1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
ASPNETCORE_URLS="$base" dotnet "$host" > "$work/host.log" 2>&1 &
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
code[explain]=$(probe -X POST -H 'Content-Type: application/json' --data "$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$here/select-explain.lua")" "$base/api/v1/select")
select_bytes=$(curl -s -o /dev/null -w '%{size_download}' -X POST -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' --data "$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$here/select.lua")" "$base/api/v1/select")
code[payload]=$(probe -X POST -H 'Content-Type: application/json' --data '{}' "$base/bench/payload?bytes=$select_bytes")
for path in /bench/ping /api/v1/revision; do echo "== response headers of GET $path"; curl -s -D - -o /dev/null -H "Authorization: Bearer $BENCH_KEY" "$base$path"; done
echo "probe status codes: ping ${code[ping]}, tools/$tool ${code[tool]}, select ${code[select]} ($select_bytes bytes), explain ${code[explain]}, revision ${code[revision]}, payload ${code[payload]}"

# One round measures every endpoint once (20 s each, after a 5 s warm-up), the order rotating from round to round;
# each endpoint's throughput is divided by the same round's /bench/ping, and the table gives medians over the rounds.
declare -a names=(ping)
[ "${code[tool]}" = 200 ] && names+=(tool)
[ "${code[select]}" = 200 ] && names+=(select)
[ "${code[explain]}" = 200 ] && names+=(explain)
names+=(revision)
[ "${code[payload]}" = 200 ] && names+=(payload)
declare -A url=([ping]="$base/bench/ping" [tool]="$base/api/v1/tools/$tool" [select]="$base/api/v1/select" [explain]="$base/api/v1/select" [revision]="$base/api/v1/revision" [payload]="$base/bench/payload?bytes=$select_bytes")
declare -A script=([ping]=get.lua [tool]=get.lua [select]=select.lua [explain]=select-explain.lua [revision]=get.lua [payload]=select.lua)
declare -A p50 p95 p99 rps ratio

ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }' <<< "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {printf "%.2f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for ((r = 0; r < rounds; r++)); do
  declare -A round_rps=()
  for ((i = 0; i < ${#names[@]}; i++)); do
    name=${names[$(( (i + r) % ${#names[@]} ))]}
    wrk -t"$threads" -c"$connections" -d5s -s "$here/${script[$name]}" "${url[$name]}" > /dev/null
    out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/${script[$name]}" "${url[$name]}")
    echo "== round $((r + 1)), $name: ${url[$name]}"
    echo "$out"
    if grep -q "Non-2xx or 3xx responses" <<< "$out"; then echo "warning: $name had non-2xx responses" >&2; fi
    p50[$name]+=" $(ms "$(awk '$1 == "50%" {print $2}' <<< "$out")")"
    p95[$name]+=" $(ms "$(awk '$1 == "p95" {print $2}' <<< "$out")")"
    p99[$name]+=" $(ms "$(awk '$1 == "99%" {print $2}' <<< "$out")")"
    round_rps[$name]=$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")
    rps[$name]+=" ${round_rps[$name]}"
  done
  for name in "${names[@]}"; do
    ratio[$name]+=" $(awk -v a="${round_rps[$name]}" -v b="${round_rps[ping]}" 'BEGIN { printf "%.2f", a / b }')"
  done
done

echo
echo "| endpoint ($connections connections, $threads threads, $duration, median of $rounds rounds) | p50 | p95 | p99 | requests/s | ÷ /bench/ping throughput (each round) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for name in ping tool select explain revision payload; do
  if [ -z "${rps[$name]:-}" ]; then echo "| $name | (not in this build: the probe answered ${code[$name]}) | | | | |"; continue; fi
  # shellcheck disable=SC2086 # the figures are space-separated lists
  printf '| %s | %s ms | %s ms | %s ms | %.0f | %s (%s) |\n' "$name" "$(median ${p50[$name]})" "$(median ${p95[$name]})" "$(median ${p99[$name]})" \
    "$(median ${rps[$name]})" "$(median ${ratio[$name]})" "$(echo ${ratio[$name]} | tr ' ' ',')"
done
