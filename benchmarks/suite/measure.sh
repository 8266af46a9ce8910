#!/usr/bin/env bash
# Measures the test suite of two built trees side by side, alternately (A, B, A, B, ...), and prints a table of ratios.
# Build each tree first (`dotnet build -v q` in it); nothing is built here (except by `all`). Every run is the README's
# command with --no-build; its TRX files are kept per run, and the wall time, the CPU seconds of the run (dotnet test
# and the test hosts, from rusage; and, where a cpuacct cgroup can be made, of every process the run started, the
# PostgreSQL servers included) and the load average are recorded.
#
#   benchmarks/suite/measure.sh all [ROUNDS]
#       # the one command for a quiet machine: clones this repository's `main` (MAIN_REF) and 6057e24 (OLD_REF) next
#       # to it (BASE_TREE, OLD_TREE: default /tmp/suite-main, /tmp/suite-old; reused as they are when they exist), builds the
#       # three trees, then runs `suite` (main against this tree), `same` and `subset` (6057e24 against this tree, one after
#       # the other, then TOGETHER=1), ROUNDS each (default 2)
#   benchmarks/suite/measure.sh suite  A_TREE B_TREE [ROUNDS]   # `dotnet test --no-build` in each tree, alternately
#   benchmarks/suite/measure.sh same OLD_TREE NEW_TREE [ROUNDS]
#       # as `subset`, but NEW_TREE runs exactly OLD_TREE's test cases, by full name with arguments (exact_filter.py:
#       # NUnit filters in runsettings files), no new cases of old methods: the same tests, old code against new
#   benchmarks/suite/measure.sh subset OLD_TREE NEW_TREE [ROUNDS]
#       # only the tests OLD_TREE has, in both trees, alternately: each tree's test assemblies started together
#       # (`dotnet test DLL` each, in the background); in NEW_TREE with a filter naming the old tree's test methods
#       # by class and method (old_test_filter.py, from OLD_TREE's source; new cases of an old parameterised method
#       # run too: the script prints how many tests that adds). TOGETHER=1 runs the two trees at the same moment
#       # instead of one after the other (fairer on a machine whose load changes by the minute).
#
# BEFORE_RUN, when set, is a command run (untimed) before each run. ROUNDS defaults to 2. Results: $OUT (default /tmp/suite-measure-<time>): one folder per run with its TRX files and
# log, and results.tsv. benchmarks/suite/trx_report.py summary FOLDER prints a run's per-project and per-fixture walls.
set -euo pipefail

if [ "${1:-}" = all ]; then
  rounds=${2:-2}
  self=$(cd "$(dirname "$0")/../.." && pwd)
  base=${BASE_TREE:-/tmp/suite-main}
  old=${OLD_TREE:-/tmp/suite-old}
  stamp=$(date +%Y%m%d-%H%M%S)
  for pair in "$base ${MAIN_REF:-main}" "$old ${OLD_REF:-6057e24}"; do
    set -- $pair
    if [ ! -d "$1/.git" ]; then
      git clone -q "$self" "$1"
      git -C "$1" checkout -q "$2"
    fi
  done
  for tree in "$self" "$base" "$old"; do
    echo "== building $tree"
    (cd "$tree" && dotnet build -v q -nologo) > /dev/null
  done
  OUT=/tmp/suite-measure-$stamp-suite "$0" suite "$base" "$self" "$rounds"
  OUT=/tmp/suite-measure-$stamp-same "$0" same "$old" "$self" "$rounds"
  OUT=/tmp/suite-measure-$stamp-subset "$0" subset "$old" "$self" "$rounds"
  TOGETHER=1 OUT=/tmp/suite-measure-$stamp-subset-together "$0" subset "$old" "$self" "$rounds"
  exit 0
fi

mode=${1:?usage: measure.sh all [ROUNDS] | suite|subset|same A_TREE B_TREE [ROUNDS]}
a=$(cd "${2:?first tree}" && pwd)
b=$(cd "${3:?second tree}" && pwd)
rounds=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/suite-measure-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo -e "run\ttree\tcommit\tload_before\twall_s\tcpu_s\tcpu_all_s\ttests\tpassed\tfailed" > "$out/results.tsv"
cgroups=${CGROUP_CPUACCT:-/sys/fs/cgroup/cpuacct}

