#!/usr/bin/env bash
# End-to-end timing of `toolcatalog import` of the original corpus (223 files, 184 tools) against `toolcatalog validate`
# of the same folder (reading and validating only: the baseline), alternating in one shell, each round on a fresh
# private server that is already running (so server start-up is not counted): first import (184 new tools, one
# transaction), the same import again (everything unchanged: nothing written), and a dry run.
#
#   benchmarks/cli/import-timing.sh [rounds]        (default 3; needs ../shared/compat next to the repository)
set -euo pipefail
rounds=${1:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
corpus="$repo/../shared/compat/opsconductor-ng/tools"
dotnet build -c Release "$repo/src/OpsConductor.ToolCatalog.Cli" -nologo -v q > /dev/null
cli="$repo/src/OpsConductor.ToolCatalog.Cli/bin/Release/net10.0/toolcatalog.dll"
work=$(mktemp -d /tmp/toolcatalog-import-XXXXXX)
chmod 755 "$work"
cleanup() {
  for d in "$work"/round*; do [ -d "$d/pg" ] && TOOLCATALOG_DATA_DIR="$d" dotnet "$cli" db stop > /dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ms() { local start end; start=$(date +%s%N); "$@" > /dev/null 2>&1 || true; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

declare -a validate dry first again
for ((r = 1; r <= rounds; r++)); do
  export TOOLCATALOG_DATA_DIR="$work/round$r"
  dotnet "$cli" db start > /dev/null 2>&1
  validate+=("$(ms dotnet "$cli" validate "$corpus")")
  dry+=("$(ms dotnet "$cli" import --dry-run "$corpus")")
  first+=("$(ms dotnet "$cli" import "$corpus")")
  again+=("$(ms dotnet "$cli" import "$corpus")")
  dotnet "$cli" db stop > /dev/null
  echo "round $r: validate ${validate[-1]} ms, dry run ${dry[-1]} ms, import ${first[-1]} ms, again ${again[-1]} ms"
done

base=$(median "${validate[@]}")
row() { local m; m=$(median "${@:2}"); awk -v n="$1" -v m="$m" -v b="$base" 'BEGIN { printf "| %s | %d ms | %.2f× |\n", n, m, m / b }'; }
echo
echo "| command on the corpus folder (median of $rounds) | time | ÷ validate |"
echo "| --- | ---: | ---: |"
row "toolcatalog validate (read + validate 223 files; baseline)" "${validate[@]}"
row "toolcatalog import --dry-run (+ connect, migrate check, plan)" "${dry[@]}"
row "toolcatalog import, empty catalog (+ write 184 tools in one transaction)" "${first[@]}"
row "toolcatalog import again (all unchanged: nothing written)" "${again[@]}"
