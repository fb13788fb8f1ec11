#!/usr/bin/python3
"""Grades a class of N submissions (default 200) made of the cheat suite's notebooks (test/exercises/fixtures.ts:
the instructor and student versions of every assignment, an honest classmate, the cheats, unreadable files),
in turn, with `assignments.py grade --jobs J`, and reports the wall time and the machine's load.

    npm run bench:grade -- [N] [--jobs 2] [--timeout 12] [--memory-mb 512] [--no-sandbox] [--keep DIR]

With the sandbox (the default, as graders run it) every kernel runs in its bubblewrap box; --no-sandbox
measures the same class without it, for the box's overhead per submission.

Checks, as the cheat suite does, that every submission has its rows and that the copies of one fixture all
scored the same (an honest notebook full marks, a cheat what the suite expects), so a class run that is fast
because it lost submissions does not pass.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=12, help="seconds per cell, as in the cheat suite")
    ap.add_argument("--memory-mb", type=int, default=512)
    ap.add_argument("--keep", help="keep the class and the grades in this folder")
    ap.add_argument("--no-sandbox", dest="sandbox", action="store_false", help="grade without the box (to measure its overhead)")
    a = ap.parse_args()
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="ll-class-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"class, grades and grade.log in {work}", flush=True)
    env = {**os.environ, "JUPYTER_PATH": str(ROOT / ".jupyter")}
    r = subprocess.run([str(ROOT / "node_modules" / ".bin" / "tsx"), str(ROOT / "test" / "exercises" / "make-class.ts"), str(work), str(a.n)],
                       cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"grade_class: making the class failed:\n{r.stdout}{r.stderr}")
    made = json.loads(r.stdout.strip().splitlines()[-1])
    loads, stop = [], threading.Event()

    def sample():
        while not stop.wait(15):
            loads.append(os.getloadavg()[0])
    before = os.getloadavg()
    threading.Thread(target=sample, daemon=True).start()
    t0 = time.monotonic()
    log = work / "grade.log"  # one line per graded submission, as it finishes: follow it with tail -f
    with open(log, "w", encoding="utf-8") as out:
        g = subprocess.run(["/usr/bin/python3", str(ROOT / "tools" / "assignments.py"), "grade", str(work / "class"), "--out", str(work / "grades"),
                            "--jobs", str(a.jobs), "--timeout", str(a.timeout), "--memory-mb", str(a.memory_mb)]
                           + ([] if a.sandbox else ["--no-sandbox"]),
                           cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    g.stdout = log.read_text(encoding="utf-8")
    g.stderr = ""
    seconds = time.monotonic() - t0
    stop.set()
    if not a.sandbox:
        # Unboxed, the cheats that write outside their folder succeed: remove what they wrote, or the cheat suite
        # (which asserts these files do not exist) fails on this machine.
        for p in (ROOT / "build").glob("pwned-by-*.txt"):
            p.unlink()
    after = os.getloadavg()
    if g.returncode != 0:
        raise SystemExit(f"grade_class: grading failed after {seconds:.0f} s:\n{g.stdout[-3000:]}{g.stderr[-3000:]}")
    with open(work / "grades" / "grades.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    totals = defaultdict(float)
    for row in rows:
        totals[row["student"]] += float(row["points"])
    students = {p.stem if p.suffix == ".ipynb" else p.name for p in (work / "class").iterdir()}
    missing = sorted(students - set(totals))
    by_fixture = defaultdict(set)
    for s, t in totals.items():
        by_fixture[s.split("-", 1)[1]].add(t)
    uneven = {k: sorted(v) for k, v in by_fixture.items() if len(v) > 1}
    report = {
        "submissions": a.n, "graded": len(totals), "missing": missing, "jobs": a.jobs, "timeout": a.timeout, "sandbox": a.sandbox,
        "seconds": round(seconds, 1), "seconds_per_submission": round(seconds / a.n, 2),
        "load_before": [round(x, 2) for x in before], "load_after": [round(x, 2) for x in after],
        "load_1min_during": {"mean": round(sum(loads) / len(loads), 2), "max": round(max(loads), 2)} if loads else None,
        "cpus": os.cpu_count(), "fixtures": len(made["fixtures"]),
        "totals_by_fixture": {k: sorted(v)[0] for k, v in sorted(by_fixture.items()) if len(v) == 1},
        "fixtures_scored_unevenly": uneven,
        "grader_summary": g.stdout.strip().splitlines()[-2:],
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
