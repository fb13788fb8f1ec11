#!/usr/bin/python3
"""Homework: one source notebook per assignment makes the student and the instructor versions, and a
grader scores a folder of submissions (as nbgrader does, for the Latent Lab kernel).

    /usr/bin/python3 tools/assignments.py generate [--source notebooks/exercises] [--out build/assignments]
    /usr/bin/python3 tools/assignments.py grade SUBMISSIONS_DIR [--out REPORT_DIR] [--timeout 30] [--jobs N]
        [--source notebooks/exercises] [--assignment NAME] [--memory-mb 2048] [--no-sandbox]

Source notebooks. Code between `// BEGIN SOLUTION` and `// END SOLUTION` is the answer: the student
version replaces it with a `throw`, the instructor version keeps it. Code between `// BEGIN HIDDEN TESTS`
and `// END HIDDEN TESTS` in a graded cell is a hidden test: the student version does not contain it,
grading runs it. Markdown between `<!-- BEGIN INSTRUCTOR -->` and `<!-- END INSTRUCTOR -->` is for
instructors only. A graded cell carries metadata {"latent_lab": {"grade": "ex1.1", "points": 2}} and
holds ll.check(name, got, expected, options) calls.

Grading (see README, "Homework"). Each submission is matched to its assignment (notebook metadata, file
name, or its grade ids), copied alone into a fresh temporary folder and run there in a fresh kernel
started under Node's permission model (reads: the library's code only; writes: that folder only) with a
heap limit. The student's own cells run first; then every graded cell of the *source* notebook, with
the source's grade id and points, whatever the submission did to it (changed, deleted, moved or added
graded cells are reported). In a graded run each ll.check records the value the student's code
computed; the grader compares it in Python with the expected value that the same check computed in a
reference run of the instructor version, with the check's tolerances. A graded cell earns its points
only when its record comes back, marked with this run's random nonce, with every check present and
passing; a throw, a timeout, a dead kernel or a missing record earns nothing. A dead kernel is restarted
and the student's cells that ran before are replayed. Every submission gets a row per exercise in
grades.csv, and a feedback report (feedback/<student>.md).
"""
import argparse
import copy
import csv
import hashlib
import json
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = re.compile(r"^([ \t]*)// BEGIN SOLUTION[^\n]*\n.*?^[ \t]*// END SOLUTION[^\n]*(\n|$)", re.S | re.M)
HIDDEN = re.compile(r"^[ \t]*// BEGIN HIDDEN TESTS[^\n]*\n.*?^[ \t]*// END HIDDEN TESTS[^\n]*(\n|$)", re.S | re.M)
INSTRUCTOR = re.compile(r"<!-- BEGIN INSTRUCTOR -->.*?<!-- END INSTRUCTOR -->\n?", re.S)
STUB = '{indent}throw new Error("not implemented yet: write your solution here");\n'
SETUP_TS = ROOT / "tools" / "grading" / "setup-cell.ts.txt"  # a cell of TypeScript, not part of the build
MARK = "@@LLGRADE"


def grade_info(cell):
    """The cell's {"grade": id, "points": n} when it is graded, else None."""
    info = cell.get("metadata", {}).get("latent_lab", {})
    return info if isinstance(info, dict) and isinstance(info.get("grade"), str) and info.get("grade") else None


def make_version(nb, student, name=None):
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            src = cell.source
            if student:
                src = SOLUTION.sub(lambda m: STUB.format(indent=m.group(1)), src)
                src = HIDDEN.sub("", src)
            else:
                src = re.sub(r"^[ \t]*// (BEGIN|END) SOLUTION[^\n]*\n?", "", src, flags=re.M)
            cell.source = src
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown" and student:
            cell.source = INSTRUCTOR.sub("", cell.source)
    if name:
        out.metadata.setdefault("latent_lab", {})["assignment"] = name
    return out


