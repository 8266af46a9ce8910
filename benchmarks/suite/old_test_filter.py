#!/usr/bin/env python3
"""Writes, for each test project of OLD_TREE, a vstest filter naming its test methods as Class.Method (read from the
source: methods under [Test], [TestCase], [TestCaseSource] or [Theory]), matched by "contains" (vstest's default
property), to PREFIX.<project>.

  old_test_filter.py OLD_TREE PREFIX
"""
import re
import sys
from pathlib import Path

tree, prefix = Path(sys.argv[1]), sys.argv[2]
attribute = re.compile(r"^\s*\[(Test|TestCase|TestCaseSource|Theory)\b")
method = re.compile(r"^\s*public\s+(?:static\s+)?(?:async\s+)?[\w<>\[\],.? ]+?\s+(\w+)\s*\(")
klass = re.compile(r"\bclass\s+(\w+)")
for project in sorted(p for p in (tree / "tests").iterdir() if (p / f"{p.name}.csproj").exists()):
    clauses = set()
    for source in project.rglob("*.cs"):
        if "/obj/" in str(source) or "/bin/" in str(source):
            continue
        current, pending = None, False
        for line in source.read_text(encoding="utf-8").splitlines():
            if (m := klass.search(line)) and not line.strip().startswith("//"):
                current = m.group(1)
            if attribute.match(line):
                pending = True
                continue
            if pending and (m := method.match(line)) and current:
                clauses.add(f"{current}.{m.group(1)}")
                pending = False
    Path(f"{prefix}.{project.name}").write_text("|".join(sorted(clauses)))
    print(f"   {project.name}: {len(clauses)} test methods, a filter of {sum(map(len, clauses)) + len(clauses)} characters")
