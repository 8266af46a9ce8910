#!/usr/bin/env bash
# Runs one command and prints its wall time and the CPU seconds of every process it started (PostgreSQL servers
# included), from a cpuacct cgroup of its own (cgroup v1, needs write access to /sys/fs/cgroup/cpuacct, e.g. root).
# For A/B pairs of one test project: run the two variants alternately, three times each.
#
#   benchmarks/suite/cpu.sh LABEL COMMAND...     # e.g. cpu.sh base dotnet test --no-build tests/OpsConductor.ToolCatalog.Tests
#
# The command's output goes to /tmp/cpu-LABEL.log; the line printed is: LABEL, wall s, CPU s, the test summary.
set -euo pipefail
label=${1:?usage: cpu.sh LABEL COMMAND...}; shift
root=${CGROUP_CPUACCT:-/sys/fs/cgroup/cpuacct}
group="$root/suite-cpu-$$"
mkdir -p "$group"
start=$(date +%s.%N)
status=0
( echo $BASHPID > "$group/cgroup.procs"; exec "$@" ) > "/tmp/cpu-$label.log" 2>&1 || status=$?
end=$(date +%s.%N)
cpu=$(awk '{ printf "%.1f", $1 / 1e9 }' "$group/cpuacct.usage")
while read -r pid; do echo "$pid" > "$root/cgroup.procs" 2>/dev/null || true; done < "$group/cgroup.procs"
rmdir "$group" 2>/dev/null || true
printf '%s\twall %.1f\tcpu %s\t%s\n' "$label" "$(echo "$end - $start" | bc)" "$cpu" \
  "$(grep -E 'Passed!|Failed!' "/tmp/cpu-$label.log" | sed 's/, Duration.*//' | tr -s ' ' | tr '\n' ' ')"
exit $status