def checksum(source):
    return hashlib.sha256("\n".join(l.rstrip() for l in source.strip().splitlines()).encode()).hexdigest()[:16]


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
            nbformat.write(make_version(nb, kind == "student", p.stem), d / p.name)
        print(f"{p.name}: student and instructor versions in {out}/")


# --- grading: the notebook that runs ----------------------------------------------------------------

def graded_source(source, grader, nonce, reference):
    """A graded cell of the source as it runs at grading: ll.check records into the grader, hidden tests
    are marked, and the whole cell is one block that always ends by printing its nonce'd record."""
    src = re.sub(r"^[ \t]*// (BEGIN|END) SOLUTION[^\n]*\n?", "", source, flags=re.M)
    src = re.sub(r"^[ \t]*// BEGIN HIDDEN TESTS[^\n]*$", f"{grader}.hidden(true);", src, flags=re.M)
    src = re.sub(r"^[ \t]*// END HIDDEN TESTS[^\n]*$", f"{grader}.hidden(false);", src, flags=re.M)
    src = re.sub(r"\bll\s*\.\s*check\s*\(", f"{grader}.check(", src)
    return (f"declare const {grader}: any;\n"
            f'{grader}.begin("{nonce}", {"true" if reference else "false"});\n'
            f'try {{\nconst ll = {grader}.lib("{nonce}");\n{src}\n}} catch (__llg_error) {{ {grader}.fail(__llg_error); }} '
            f'finally {{ {grader}.end("{nonce}"); }}\n')


def build_run(source_nb, student_nb, reference):
    """[(kind, grade id or None, source)] for a graded run: setup, the student's non-graded code cells,
    then the source's graded cells. Also the grader's global name and one nonce per graded cell."""
    grader = "__GRADER_" + secrets.token_hex(8) + "__"
    answers = source_nb.metadata.get("latent_lab", {}).get("library_answers", [])
    setup = SETUP_TS.read_text(encoding="utf-8").replace("declare const __FORBIDDEN__: unknown;\n", "")
    setup = setup.replace("__GRADER__", grader).replace("__FORBIDDEN__", json.dumps(answers))
    ids = {grade_info(c)["grade"] for c in source_nb.cells if grade_info(c)}
    cells = [("setup", None, setup, None)]
    for c in student_nb.cells:
        if c.cell_type != "code":
            continue
        info = grade_info(c)
        if info and info["grade"] in ids:
            continue  # replaced by the source's cell
        cells.append(("student", None, c.source, None))
    for c in source_nb.cells:
        info = grade_info(c)
        if info:
            nonce = secrets.token_hex(16)
            cells.append(("graded", info["grade"], graded_source(c.source, grader, nonce, reference), nonce))
    return cells


def grading_library(dest):
    """The library as the grading kernels see it, in DEST/node_modules: latent-lab is one bundled file
    (esbuild; its packages stay external) with its type declarations, so there is no internal module a
    submission could require to reach an answer the setup cell hides; every other entry is a symlink to
    the project's node_modules (latent-lab there is a symlink to the repository root, which would expose
    the source notebooks: it is left out). Returns DEST/node_modules."""
    nm = Path(dest) / "node_modules"
    pkg = nm / "latent-lab"
    (pkg / "types").mkdir(parents=True)
    for e in sorted((ROOT / "node_modules").iterdir()):
        if e.name not in ("latent-lab", ".bin", ".cache", ".package-lock.json"):
            os.symlink(e, nm / e.name)
    entry = ROOT / "dist" / "src" / "index.js"
    if not entry.exists():
        raise SystemExit("grade: dist/src/index.js is missing (run npm run build)")
    script = ("require('esbuild').buildSync({entryPoints: [process.argv[1]], outfile: process.argv[2], bundle: true, "
              "platform: 'node', format: 'cjs', packages: 'external', logLevel: 'error'})")
    r = subprocess.run(["node", "-e", script, str(entry), str(pkg / "index.js")], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"grade: bundling the library failed: {r.stderr.strip()[-1500:]}")
    for d in (ROOT / "dist" / "src").rglob("*.d.ts"):
        t = pkg / "types" / d.relative_to(ROOT / "dist" / "src")
        t.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(d, t)
    (pkg / "package.json").write_text(json.dumps({"name": "latent-lab", "version": "0.0.0-grading", "main": "index.js",
                                                  "types": "types/index.d.ts"}, indent=1))
    return nm


