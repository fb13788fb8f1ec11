#!/usr/bin/python3
"""The instructor version of the lecture notebooks: every checked exercise with its worked solution.

    /usr/bin/python3 tools/lecture_instructor.py [generate] [--out build/lectures/instructor] [--run] [--probe-wrong] [--only NN …]
    /usr/bin/python3 tools/lecture_instructor.py check

A lecture notebook is what students run, so it holds no answers. An exercise cell carries the metadata
{"latent_lab": {"exercise": "ex1"}}, marks the student's part with `// BEGIN SOLUTION` … `// END SOLUTION`
(as the homework does, tools/assignments.py) and checks the answer beside it (`ll.check`, or a derivation's
`.assert()`), with hints and never the answer. The worked solutions live in
notebooks/solutions/lecture-exercises.json (notebook → exercise id → code); `generate` writes each lecture
notebook with its marked parts replaced by the solutions to --out, and with --run executes them (through
tools/run_notebooks.py) and fails unless every exercise cell printed its ✓. `check` only validates: every
exercise cell has its markers, a check and a solution, and every solution has its cell, and every item of a
notebook's "## Exercises" list (1., 2., …, D.) has its exercise cell (ex1, ex2, …, derive).

--probe-wrong (with --run) also appends to each instructor notebook one cell that runs an exercise of it with a wrong
answer (notebooks/solutions/lecture-exercises-wrong.json: notebook → {exercise, code}) and fails the run unless that
exercise's check rejects it: a check that cannot fail is caught.
"""
import argparse
import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from assignments import SOLUTION  # noqa: E402  the homework's marker syntax, reused as is

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "notebooks" / "solutions" / "lecture-exercises.json"
WRONG = ROOT / "notebooks" / "solutions" / "lecture-exercises-wrong.json"
ITEM = re.compile(r"^(\d+|D)\.\s", re.M)
CHECK = re.compile(r"\bll\.check\(|\.assert\(\)")


def lecture_notebooks():
    """The lecture notebooks notebooks/NN-*.ipynb, sorted."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def exercise_id(cell):
    return (cell.get("metadata", {}).get("latent_lab") or {}).get("exercise")


def exercise_cells(nb):
    """(index, id, cell) of each exercise cell of a notebook."""
    return [(i, exercise_id(c), c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and exercise_id(c)]


def listed_exercises(nb):
    """The exercise ids the notebook's "## Exercises" list names: 'ex<N>' for an item N., 'derive' for D."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "## Exercises" in cell.source:
            text = cell.source[cell.source.index("## Exercises"):]
            return ["derive" if m.group(1) == "D" else f"ex{m.group(1)}" for m in ITEM.finditer(text)]
    return []


def problems(name, nb, solutions):
    """What keeps the notebook's exercises from being checked and solved: one line each."""
    found = []
    ids = set()
    for index, ex, cell in exercise_cells(nb):
        ids.add(ex)
        where = f"{name}, cell {index} ({ex})"
        if not SOLUTION.search(cell.source):
            found.append(f"{where}: no // BEGIN SOLUTION … // END SOLUTION part")
        if not CHECK.search(SOLUTION.sub("", cell.source)):
            found.append(f"{where}: no check beside the answer (ll.check or a derivation's .assert())")
        if ex not in solutions.get(name, {}):
            found.append(f"{where}: no worked solution in {SOLUTIONS.relative_to(ROOT)}")
    for ex in solutions.get(name, {}):
        if ex not in ids:
            found.append(f"{name}: the solution {ex} has no exercise cell")
    for ex in listed_exercises(nb):
        if ex not in ids:
            found.append(f"{name}: the exercise list names {ex}, but no cell checks it")
    return found


def instructor_version(nb, name, solutions):
    """A copy of the notebook with each exercise's marked part replaced by its worked solution."""
    out = copy.deepcopy(nb)
    for index, ex, cell in exercise_cells(out):
        solution = solutions[name][ex].rstrip("\n")

        def put(m, solution=solution):
            indent = m.group(1)
            return "".join(indent + line + "\n" for line in solution.split("\n"))

        cell.source = SOLUTION.sub(put, cell.source, count=1)
        cell.metadata["latent_lab"]["instructor"] = True
    return out


def load_wrong():
    return json.loads(WRONG.read_text(encoding="utf-8")) if WRONG.exists() else {}


