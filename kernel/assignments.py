#!/usr/bin/python3
"""Homework: one source notebook per assignment makes the student and the instructor versions, and a
grader scores a folder of submissions (as nbgrader does, for the Latent Lab kernel).

    /usr/bin/python3 kernel/assignments.py generate [--source notebooks/exercises] [--out build/assignments]
    /usr/bin/python3 kernel/assignments.py grade SUBMISSIONS_DIR [--out REPORT_DIR] [--timeout 30]

In a source notebook, code between the lines `// BEGIN SOLUTION` and `// END SOLUTION` is the answer:
the student version replaces it with a `throw`, the instructor version keeps it. Markdown between
`<!-- BEGIN INSTRUCTOR -->` and `<!-- END INSTRUCTOR -->` is for instructors only. A graded cell
carries metadata {"latent_lab": {"grade": "ex1.1", "points": 2}} and holds ll.check(...) calls; it
earns its points when it runs without error. A cell that throws, loops or never finishes is stopped
at the per-cell timeout, scores zero, and grading goes on.
"""
import argparse
import copy
import csv
import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = re.compile(r"^([ \t]*)// BEGIN SOLUTION[^\n]*\n.*?^[ \t]*// END SOLUTION[^\n]*(\n|$)", re.S | re.M)
INSTRUCTOR = re.compile(r"<!-- BEGIN INSTRUCTOR -->.*?<!-- END INSTRUCTOR -->\n?", re.S)
STUB = '{indent}throw new Error("not implemented yet: write your solution here");\n'


def grade_info(cell):
    """The cell's {"grade": id, "points": n} when it is graded, else None."""
    info = cell.get("metadata", {}).get("latent_lab", {})
    return info if info.get("grade") else None


def make_version(nb, student):
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            src = cell.source
            if student:
                src = SOLUTION.sub(lambda m: STUB.format(indent=m.group(1)), src)
            else:
                src = re.sub(r"^[ \t]*// (BEGIN|END) SOLUTION[^\n]*\n?", "", src, flags=re.M)
            cell.source = src
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown" and student:
            cell.source = INSTRUCTOR.sub("", cell.source)
    return out


def generate(source, out):
    sources = sorted(Path(source).glob("*.ipynb"))
    if not sources:
        raise SystemExit(f"assignments: no source notebooks in {source}")
    for p in sources:
        nb = nbformat.read(p, as_version=4)
        if not any(grade_info(c) for c in nb.cells):
            raise SystemExit(f"assignments: {p} has no graded cell")
        for kind in ("student", "instructor"):
            d = Path(out) / kind
            d.mkdir(parents=True, exist_ok=True)
            nbformat.write(make_version(nb, kind == "student"), d / p.name)
        print(f"{p.name}: student and instructor versions in {out}/")


def run_and_score(path, timeout):
    """Executes a notebook cell by cell; returns [(exercise, points, max, feedback)]."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="latent-lab", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(Path(path).parent)}})
    rows = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            info = grade_info(cell)
            feedback = ""
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                feedback = f"stopped after {timeout} s (per-cell timeout)"
            except DeadKernelError:
                feedback = "the kernel died; restarted"
                client.km.restart_kernel()
            errors = [o for o in cell.outputs if o.output_type == "error"]
            if errors and not feedback:
                e = errors[0]
                feedback = e.evalue if e.ename == "CheckFailed" else f"{e.ename}: {e.evalue}"
            if info:
                points = float(info.get("points", 1))
                if not feedback:
                    passed = [o.text for o in cell.outputs if o.output_type == "stream" and "✓" in o.get("text", "")]
                    feedback = " ".join(t.strip() for t in passed) or "ok"
                rows.append((info["grade"], 0.0 if errors or "stopped" in feedback else points, points, feedback))
    return rows


def grade(submissions, out, timeout):
    subs = sorted(Path(submissions).glob("*.ipynb"))
    if not subs:
        raise SystemExit(f"grade: no submitted notebooks in {submissions}")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(ROOT / ".jupyter"), os.environ.get("JUPYTER_PATH")]))
    Path(out).mkdir(parents=True, exist_ok=True)
    table = []
    for p in subs:
        rows = run_and_score(p, timeout)
        for ex, pts, mx, fb in rows:
            table.append({"student": p.stem, "exercise": ex, "points": pts, "max": mx, "feedback": fb.replace("\n", " ")})
        total = sum(r[1] for r in rows)
        print(f"{p.stem:24} {total:5.1f} / {sum(r[2] for r in rows):5.1f}", flush=True)
    with open(Path(out) / "grades.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["student", "exercise", "points", "max", "feedback"])
        w.writeheader()
        w.writerows(table)
    lines = ["| student | exercise | points | max | feedback |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {r['student']} | {r['exercise']} | {r['points']:g} | {r['max']:g} | {r['feedback'].replace('|', '/')} |" for r in table]
    students = sorted({r["student"] for r in table})
    lines += ["", "| student | total | max |", "| --- | --- | --- |"]
    for s in students:
        lines.append(f"| {s} | {sum(r['points'] for r in table if r['student'] == s):g} | {sum(r['max'] for r in table if r['student'] == s):g} |")
    (Path(out) / "grades.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"report: {Path(out) / 'grades.csv'} and {Path(out) / 'grades.md'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--source", default=str(ROOT / "notebooks" / "exercises"))
    g.add_argument("--out", default=str(ROOT / "build" / "assignments"))
    r = sub.add_parser("grade")
    r.add_argument("submissions")
    r.add_argument("--out", default=str(ROOT / "build" / "grades"))
    r.add_argument("--timeout", type=int, default=30, help="seconds per cell (default 30)")
    a = ap.parse_args()
    if a.cmd == "generate":
        generate(a.source, a.out)
    else:
        if a.timeout <= 0:
            raise SystemExit("grade: --timeout must be positive")
        grade(a.submissions, a.out, a.timeout)


if __name__ == "__main__":
    sys.exit(main())