def library_dir():
    """The grading library of this run (grade() builds it and names it in LL_GRADING_LIB)."""
    d = os.environ.get("LL_GRADING_LIB")
    if not d or not Path(d, "latent-lab", "index.js").exists():
        raise SystemExit("grade: no grading library (LL_GRADING_LIB); run through 'assignments.py grade'")
    return Path(d)


def kernelspec_dir(tmp, work, memory_mb, sandbox):
    """A grading-only kernelspec in its own JUPYTER_PATH: Node's permission model (reads: the library's
    code; writes: the submission's temporary folder), a heap limit, interrupts by message."""
    spec = json.loads((ROOT / ".jupyter" / "kernels" / "latent-lab" / "kernel.json").read_text())
    argv = list(spec["argv"])
    node, rest = argv[0], argv[1:]
    flags = [f"--max-old-space-size={memory_mb}"]
    if sandbox:
        # Reads: the kernel's own code (dist/kernel; not dist/src, whose modules hold the answers), the
        # grading library (its symlinks lead to the packages below), every package except latent-lab (a
        # symlink to the whole repository), the native addon and the submission's folder.
        packages = [e for e in sorted((ROOT / "node_modules").iterdir()) if e.name not in ("latent-lab", ".bin", ".cache")]
        reads = [ROOT / "dist" / "kernel", library_dir().parent, *packages, ROOT / "native" / "build", Path(work)]
        flags += ["--experimental-permission", "--allow-worker", "--allow-addons", "--no-warnings"]
        flags += [f"--allow-fs-read={p}/*" for p in reads]
        flags += [f"--allow-fs-read={ROOT / 'package.json'}", "--allow-fs-read=/etc/alpine-release", "--allow-fs-read=/proc/cpuinfo",
                  f"--allow-fs-read={ROOT / 'native' / 'binding.gyp'}",
                  "--allow-fs-read={connection_file}",
                  f"--allow-fs-write={work}/*"]
    spec["argv"] = [node, *flags, *rest]
    # The kernel would preload dist/src, not the bundle; the bundle would look for the addon by walking up
    # from its folder (Node 20's existsSync throws on a path it may not read): it is named instead.
    spec["env"] = {**spec.get("env", {}), "LATENT_PRELOAD": "0",
                   "LATENT_NATIVE_ADDON": str(ROOT / "native" / "build" / "Release" / "latent_blas.node")}
    spec["display_name"] = "Latent Lab (grading)"
    d = Path(tmp) / "jupyter" / "kernels" / "latent-lab-grading"
    d.mkdir(parents=True, exist_ok=True)
    (d / "kernel.json").write_text(json.dumps(spec, indent=1))
    return str(Path(tmp) / "jupyter")


def record_of(outputs, nonce):
    """The grader's record printed with this nonce, or None (exactly one must be there)."""
    found = []
    for o in outputs:
        if o.get("output_type") == "stream":
            for line in o.get("text", "").splitlines():
                if line.startswith(f"{MARK} {nonce} "):
                    found.append(line[len(MARK) + len(nonce) + 2:])
    if len(found) != 1:
        return None
    try:
        rec = json.loads(found[0])
    except ValueError:
        return None
    return rec if isinstance(rec, dict) and isinstance(rec.get("records"), list) else None


