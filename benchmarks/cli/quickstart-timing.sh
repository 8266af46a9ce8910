#!/usr/bin/env bash
# End-to-end timing of `toolcatalog quickstart` (issue 7): the first run on a fresh data folder (initdb, server start,
# schema, sample import, selection) against later runs (server reused), a run after `db stop` (server restarted), and
# `toolcatalog --help` as the baseline (process start and runtime load: the floor of any command). Runs alternate in
# one shell, round after round, each round with its own private server; medians are printed with their ratio to the
# baseline. Nothing is left behind: each round's server is stopped and its folder deleted.
#
#   benchmarks/cli/quickstart-timing.sh [rounds]        (default 3; Release build of the CLI first)
set -euo pipefail
rounds=${1:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
dotnet build -c Release "$repo/src/OpsConductor.ToolCatalog.Cli" -nologo -v q > /dev/null
cli="$repo/src/OpsConductor.ToolCatalog.Cli/bin/Release/net10.0/toolcatalog.dll"
work=$(mktemp -d /tmp/toolcatalog-quickstart-XXXXXX)
chmod 755 "$work"   # the private server's account (postgres/nobody when run as root) must get through
cleanup() {
  for d in "$work"/round*; do [ -d "$d/pg" ] && TOOLCATALOG_DATA_DIR="$d" dotnet "$cli" db stop > /dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ms() { local start end; start=$(date +%s%N); "$@" > /dev/null 2>&1; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

declare -a help first second third restarted
for ((r = 1; r <= rounds; r++)); do
  export TOOLCATALOG_DATA_DIR="$work/round$r"
  help+=("$(ms dotnet "$cli" --help)")
  first+=("$(ms dotnet "$cli" quickstart)")
  second+=("$(ms dotnet "$cli" quickstart)")
  third+=("$(ms dotnet "$cli" quickstart)")
  dotnet "$cli" db stop > /dev/null
  restarted+=("$(ms dotnet "$cli" quickstart)")
  dotnet "$cli" db stop > /dev/null
  echo "round $r: --help ${help[-1]} ms, first ${first[-1]} ms, second ${second[-1]} ms, third ${third[-1]} ms, after db stop ${restarted[-1]} ms"
done

base=$(median "${help[@]}")
row() { local m; m=$(median "${@:2}"); awk -v n="$1" -v m="$m" -v b="$base" 'BEGIN { printf "| %s | %d ms | %.1f× |\n", n, m, m / b }'; }
echo
echo "| run (median of $rounds) | time | ÷ --help |"
echo "| --- | ---: | ---: |"
row "toolcatalog --help (baseline)" "${help[@]}"
row "quickstart, first run (initdb, start, schema, import 29 tools, select)" "${first[@]}"
row "quickstart, second run (server reused, nothing imported)" "${second[@]}"
row "quickstart, third run" "${third[@]}"
row "quickstart after db stop (server restarted)" "${restarted[@]}"
