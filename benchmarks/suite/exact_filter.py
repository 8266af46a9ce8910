#!/usr/bin/env python3
"""Writes, for each test assembly of OLD_TREE (built), a runsettings file whose NUnit filter names every one of its
test cases exactly (`test == "Namespace.Class.Method(arguments)"`, joined by `||`), to PREFIX.<assembly>.runsettings, so
that another tree runs the same test cases and no others (`dotnet test DLL --settings FILE`; a case whose name changed
since does not run, unless RENAMED below maps it to its new name: the script prints how many names the old tree has, and trx_report.py names of the new run shows how
many ran). The names come from `dotnet vstest --ListFullyQualifiedTests`. With BASE_SETTINGS (the runsettings file the
other tree's `dotnet test` uses by default, e.g. NEW_TREE/tests/test.runsettings), its RunConfiguration is copied in, so
that `--settings FILE` (which replaces the default file) runs the test hosts as `dotnet test` would.

  exact_filter.py OLD_TREE PREFIX [BASE_SETTINGS]
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape as xml

tree, prefix = Path(sys.argv[1]), sys.argv[2]
base = Path(sys.argv[3]) if len(sys.argv) > 3 and Path(sys.argv[3]).exists() else None
run_configuration = ""
if base:
    found = re.search(r"<RunConfiguration>.*?</RunConfiguration>", re.sub(r"<!--.*?-->", "", base.read_text(encoding="utf-8"), flags=re.S), re.S)
    run_configuration = found.group(0) if found else ""


# Test cases merged into (or renamed to) another since 6057e24, every assertion kept: the old name runs as the new one,
# so that a merge never drops work from the comparison.
RENAMED = {
    "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.A_persistent_server_is_initialised_once_reused_while_running_and_keeps_its_data_across_stop_and_start":
        "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.A_persistent_server_is_initialised_once_with_a_private_secret_on_loopback_as_an_unprivileged_owner_reused_while_running_and_keeps_its_data_across_stop_and_start",
    "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.The_secret_is_stored_readable_by_its_owner_only_and_the_server_listens_on_loopback_with_a_password":
        "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.A_persistent_server_is_initialised_once_with_a_private_secret_on_loopback_as_an_unprivileged_owner_reused_while_running_and_keeps_its_data_across_stop_and_start",
    "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.When_run_as_root_the_server_runs_as_an_unprivileged_account_that_owns_the_data":
        "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.A_persistent_server_is_initialised_once_with_a_private_secret_on_loopback_as_an_unprivileged_owner_reused_while_running_and_keeps_its_data_across_stop_and_start",
    "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.A_running_server_can_be_stopped_and_started_again_on_the_same_port":
        "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.An_ephemeral_server_cleans_up_abandoned_ones_at_start_stops_and_starts_on_its_port_and_is_deleted_on_dispose",
    "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.An_ephemeral_server_is_deleted_on_dispose_and_abandoned_ones_are_cleaned_up_by_the_next_start":
        "OpsConductor.ToolCatalog.Tests.LocalPostgres.LocalPostgresServerTests.An_ephemeral_server_cleans_up_abandoned_ones_at_start_stops_and_starts_on_its_port_and_is_deleted_on_dispose",
}


def quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


for project in sorted(p for p in (tree / "tests").iterdir() if (p / f"{p.name}.csproj").exists()):
    dlls = sorted(project.glob(f"bin/Debug/net*/{project.name}.dll"))
    if not dlls:
        continue
    with tempfile.NamedTemporaryFile(suffix=".txt") as listing:
        subprocess.run(["dotnet", "vstest", str(dlls[0]), "--ListFullyQualifiedTests", f"--ListTestsTargetPath:{listing.name}"],
                       check=True, stdout=subprocess.DEVNULL)
        names = sorted({RENAMED.get(line.strip(), line.strip()) for line in Path(listing.name).read_text(encoding="utf-8").splitlines() if line.strip()})
    where = " || ".join(f"test == {quoted(n)}" for n in names)
    Path(f"{prefix}.{project.name}.runsettings").write_text(
        f"<RunSettings>{run_configuration}<NUnit><Where>{xml(where)}</Where></NUnit></RunSettings>\n", encoding="utf-8")
    print(f"   {project.name}: {len(names)} test cases")