def execute(cells, work, timeout, memory_mb, sandbox):
    """Runs the cells in fresh kernels (restarted when one dies); returns {grade id: outcome}."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    tmp = tempfile.mkdtemp(prefix="ll-spec-")
    os.environ["JUPYTER_PATH"] = kernelspec_dir(tmp, work, memory_mb, sandbox)  # this worker process only
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for _, _, src, _ in cells])
    nb.metadata["kernelspec"] = {"name": "latent-lab-grading", "display_name": "Latent Lab (grading)", "language": "typescript"}
    outcomes, ran, i, restarts = {}, [], 1, 0
    try:
        while i < len(cells):
            client = NotebookClient(nb, timeout=timeout, kernel_name="latent-lab-grading", allow_errors=True,
                                    interrupt_on_timeout=True, resources={"metadata": {"path": work}})
            with client.setup_kernel():
                client.timeout = max(timeout, 180)  # the library's start-up, on a loaded machine
                client.execute_cell(nb.cells[0], 0)
                client.timeout = timeout
                errs = [o for o in nb.cells[0].outputs if o.output_type == "error"]
                if errs:
                    raise RuntimeError(f"the grading setup cell failed: {errs[0].ename}: {errs[0].evalue} " + " ".join(errs[0].get("traceback", []))[-1500:])
                for j in ran:  # after a restart: the student's cells that ran before, again
                    client.execute_cell(copy.deepcopy(nb.cells[j]), j)
                while i < len(cells):
                    kind, gid, _, nonce = cells[i]
                    cell = nb.cells[i]
                    t0 = time.monotonic()
                    # A watchdog: when an interrupt does not stop the cell, the kernel is killed (and restarted).
                    stuck = threading.Event()

                    def kill(client=client):
                        stuck.set()
                        try:
                            client.km.provisioner.process.kill()
                        except Exception:
                            pass
                    watchdog = threading.Timer(timeout + 15, kill)
                    watchdog.start()
                    try:
                        client.execute_cell(cell, i)
                    except DeadKernelError:
                        if kind == "graded":
                            outcomes[gid] = {"timeout": True} if stuck.is_set() else {"died": True}
                        if stuck.is_set() and ran and ran[-1] == i - 1:
                            ran.pop()  # the cell before a stuck one likely left a runaway timer: not replayed
                        i += 1
                        restarts += 1
                        break
                    except CellTimeoutError:
                        if kind == "graded":
                            outcomes[gid] = {"timeout": True}
                        i += 1
                        continue
                    finally:
                        watchdog.cancel()
                    elapsed = time.monotonic() - t0
                    errs = [o for o in cell.outputs if o.output_type == "error"]
                    if kind == "graded":
                        interrupted = any(e.ename == "Interrupted" for e in errs) or elapsed >= timeout
                        outcomes[gid] = {"timeout": True} if interrupted else {"record": record_of(cell.outputs, nonce)}
                    elif not errs or elapsed < timeout:
                        ran.append(i)
                    if os.environ.get("LL_GRADE_DEBUG"):
                        print(kind, gid, json.dumps(cell.outputs)[:3000], file=sys.stderr)
                    cell.outputs = []  # a print flood is not kept
                    i += 1
            if restarts > 5:
                break
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return outcomes


# --- grading: scoring -----------------------------------------------------------------------------

def fmt(v):
    if isinstance(v, str):
        return v
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.2e}" if abs(v) < 1e-3 else f"{v:.6g}"


def as_float(v):
    return float(v) if isinstance(v, (int, float)) else float(v.replace("Infinity", "inf"))


def compare(ref, got_rec, hidden_index):
    """(passed, feedback) of one check: the student's value against the reference run's expected value."""
    name = ref.get("name", "check")
    if ref.get("hidden"):
        label = f"hidden test {hidden_index}"
    else:
        label = name + (f" for {ref['input']}" if ref.get("input") else "")
    hint = f" Hint: {ref['hint']}" if ref.get("hint") and not ref.get("hidden") else ""
    exp = [as_float(x) for x in ref["expected"]]
    got = got_rec.get("got") if isinstance(got_rec, dict) else None
    if not isinstance(got, list):
        what = got_rec.get("gotType", "nothing") if isinstance(got_rec, dict) else "nothing"
        if what == "undefined":
            what = "undefined (did the function return a value?)"
        return False, (f"✗ {label}: failed" if ref.get("hidden") else f"✗ {label}: expected {fmt(exp[0]) if len(exp) == 1 else f'{len(exp)} numbers'}, got {what}.{hint}")
    try:
        g = [as_float(x) for x in got]
    except (ValueError, AttributeError):
        return False, f"✗ {label}: got something that is not numbers."
    if len(g) != len(exp):
        return False, f"✗ {label}: failed" if ref.get("hidden") else f"✗ {label}: expected {len(exp)} number(s), got {len(g)}.{hint}"
    rtol, atol = float(ref.get("rtol", 1e-6)), float(ref.get("atol", 1e-9))
    for k, (v, e) in enumerate(zip(g, exp)):
        if not (abs(v - e) <= atol + rtol * abs(e) or v == e):
            if ref.get("hidden"):
                return False, f"✗ {label}: failed"
            at = f" (entry {k})" if len(exp) > 1 else ""
            return False, f"✗ {label}{at}: expected {fmt(e)} ± {fmt(atol + rtol * abs(e))}, got {fmt(v)}.{hint}"
    return True, f"✓ {label}" + (": passed" if ref.get("hidden") else "")


def score(exercises, reference, outcomes, timeout):
    """Rows {exercise, points, max, feedback} for every exercise of the assignment."""
    rows = []
    for gid, points in exercises:
        ref = reference[gid]
        out = outcomes.get(gid)
        fb, passed = [], False
        if out is None:
            fb.append("did not run (the kernel died too often)")
        elif out.get("died"):
            fb.append("the kernel died (crash, exit or memory limit); it was restarted for the next cells")
        elif out.get("timeout"):
            fb.append(f"stopped after {timeout} s (per-cell timeout)")
        elif not out.get("record"):
            fb.append("no result came back from the checks (the output was tampered with or lost)")
        else:
            rec = out["record"]
            got = rec["records"]
            if rec.get("error"):
                fb.append(rec["error"])
            if not rec.get("error") and len(got) != len(ref):
                fb.append(f"{len(got)} check(s) ran instead of {len(ref)}")
            hidden = 0
            results = []
            for k, r in enumerate(ref):
                if r.get("hidden"):
                    hidden += 1
                if k < len(got):
                    results.append(compare(r, got[k], hidden))
                elif r.get("hidden"):
                    results.append((False, f"✗ hidden test {hidden}: did not run"))
            fb.extend(t for _, t in results)
            passed = not rec.get("error") and len(got) == len(ref) and all(ok for ok, _ in results)
        rows.append({"exercise": gid, "points": points if passed else 0.0, "max": points, "feedback": " ".join(fb)})
    return rows


def read_notebook(path):
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:  # any unreadable file: the reason goes in the report
        return None, f"not a readable notebook ({type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''})"
    if not any(c.cell_type == "code" for c in nb.cells):
        return nb, "the notebook has no code cells"
    return nb, None


def grade_one(sub, source_path, reference_path, timeout, memory_mb, sandbox, out_json):
    """Worker (its own process): grades one submission of one assignment into out_json."""
    source_nb = nbformat.read(source_path, as_version=4)
    ref = json.loads(Path(reference_path).read_text()) if reference_path else None
    reference = ref is None
    exercises = [(grade_info(c)["grade"], float(grade_info(c).get("points", 1))) for c in source_nb.cells if grade_info(c)]
    student_nb, problem = (make_version(source_nb, False), None) if reference else read_notebook(sub)
    flags = []
    result = {"flags": flags}
    if problem:
        result["rows"] = [{"exercise": g, "points": 0.0, "max": p, "feedback": problem} for g, p in exercises]
        Path(out_json).write_text(json.dumps(result))
        return
    if not reference:
        flags.extend(tamper_flags(source_nb, student_nb))
    work = tempfile.mkdtemp(prefix="ll-grade-")
    try:
        nbformat.write(student_nb, Path(work) / "submission.ipynb")
        os.symlink(library_dir(), Path(work) / "node_modules")  # "latent-lab" (code and types) is the bundle
        cells = build_run(source_nb, student_nb, reference)
        outcomes = execute(cells, work, timeout, memory_mb, sandbox)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if reference:
        recs = {}
        for gid, _ in exercises:
            out = outcomes.get(gid) or {}
            rec = out.get("record")
            if not rec or rec.get("error") or not rec["records"]:
                raise SystemExit(f"grade: the instructor version of {Path(source_path).name} fails {gid}: {out}")
            for r in rec["records"]:
                if r.get("expected") is None:
                    raise SystemExit(f"grade: {Path(source_path).name} {gid}: check '{r.get('name')}' has no numeric expected value")
                ok, text = compare(dict(r, hidden=False), r, 0)
                if not ok:
                    raise SystemExit(f"grade: the instructor solution of {Path(source_path).name} fails its own check in {gid}: {text}")
            recs[gid] = rec["records"]
        result["reference"] = recs
    else:
        result["rows"] = score(exercises, ref, outcomes, timeout)
    Path(out_json).write_text(json.dumps(result))


def tamper_flags(source_nb, student_nb):
    """What the submission did to the graded cells (all of them are replaced by the source's anyway)."""
    given = make_version(source_nb, True)
    instructor = {grade_info(c)["grade"]: checksum(c.source) for c in make_version(source_nb, False).cells if grade_info(c)}
    expected = {grade_info(c)["grade"]: ({checksum(c.source), instructor.get(grade_info(c)["grade"])}, grade_info(c).get("points", 1))
                for c in given.cells if grade_info(c)}
    order = [grade_info(c)["grade"] for c in given.cells if grade_info(c)]
    seen, flags = [], []
    for c in student_nb.cells:
        info = grade_info(c)
        if not info:
            continue
        gid = info["grade"]
        if gid not in expected:
            flags.append(f"graded cell '{gid}' is not in the assignment (earns nothing)")
            continue
        if gid in seen:
            flags.append(f"graded cell '{gid}' appears twice (the source's cell is used)")
            continue
        seen.append(gid)
        if c.cell_type != "code" or checksum(c.source) not in expected[gid][0]:
            flags.append(f"graded cell '{gid}' was changed (checksum differs; the source's cell is used)")
        if info.get("points", 1) != expected[gid][1]:
            flags.append(f"graded cell '{gid}' has changed points ({info.get('points')}; the source's {expected[gid][1]} count)")
    for gid in order:
        if gid not in seen:
            flags.append(f"graded cell '{gid}' was deleted (re-inserted from the source)")
    if [g for g in order if g in seen] != seen:
        flags.append("graded cells were moved (the source's order is used)")
    return flags


# --- grading: a class --------------------------------------------------------------------------------

def assignment_of(path, sources, forced):
    """The source notebook a submission answers: --assignment, its metadata, its file name, its grade ids."""
    if forced:
        return sources[forced]
    try:
        meta = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {}).get("latent_lab", {}).get("assignment")
        if meta in sources:
            return sources[meta]
    except Exception:
        pass
    for stem, p in sources.items():
        if stem in path.name or stem.split("-")[0] == path.stem.split("-")[0] or path.stem.endswith("-" + stem.split("-")[0]):
            return p
    try:
        nb = nbformat.read(path, as_version=4)
        ids = {grade_info(c)["grade"] for c in nb.cells if grade_info(c)}
        for stem, p in sources.items():
            src_ids = {grade_info(c)["grade"] for c in nbformat.read(p, as_version=4).cells if grade_info(c)}
            if ids & src_ids:
                return p
    except Exception:
        pass
    return sources[next(iter(sources))] if len(sources) == 1 else None


