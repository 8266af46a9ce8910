#!/usr/bin/env bash
# Runs the library and CLI test projects of a built TREE at the same moment (as `dotnet test` runs two projects), each
# with the run settings PREFIX.<project>.runsettings (exact_filter.py writes them: the test cases of another tree), and
# prints their summaries. For A/B pairs of two builds on the same tests, under cpu.sh:
#
#   python3 benchmarks/suite/exact_filter.py /work/suite-old /tmp/f tests/test.runsettings
#   benchmarks/suite/cpu.sh before benchmarks/suite/together.sh /work/before /tmp/f
#   benchmarks/suite/cpu.sh after benchmarks/suite/together.sh /work/main /tmp/f      # alternately, three times each
set -uo pipefail
tree=${1:?usage: together.sh TREE PREFIX}; prefix=${2:?usage: together.sh TREE PREFIX}
status=0
pids=()
for project in OpsConductor.ToolCatalog.Tests OpsConductor.ToolCatalog.Cli.Tests; do
  dotnet test "$tree/tests/$project/bin/Debug/net10.0/$project.dll" --settings "$prefix.$project.runsettings" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
exit $status