# Runs "$@" in folder $1, timing it; records a results.tsv row for run label $2.
timed() {
  local tree=$1 label=$2; shift 2
  local dir="$out/$label" load start end cpu
  mkdir -p "$dir"
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "== $label ($tree @ $(git -C "$tree" rev-parse --short HEAD)) load $load: $*"
  rm -rf "$tree/TestResults"
  # BEFORE_RUN: a command run before each run, untimed (e.g. removing the test processes' shared copy source, so that
  # every run starts as on a fresh machine: BEFORE_RUN='rm -rf /dev/shm/toolcatalog-tests-*/toolcatalog-testsource-*').
  [ -z "${BEFORE_RUN:-}" ] || bash -c "$BEFORE_RUN"
  # A cpuacct cgroup of the run's own (cgroup v1, when writable): its CPU time counts every process the run starts,
  # the PostgreSQL servers included (they detach from dotnet test, so rusage misses them).
  local group=""
  if [ -w "$cgroups" ]; then
    group="$cgroups/suite-measure-$$-$label"
    mkdir -p "$group"
  fi
  start=$(date +%s.%N)
  (cd "$tree" && { [ -z "$group" ] || echo $BASHPID > "$group/cgroup.procs"; } && /usr/bin/time -f '%U %S' -o "$dir/cpu" "$@") > "$dir/log" 2>&1 || echo "   (exit status $?: see $dir/log)"
  end=$(date +%s.%N)
  local all_cpu="?"
  if [ -n "$group" ]; then
    all_cpu=$(awk '{ printf "%.0f", $1 / 1e9 }' "$group/cpuacct.usage")
    # Left-over processes (none expected) go back to the root group so that the group can be removed.
    while read -r pid; do echo "$pid" > "$cgroups/cgroup.procs" 2>/dev/null || true; done < "$group/cgroup.procs"
    rmdir "$group" 2>/dev/null || true
  fi
  cp "$tree"/TestResults/*.trx "$dir/" 2>/dev/null || true
  cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$dir/cpu" 2>/dev/null || echo "?")
  local counts
  counts=$(python3 - "$dir" <<'PY'
import sys, re, pathlib
t = p = f = 0
for trx in pathlib.Path(sys.argv[1]).glob("*.trx"):
    c = re.search(r"<Counters [^>]*>", trx.read_text())
    if c:
        get = lambda k: int(re.search(k + r'="(\d+)"', c.group(0)).group(1))
        t += get("total"); p += get("passed"); f += get("failed") + get("error") + get("timeout") + get("aborted")
print(f"{t}\t{p}\t{f}")
PY
)
  local wall
  wall=$(echo "$end - $start" | bc)
  printf '%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\n' "$label" "$tree" "$(git -C "$tree" rev-parse --short HEAD)" "$load" "$wall" "$cpu" "$all_cpu" "$counts" >> "$out/results.tsv"
  printf '   wall %.1f s, CPU %s s (with PostgreSQL: %s s), tests/passed/failed %s\n' "$wall" "$cpu" "$all_cpu" "$(echo "$counts" | tr '\t' /)"
  python3 "$here/trx_report.py" summary "$dir" 3 | sed 's/^/   /'
}

# The test assemblies of a built tree (Debug), one a line.
assemblies() {
  local project name
  for project in "$1"/tests/*/; do
    name=$(basename "$project")
    [ -f "$project$name.csproj" ] && ls "$project"bin/Debug/net*/"$name.dll" 2>/dev/null
  done
  return 0
}

# Runs the assemblies named on stdin together (filter file $3 or none), writing TRX files to $1/TestResults.
run_assemblies() {
  local tree=$1 filter_file=$2 pids=() dll name filter=()
  while read -r dll; do
    name=$(basename "$dll" .dll)
    filter=()
    if [ -n "$filter_file" ] && [ -s "$filter_file.$name.runsettings" ]; then
      filter=(--settings "$filter_file.$name.runsettings")
    elif [ -n "$filter_file" ]; then
      [ -s "$filter_file.$name" ] || continue
      filter=(--filter "$(cat "$filter_file.$name")")
    fi
    # A DLL run reads no project's RunSettingsFilePath: give it the tree's default run settings (its test hosts'
    # environment), unless a runsettings filter (which carries them, exact_filter.py) was given.
    if [ "${filter[0]:-}" != --settings ] && [ -f "$tree/tests/test.runsettings" ]; then
      filter+=(--settings "$tree/tests/test.runsettings")
    fi
    dotnet test "$dll" "${filter[@]}" --logger "trx;LogFileName=$name.trx" --results-directory "$tree/TestResults" &
    pids+=($!)
  done
  local status=0
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  return $status
}
export -f run_assemblies assemblies

case "$mode" in
  suite)
    for r in $(seq 1 "$rounds"); do
      timed "$a" "r$r-a" dotnet test --no-build
      timed "$b" "r$r-b" dotnet test --no-build
    done
    ;;
  subset|same)
    if [ "$mode" = same ]; then
      # The old tree's test cases by exact name (Class.Method(arguments)), as NUnit filters in runsettings files.
      python3 "$here/exact_filter.py" "$a" "$out/filter" "$b/tests/test.runsettings"
    else
      # The old tree's test methods, read from its source: one filter per test project (Class.Method, "contains").
      python3 "$here/old_test_filter.py" "$a" "$out/filter"
    fi
    for r in $(seq 1 "$rounds"); do
      if [ "${TOGETHER:-0}" = 1 ]; then
        # Both trees at the same moment: on a machine whose load changes by the minute, each gets the same share.
        timed "$a" "r$r-old-suite-a" bash -c "assemblies '$a' | run_assemblies '$a' ''" &
        timed "$b" "r$r-old-suite-b" bash -c "assemblies '$b' | run_assemblies '$b' '$out/filter'" &
        wait
      else
        timed "$a" "r$r-old-suite-a" bash -c "assemblies '$a' | run_assemblies '$a' ''"
        timed "$b" "r$r-old-suite-b" bash -c "assemblies '$b' | run_assemblies '$b' '$out/filter'"
      fi
    done
    # What the filter selected in the new tree, against the names the old tree ran.
    python3 "$here/trx_report.py" names "$out/r1-old-suite-a" > "$out/old-tests.tsv"
    python3 "$here/trx_report.py" names "$out/r1-old-suite-b" > "$out/new-selected.tsv"
    python3 - "$out/old-tests.tsv" "$out/new-selected.tsv" <<'PY'
import sys
old = {l.rstrip("\n").split("\t")[1] for l in open(sys.argv[1])}
new = {l.rstrip("\n").split("\t")[1] for l in open(sys.argv[2])}
print(f"   old tree: {len(old)} tests; run in the new tree: {len(new)}: {len(new & old)} by the same name, "
      f"{len(new - old)} more (new cases of an old method, or a name containing an old one); "
      f"{len(old - new)} old names not in the new tree (renamed or removed)")
PY
    ;;
  *) echo "usage: measure.sh suite|subset|same A_TREE B_TREE [ROUNDS]" >&2; exit 2 ;;
esac

echo
column -t -s $'\t' "$out/results.tsv"
echo "results: $out"
