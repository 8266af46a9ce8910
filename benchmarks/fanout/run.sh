#!/usr/bin/env bash
# The fan-out measurement of issue 20 (docs/benchmarks.md "Fan-out of changes"), re-runnable in under 3 minutes on a
# quiet 2-core machine: one server replica, 1,000 lightweight SSE followers in 2 processes of their own, 50
# ToolCatalogRuntime followers over HTTP, 50 on PostgreSQL directly; 20 warm-up and 50 measured commits per phase.
# Prints the machine's load before and after: figures taken while other work runs are inflated.
#
#   benchmarks/fanout/run.sh [--no-build] [FanoutBench options, e.g. --followers 2000 --follower-processes 4]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=(--configuration Release)
if [[ "${1:-}" == "--no-build" ]]; then
  build+=(--no-build)
  shift
fi

echo "load before: $(uptime)"
# The first occurrence of an option wins, so the caller's come first.
dotnet run "${build[@]}" --project benchmarks/fanout/FanoutBench -- "$@" \
  --followers 1000 --follower-processes 2 --runtimes 50 --direct 50 --changes 50 --warmup 20
echo "load after:  $(uptime)"
