#!/usr/bin/env python3
"""Reads the TRX files of one `dotnet test` run and prints, per test project, the tests, the wall time (first test's
start to last test's end), the test-seconds, and the fixtures with the longest wall time (OneTimeSetUp included: a
fixture's wall runs from its first test's start to its last test's end).

  trx_report.py summary DIR [TOP]   per project and per fixture
  trx_report.py names DIR           the fully qualified name of every test, one a line (class + "." + name)
  trx_report.py occupancy TRX [STEP]  per STEP seconds (5): how many tests ran at once on average (busy NUnit
                                    workers; a fixture's OneTimeSetUp is not a test, so it shows as idle) and the
                                    fixtures that ran most
"""
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime
from pathlib import Path

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def parse_time(text):
    m = re.match(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)", text)
    return datetime.fromisoformat(m.group(1) + ((m.group(2) or ".0") + "000000")[:7] + m.group(3))


def seconds(duration):
    h, m, s = duration.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def results(trx):
    root = ET.parse(trx).getroot()
    classes = {d.get("id"): d.find("t:TestMethod", NS).get("className") for d in root.iterfind(".//t:UnitTest", NS)}
    for r in root.iterfind(".//t:UnitTestResult", NS):
        yield classes[r.get("testId")], r.get("testName"), parse_time(r.get("startTime")), parse_time(r.get("endTime")), \
            seconds(r.get("duration", "0:0:0")), r.get("outcome")


def summary(folder, top):
    for trx in sorted(Path(folder).glob("*.trx")):
        rows = list(results(trx))
        if not rows:
            print(f"{trx.stem}: no tests")
            continue
        start = min(r[2] for r in rows)
        end = max(r[3] for r in rows)
        outcomes = defaultdict(int)
        fixtures = defaultdict(lambda: [None, None, 0.0, 0])
        for cls, _, s, e, d, outcome in rows:
            outcomes[outcome] += 1
            f = fixtures[cls.rsplit(".", 1)[-1]]
            f[0] = s if f[0] is None or s < f[0] else f[0]
            f[1] = e if f[1] is None or e > f[1] else f[1]
            f[2] += d
            f[3] += 1
        print(f"{trx.stem}: {len(rows)} tests {dict(outcomes)}, wall {(end - start).total_seconds():.1f} s, "
              f"test-seconds {sum(r[4] for r in rows):.0f}, first test {start:%H:%M:%S}, last end {end:%H:%M:%S}")
        for name, (s, e, d, n) in sorted(fixtures.items(), key=lambda kv: -(kv[1][1] - kv[1][0]).total_seconds())[:top]:
            print(f"  {name:45s} wall {(e - s).total_seconds():6.1f} s  test-s {d:6.1f}  tests {n:4d}  "
                  f"from {(s - start).total_seconds():6.1f} to {(e - start).total_seconds():6.1f}")


def names(folder):
    for trx in sorted(Path(folder).glob("*.trx")):
        for cls, name, *_ in results(trx):
            print(f"{trx.stem}\t{cls}.{name}")


def occupancy(trx, step):
    rows = list(results(trx))
    start = min(r[2] for r in rows)
    end = max((r[3] - start).total_seconds() for r in rows)
    for b in range(0, int(end) + 1, step):
        busy = 0.0
        fixtures = defaultdict(float)
        for cls, _, s, e, _, _ in rows:
            overlap = min((e - start).total_seconds(), b + step) - max((s - start).total_seconds(), b)
            if overlap > 0:
                busy += overlap
                fixtures[cls.rsplit(".", 1)[-1]] += overlap
        top = ", ".join(k for k, _ in sorted(fixtures.items(), key=lambda kv: -kv[1])[:4])
        print(f"{b:5d}-{b + step:<5d} tests at once {busy / step:4.1f}  {top}")


if __name__ == "__main__":
    if sys.argv[1] == "occupancy":
        occupancy(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5)
    elif sys.argv[1] == "summary":
        summary(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10)
    else:
        names(sys.argv[2])