def worker(sub, source, ref_json, out_json, a, budget):
    cmd = [sys.executable, str(Path(__file__).resolve()), "_grade_one", str(sub), str(source), ref_json or "",
           str(a.timeout), str(a.memory_mb), "1" if a.sandbox else "0", out_json]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=budget)
    except subprocess.TimeoutExpired:
        return None, f"grading this submission took over {budget} s and was stopped"
    if r.returncode != 0 or not Path(out_json).exists():
        return None, (r.stderr.strip().splitlines() or ["grader error"])[-1][:300]
    return json.loads(Path(out_json).read_text()), None


def grade(a):
    (ROOT / "build").mkdir(exist_ok=True)
    lib = Path(tempfile.mkdtemp(prefix=".grading-lib-", dir=ROOT / "build"))  # inside the project: its packages resolve
    try:
        t0 = time.monotonic()
        os.environ["LL_GRADING_LIB"] = str(grading_library(lib))  # the workers inherit it
        print(f"grading library: {lib} ({time.monotonic() - t0:.1f} s)", flush=True)
        grade_class(a)
    finally:
        shutil.rmtree(lib, ignore_errors=True)


def grade_class(a):
    sources = {p.stem: p for p in sorted(Path(a.source).glob("*.ipynb"))}
    if not sources:
        raise SystemExit(f"grade: no source notebooks in {a.source}")
    if a.assignment and a.assignment not in sources:
        raise SystemExit(f"grade: no assignment '{a.assignment}' in {a.source} (have: {', '.join(sources)})")
    subs = sorted(p for p in Path(a.submissions).iterdir() if p.is_file() and not p.name.startswith("."))
    if not subs:
        raise SystemExit(f"grade: no submissions in {a.submissions}")
    out = Path(a.out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="ll-grades-"))
    # Each submission is graded from its own copy (copied before any runs, so none can change another).
    copies = scratch / "copies"
    copies.mkdir()
    plan = []
    for k, p in enumerate(subs):
        c = copies / f"{k:05d}{''.join(p.suffixes)[-20:]}"
        shutil.copyfile(p, c)
        plan.append((p, c, assignment_of(p, sources, a.assignment)))
    t0 = time.monotonic()
    needed = sorted({s for _, _, s in plan if s is not None})
    refs = {}

    def reference(s):
        rj = str(scratch / f"ref-{s.stem}.json")
        return s, rj, worker(s, s, None, rj, a, budget=a.timeout * 40 + 120)

    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for s, rj, (res, err) in pool.map(reference, needed):
            if err:
                raise SystemExit(f"grade: the reference run of {s.name} failed: {err}")
            Path(rj).write_text(json.dumps(res["reference"]))
            refs[s] = (rj, res["reference"])
    print(f"reference runs: {len(needed)} assignment(s) in {time.monotonic() - t0:.1f} s", flush=True)

    def one(k):
        p, c, s = plan[k]
        if s is None:
            return p, None, {"flags": [], "rows": [{"exercise": "?", "points": 0.0, "max": 0.0,
                                                    "feedback": "could not tell which assignment this is (use --assignment)"}]}
        exercises = [(grade_info(x)["grade"], float(grade_info(x).get("points", 1))) for x in nbformat.read(s, as_version=4).cells if grade_info(x)]
        ncells = 40
        try:
            ncells = len(json.loads(c.read_text(encoding="utf-8")).get("cells", [])) + len(exercises) + 2
        except Exception:
            pass
        res, err = worker(c, s, refs[s][0], str(scratch / f"res-{k:05d}.json"), a, budget=a.timeout * min(ncells, 60) + 120)
        if err:
            res = {"flags": [], "rows": [{"exercise": g, "points": 0.0, "max": pts, "feedback": err} for g, pts in exercises]}
        return p, s, res

    table = []
    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for p, s, res in pool.map(one, range(len(plan))):
            student = p.stem if p.suffix == ".ipynb" else p.name
            rows = res["rows"]
            for r in rows:
                table.append({"student": student, "assignment": s.stem if s else "?", **r,
                              "feedback": r["feedback"].replace("\n", " "), "flags": "; ".join(res["flags"])})
            total, mx = sum(r["points"] for r in rows), sum(r["max"] for r in rows)
            print(f"{student:24} {total:5.1f} / {mx:5.1f}" + ("  [graded cells tampered with]" if res["flags"] else ""), flush=True)
            write_feedback(out / "feedback" / f"{student}.md", student, s, rows, res["flags"])
    shutil.rmtree(scratch, ignore_errors=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["student", "assignment", "exercise", "points", "max", "feedback", "flags"])
        w.writeheader()
        w.writerows(table)
    lines = ["| student | exercise | points | max | feedback |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {r['student']} | {r['exercise']} | {r['points']:g} | {r['max']:g} | {r['feedback'].replace('|', '/')} |" for r in table]
    lines += ["", "| student | total | max | flags |", "| --- | --- | --- | --- |"]
    for st in sorted({r["student"] for r in table}):
        rs = [r for r in table if r["student"] == st]
        lines.append(f"| {st} | {sum(r['points'] for r in rs):g} | {sum(r['max'] for r in rs):g} | {rs[0]['flags'].replace('|', '/')} |")
    (out / "grades.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"graded {len(plan)} submission(s) in {time.monotonic() - t0:.1f} s with --jobs {a.jobs}")
    print(f"report: {out / 'grades.csv'}, {out / 'grades.md'} and {out / 'feedback'}/")


def write_feedback(path, student, source, rows, flags):
    lines = [f"# Feedback for {student}", "", f"Assignment: {source.stem if source else 'unknown'}", "",
             f"Total: **{sum(r['points'] for r in rows):g} / {sum(r['max'] for r in rows):g}**", ""]
    if flags:
        lines += ["Graded cells: " + "; ".join(flags) + ".", ""]
    lines += ["| exercise | points | feedback |", "| --- | --- | --- |"]
    lines += [f"| {r['exercise']} | {r['points']:g} / {r['max']:g} | {r['feedback'].replace('|', '/') or 'ok'} |" for r in rows]
    lines += ["", "Hidden tests report only passed or failed."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_grade_one":
        sub, source, ref, timeout, mem, sandbox, out_json = sys.argv[2:9]
        grade_one(sub, source, ref or None, int(timeout), int(mem), sandbox == "1", out_json)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--source", default=str(ROOT / "notebooks" / "exercises"))
    g.add_argument("--out", default=str(ROOT / "build" / "assignments"))
    r = sub.add_parser("grade")
    r.add_argument("submissions")
    r.add_argument("--out", default=str(ROOT / "build" / "grades"))
    r.add_argument("--source", default=str(ROOT / "notebooks" / "exercises"), help="the source notebooks")
    r.add_argument("--assignment", help="the source notebook's name (without .ipynb) every submission answers")
    r.add_argument("--timeout", type=int, default=30, help="seconds per cell (default 30)")
    r.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel (default 1)")
    r.add_argument("--memory-mb", type=int, default=2048, help="the kernel's heap limit in MB (default 2048)")
    r.add_argument("--no-sandbox", dest="sandbox", action="store_false", help="run without Node's permission model")
    a = ap.parse_args()
    if a.cmd == "generate":
        generate(a.source, a.out)
    else:
        if a.timeout <= 0 or a.jobs <= 0 or a.memory_mb <= 0:
            raise SystemExit("grade: --timeout, --jobs and --memory-mb must be positive")
        grade(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