def probe_cell(nb, name, wrong):
    """A cell that runs the exercise wrong['exercise'] of the student notebook with wrong['code'] as the answer, inside a
    block (its names stay local), and prints whether the exercise's check rejected it."""
    ex = wrong["exercise"]
    cell = next((c for _, e, c in exercise_cells(nb) if e == ex), None)
    if cell is None:
        raise SystemExit(f"lecture_instructor: {WRONG.name} names {name} {ex}, which has no exercise cell")

    def put(m):
        return "".join(m.group(1) + line + "\n" for line in wrong["code"].rstrip("\n").split("\n"))

    body = SOLUTION.sub(put, cell.source, count=1)
    source = (f"// a wrong answer to {ex}: its check must reject it\ntry {{\n{body}\n"
              f"  console.log(\"PROBE ACCEPTED the wrong answer to {ex}\");\n}} catch (e) {{\n"
              f"  console.log(`PROBE ${{String((e as Error).message).includes(\"✗\") ? \"REJECTED\" : \"FAILED\"}} {ex}: ${{(e as Error).message}}`);\n}}")
    return nbformat.v4.new_code_cell(source, metadata={"latent_lab": {"probe": ex}})


def probe_cells(nb):
    return [(i, (c.metadata.get("latent_lab") or {}).get("probe"), c) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and (c.metadata.get("latent_lab") or {}).get("probe")]


def load_solutions():
    return json.loads(SOLUTIONS.read_text(encoding="utf-8")) if SOLUTIONS.exists() else {}


def validate():
    solutions = load_solutions()
    names = {p.name for p in lecture_notebooks()}
    found = [f"{n}: solutions for a notebook that does not exist" for n in solutions if n not in names]
    for path in lecture_notebooks():
        found += problems(path.name, nbformat.read(path, as_version=4), solutions)
    return found


def text_of(outputs):
    parts = []
    for o in outputs:
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            parts.append(f"ERROR {o.get('ename')}: {o.get('evalue')}")
        else:
            for v in (o.get("data") or {}).values():
                parts.append(v if isinstance(v, str) else json.dumps(v))
    return "".join(parts)


def verify_run(out):
    """After a run: every exercise cell of every executed instructor notebook printed ✓ and no error."""
    failed = []
    for path in sorted(out.glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, ex, cell in exercise_cells(nb):
            t = text_of(cell.get("outputs", []))
            if "✓" not in t or "ERROR" in t or "✗" in t:
                failed.append(f"{path.name}, cell {index} ({ex}): {t.strip()[:300] or 'no output (did the notebook stop earlier?)'}")
        for index, ex, cell in probe_cells(nb):
            t = text_of(cell.get("outputs", []))
            if f"PROBE REJECTED {ex}:" not in t:
                failed.append(f"{path.name}, cell {index} (wrong answer to {ex}): {t.strip()[:300] or 'no output'}")
    return failed


def generate(out, run, probe=False, only=()):
    found = validate()
    if found:
        print("lecture_instructor: exercises that cannot be generated:\n  " + "\n  ".join(found))
        return 1
    solutions = load_solutions()
    wrong = load_wrong() if probe else {}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in lecture_notebooks():
        if only and not any(path.name == o or path.name.startswith(o + "-") for o in only):
            continue
        nb = nbformat.read(path, as_version=4)
        if not exercise_cells(nb):
            continue
        version = instructor_version(nb, path.name, solutions)
        if probe and path.name in wrong:
            version.cells.append(probe_cell(nb, path.name, wrong[path.name]))
        nbformat.write(version, out / path.name)
        written.append(out / path.name)
    print(f"lecture_instructor: {len(written)} instructor notebooks in {out}")
    if not run:
        return 0
    executed = out / "executed"
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "run_notebooks.py"), *map(str, written), "--out", str(executed)])
    failed = verify_run(executed)
    if failed:
        print("lecture_instructor: exercises whose worked solution did not pass its check:\n  " + "\n  ".join(failed))
    return 1 if (failed or r.returncode != 0) else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="generate", choices=["generate", "check"])
    parser.add_argument("--out", default=str(ROOT / "build" / "lectures" / "instructor"))
    parser.add_argument("--run", action="store_true", help="execute the instructor notebooks and verify every exercise's ✓")
    parser.add_argument("--probe-wrong", action="store_true",
                        help="append a wrong answer per notebook (lecture-exercises-wrong.json); --run then requires its check to fail")
    parser.add_argument("--only", nargs="+", default=[], help="only these lecture notebooks (names or NN prefixes)")
    a = parser.parse_args()
    if a.command == "check":
        found = validate()
        print("\n".join(found) if found else "lecture_instructor: every exercise cell has its markers, its check and a solution")
        return 1 if found else 0
    return generate(Path(a.out), a.run, a.probe_wrong, a.only)


if __name__ == "__main__":
    sys.exit(main())
