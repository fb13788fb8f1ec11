#!/usr/bin/python3
"""The instructor version of the lecture notebooks: every checked exercise with its worked solution.

    /usr/bin/python3 tools/lecture_instructor.py [generate] [--out build/lectures/instructor] [--run] [--probe-wrong] [--only NN …]
    /usr/bin/python3 tools/lecture_instructor.py check
    /usr/bin/python3 tools/lecture_instructor.py verify DIR

A lecture notebook is what students run, so it holds no answers. An exercise cell carries the metadata
{"latent_lab": {"exercise": "ex1"}}, marks the student's part with `// BEGIN SOLUTION` … `// END SOLUTION`
(as the homework does, tools/assignments.py) and checks the answer beside it (`ll.check`, or a derivation's
`.assert()`), with hints and never the answer. The worked solutions live in
notebooks/solutions/lecture-exercises.json (notebook → exercise id → code); `generate` writes each lecture
notebook with its marked parts replaced by the solutions to --out, and with --run executes them (through
tools/run_notebooks.py) and fails unless every exercise cell printed its ✓. `check` only validates: every
exercise cell has its markers, a check and a solution, and every solution has its cell, and every item of a
notebook's "## Exercises" list (1., 2., …, D.) has its exercise cell (ex1, ex2, …, derive).

--run executes the lecture notebooks through tools/run_notebooks.py --instructor: each in one kernel, first
as the students have it, then its exercises again with their solutions and its wrong-answer probe, the
executed instructor versions going to --out/executed (`npm test`'s lecture-notebook run does the same into
build/lectures/instructor/executed). `verify DIR` checks such a folder: an executed instructor version of
every lecture notebook with exercises, made from the notebooks and solutions as they are now, with every
exercise ✓ and every probe rejected.

The probe is one cell, appended to the instructor notebook, that runs an exercise with a wrong answer
(notebooks/solutions/lecture-exercises-wrong.json: notebook → {exercise, code}); the run fails unless that
exercise's check rejects it: a check that cannot fail is caught. --probe-wrong writes it into the generated
notebooks too (a run always has it).
"""
import argparse
import copy
import hashlib
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


def stamp(nb, name, solutions, wrong):
    """What an executed instructor version was made from: the lecture notebook's cells, its solutions and its
    wrong answer, hashed; a copy with another stamp is stale."""
    made_of = json.dumps([[c.cell_type, c.source] for c in nb.cells] + [solutions.get(name), wrong.get(name)], sort_keys=True)
    return hashlib.sha256(made_of.encode("utf-8")).hexdigest()[:16]


def paired_version(nb, name):
    """The instructor version tools/run_notebooks.py --instructor runs after the student version in the same
    kernel: the solved exercises and the wrong-answer probe, stamped; None for a notebook without exercises."""
    if not exercise_cells(nb):
        return None
    solutions, wrong = load_solutions(), load_wrong()
    found = problems(name, nb, solutions)
    if found:
        raise SystemExit(f"lecture_instructor: {name}: " + "; ".join(found))
    version = instructor_version(nb, name, solutions)
    if name in wrong:
        version.cells.append(probe_cell(nb, name, wrong[name]))
    version.metadata.setdefault("latent_lab", {})["instructor_of"] = {"notebook": name, "stamp": stamp(nb, name, solutions, wrong)}
    return version


def verify_folder(executed):
    """`verify`: every lecture notebook with exercises has its executed instructor version in the folder, made from
    today's notebook and solutions, with every exercise ✓ and every probe rejected. One line per problem."""
    solutions, wrong = load_solutions(), load_wrong()
    found = []
    for path in lecture_notebooks():
        nb = nbformat.read(path, as_version=4)
        if not exercise_cells(nb):
            continue
        copy_path = executed / path.name
        if not copy_path.exists():
            found.append(f"{path.name}: no executed instructor version in {executed}")
            continue
        executed_copy = nbformat.read(copy_path, as_version=4)
        made = (executed_copy.metadata.get("latent_lab") or {}).get("instructor_of") or {}
        if made.get("stamp") != stamp(nb, path.name, solutions, wrong):
            found.append(f"{path.name}: the executed instructor version in {executed} is stale (made from another notebook or solutions)")
        if path.name in wrong and not probe_cells(executed_copy):
            found.append(f"{path.name}: the executed instructor version has no wrong-answer probe")
    return found + verify_run(executed)


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
    students = [ROOT / "notebooks" / p.name for p in written]
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "run_notebooks.py"), *map(str, students),
                        "--out", str(out / "student-run"), "--instructor", str(executed)])
    failed = verify_run(executed)
    if failed:
        print("lecture_instructor: exercises whose worked solution did not pass its check:\n  " + "\n  ".join(failed))
    return 1 if (failed or r.returncode != 0) else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="generate", choices=["generate", "check", "verify"])
    parser.add_argument("folder", nargs="?", help="verify: the folder of executed instructor notebooks")
    parser.add_argument("--out", default=str(ROOT / "build" / "lectures" / "instructor"))
    parser.add_argument("--run", action="store_true", help="execute the instructor notebooks and verify every exercise's ✓")
    parser.add_argument("--probe-wrong", action="store_true",
                        help="also write the wrong-answer probe (lecture-exercises-wrong.json) into the generated notebooks; a --run always has it")
    parser.add_argument("--only", nargs="+", default=[], help="only these lecture notebooks (names or NN prefixes)")
    a = parser.parse_args()
    if a.command == "check":
        found = validate()
        print("\n".join(found) if found else "lecture_instructor: every exercise cell has its markers, its check and a solution")
        return 1 if found else 0
    if a.command == "verify":
        if not a.folder:
            parser.error("verify needs the folder of executed instructor notebooks")
        found = verify_folder(Path(a.folder))
        print("\n".join(found) if found else f"lecture_instructor: every executed instructor version in {a.folder} is current, every exercise ✓, every probe rejected")
        return 1 if found else 0
    return generate(Path(a.out), a.run, a.probe_wrong, a.only)


if __name__ == "__main__":
    sys.exit(main())
