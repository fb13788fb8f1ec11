#!/usr/bin/python3
"""Homework: one source notebook per assignment makes the student and the instructor versions, and a
grader scores a folder of submissions (as nbgrader does, for the Latent Lab kernel).

    /usr/bin/python3 tools/assignments.py generate [--source notebooks/exercises] [--out build/assignments]
    /usr/bin/python3 tools/assignments.py grade SUBMISSIONS_DIR [--out REPORT_DIR] [--timeout 30] [--jobs N]
        [--source notebooks/exercises] [--assignment NAME] [--memory-mb 2048] [--partial-credit] [--no-sandbox]

Source notebooks. Code between `// BEGIN SOLUTION` and `// END SOLUTION` is the answer: the student
version replaces it with a `throw`, the instructor version keeps it. Code between `// BEGIN HIDDEN TESTS`
and `// END HIDDEN TESTS` in a graded cell is a hidden test: the student version does not contain it,
grading runs it. Markdown between `<!-- BEGIN INSTRUCTOR -->` and `<!-- END INSTRUCTOR -->` is for
instructors only. A graded cell carries metadata {"latent_lab": {"grade": "ex1.1", "points": 2}} and
holds ll.check(name, got, expected, options) calls.

Grading (see README, "Homework"). Every entry of the submissions folder gets its rows (a link, a folder or
any other non-file is rejected with the reason). Each notebook is matched to its assignment (notebook
metadata, file name, or its grade ids), copied, and run alone in a fresh kernel inside an operating-system
box (tools/sandbox.py: bubblewrap; only the kernel's code, the bundled library and its packages, read-only;
its own folder; no network; an unprivileged uid; resource limits). The student's own cells run first; then
every graded cell of the *source* notebook, with the source's grade id and points, whatever the submission
did to it (changed, deleted, moved or added graded cells are reported). In a student's run each ll.check
loses its expected argument and records only the value the student's code computed; the grader compares it
in Python with the expected value that the same check computed in a reference run of the instructor
version, with the check's tolerances. An exercise earns its points when every check passes (or, with
--partial-credit, per passing check); a throw, a timeout, a dead kernel or a missing record earns nothing.
A dead kernel is restarted and the student's cells that ran before are replayed. Every submission gets a
row per exercise in grades.csv, a feedback report (feedback/<student>.md: hidden tests only passed or
failed) and an instructor's report (instructor/<student>.md: every check, hidden tests named with the
input they state, the expected and the got values, and the run's gradingSeed).
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
import signal
import stat
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


def generate(source, out, checks=True, run=False, sandbox=True):
    """Writes the student and instructor versions of every source. checks: the authoring checks first
    (tools/authoring.py: grades declared with `// @grade`, banned functions in visible checks, names the
    library lacks); run: then grade the instructor versions, which must score full marks."""
    sources = sorted(Path(source).glob("*.ipynb"))
    if not sources:
        raise SystemExit(f"assignments: no source notebooks in {source}")
    if checks or run:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import authoring
    if checks:
        try:
            authoring.check_sources(sources)
        except authoring.AuthoringError as e:
            raise SystemExit(f"assignments: the sources have authoring mistakes:\n{e}")
    for p in sources:
        nb = nbformat.read(p, as_version=4)
        if not any(grade_info(c) for c in nb.cells):
            raise SystemExit(f"assignments: {p} has no graded cell")
        for kind in ("student", "instructor"):
            d = Path(out) / kind
            d.mkdir(parents=True, exist_ok=True)
            nbformat.write(make_version(nb, kind == "student", p.stem), d / p.name)
        print(f"{p.name}: student and instructor versions in {out}/")
    if run:
        problems = authoring.instructor_scores_full(sources, out, sandbox=sandbox)
        if problems:
            raise SystemExit("assignments: the instructor versions do not score full marks:\n" + "\n".join(problems))
        print(f"instructor versions: full marks in the grading kernel ({len(sources)} assignment(s))")


# --- grading: the notebook that runs ----------------------------------------------------------------

CHECK_CALL = re.compile(r"\bll\s*\.\s*check\s*\(")
CLOSE = {"(": ")", "[": "]", "{": "}"}


def call_arguments(src, start):
    """The top-level arguments of the call whose "(" is at src[start - 1]: [(begin, end)] spans and the index
    of its ")". A scanner of JavaScript's strings, template literals (with ${...}), comments and brackets:
    enough for the graded cells an instructor writes (not regular-expression literals holding brackets)."""
    stack, spans, begin, i, n = [")"], [], start, start, len(src)
    while i < n:
        ch = src[i]
        top = stack[-1]
        if top == "`":  # inside a template literal
            if ch == "\\":
                i += 2
                continue
            if ch == "`":
                stack.pop()
            elif src.startswith("${", i):
                stack.append("}")
                i += 1
            i += 1
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if ch in "'\"":
            i += 1
            while i < n and src[i] != ch:
                i += 2 if src[i] == "\\" else 1
            i += 1
            continue
        if ch == "`":
            stack.append("`")
        elif ch in CLOSE:
            stack.append(CLOSE[ch])
        elif ch in ")]}":
            if ch != top:
                raise ValueError(f"unbalanced '{ch}' at offset {i}")
            stack.pop()
            if not stack:
                spans.append((begin, i))
                return spans, i
        elif ch == "," and len(stack) == 1:
            spans.append((begin, i))
            begin = i + 1
        i += 1
    raise ValueError("a call that does not end")


def in_text(src):
    """For each character of SRC, whether it is inside a string, a template literal's text or a comment."""
    mask, stack, i, n = bytearray(len(src)), [], 0, len(src)

    def mark(a, b):
        mask[a:b] = b"\x01" * (min(b, n) - a)
    while i < n:
        ch = src[i]
        if stack and stack[-1] == "`":
            if ch == "\\":
                mark(i, i + 2)
                i += 2
            elif ch == "`":
                mark(i, i + 1)
                stack.pop()
                i += 1
            elif src.startswith("${", i):
                mark(i, i + 2)
                stack.append("}")
                i += 2
            else:
                mark(i, i + 1)
                i += 1
            continue
        if src.startswith("//", i) or src.startswith("/*", i):
            j = src.find("\n", i) if src[i + 1] == "/" else src.find("*/", i + 2) + 2
            j = n if j < (1 if src[i + 1] == "/" else 2) else j
            mark(i, j)
            i = j
            continue
        if ch in "'\"":
            j = i + 1
            while j < n and src[j] != ch:
                j += 2 if src[j] == "\\" else 1
            mark(i, j + 1)
            i = j + 1
            continue
        if ch == "`":
            mark(i, i + 1)
            stack.append("`")
        elif ch == "{" and stack:
            stack.append("{")
        elif ch == "}" and stack:
            if stack.pop() == "}":
                mark(i, i + 1)  # back in the template's text
        i += 1
    return mask


def without_expected(src):
    """SRC with every ll.check(name, got, expected, options) turned into ll.check(name, got, undefined, options):
    in a student's run the graded cell computes only the student's values, never an expected one."""
    out, pos, text = [], 0, in_text(src)
    for m in CHECK_CALL.finditer(src):
        if m.start() < pos or text[m.start()]:
            continue  # inside a call already rewritten, or in a string or a comment
        spans, close = call_arguments(src, m.end())
        if len(spans) >= 3:
            b, e = spans[2]
            out.append(src[pos:b] + " undefined")
            pos = e
    return "".join(out) + src[pos:]


DECLARATION_START = re.compile(r"^([ \t]*)(?:const|let|var)[ \t]+[A-Za-z_$]", re.M)


def declarations(src):
    """SRC's declarations that start a line, one line or many: [(start, end, indent, depth-0 text)], END just past
    the `;` that ends the statement at bracket depth 0 (and the rest of its line when only blanks follow). A
    declaration without that `;` is left out: it stays as written."""
    text, out = in_text(src), []
    for m in DECLARATION_START.finditer(src):
        if text[m.start(1) + len(m.group(1))]:
            continue
        depth, flat, i, n = 0, [], m.start(), len(src)
        while i < n:
            ch = src[i]
            if text[i]:
                flat.append(" ")
            elif ch in "([{":
                depth += 1
                flat.append(" ")
            elif ch in ")]}":
                depth -= 1
                flat.append(" ")
            elif ch == ";" and depth == 0:
                end = i + 1
                rest = re.match(r"[ \t]*(?=\n|$)", src[end:])
                out.append((m.start(), end + (rest.end() if rest else 0), m.group(1), "".join(flat) + ";"))
                break
            else:
                flat.append(ch if depth == 0 else " ")
            if depth < 0:
                break
            i += 1
    return out


# `const testImages = draw(...); // @given` at the top level of a graded cell: computed in the reference run only,
# and given to every student's run as its plain value (data no student cell can have changed).
GIVEN_MARK = re.compile(r"[ \t]*//[ \t]*@given\b")


def student_declarations(src, answers, given):
    """A graded cell's declarations (one line or many), as a student's run needs them once expected values are
    gone: a name no longer used (it only served an expected value, such as a literal table of expected values)
    is not computed at all; a top-level name computed with a library answer (inputs built with a hidden class),
    or marked `// @given` after its `;`, is replaced by its value from the reference run (GIVEN: plain data);
    the others stay. Returns (source, names the reference run must give)."""
    hidden = {a.rsplit(".", 1)[-1] for a in answers}
    needs, out, pos = [], [], 0
    for start, end, indent, flat in declarations(src):
        if start < pos:
            continue
        statement = src[start:end]
        rest = src[:start] + src[end:]
        names = re.findall(r"(?:\b(?:const|let|var)|,)\s*([A-Za-z_$][\w$]*)\s*(?::[^=,]+)?=(?![=>])", flat)
        keep = statement
        if not any(re.search(rf"(?<![\w$.]){re.escape(n)}(?![\w$])", rest) for n in names):
            keep = ""
        elif not indent and len(names) == 1 and (GIVEN_MARK.match(src, end) or any(re.search(rf"(?<![\w$]){re.escape(h)}(?![\w$])", statement) for h in hidden)):
            needs.append(names[0])
            if given is not None and names[0] in given:
                keep = f"const {names[0]}: any = {json.dumps(given[names[0]])};"
        out.append(src[pos:start] + keep)
        pos = end
    return "".join(out) + src[pos:], needs


def given_names(source, answers):
    """The names of a graded cell whose values the reference run records for the students' runs."""
    return student_declarations(without_expected(source), answers, None)[1]


def graded_source(source, grader, reference, seed, answers=(), given=None):
    """A graded cell of the source as it runs at grading: ll.check records into the grader, hidden tests
    are marked, and the whole cell is one block that always ends by printing its record. In a student's
    run no check computes its expected value (without_expected), nothing computed only for an expected
    value runs, and inputs built with a library answer come as plain values from the reference run
    (student_declarations; GIVEN). `gradingSeed` is this grading run's seed (the same in the reference run
    and every student's run): hidden tests may draw their inputs from it."""
    src = re.sub(r"^[ \t]*// (BEGIN|END) SOLUTION[^\n]*\n?", "", source, flags=re.M)
    if reference:
        wanted = set(given_names(src, answers))
        for start, end, _, flat in reversed(declarations(src)):
            name = re.match(r"\s*(?:const|let|var)\s+([A-Za-z_$][\w$]*)", flat).group(1)
            if name in wanted:
                statement = src[start:end].rstrip()
                src = src[:start] + statement + f" {grader}.given({json.dumps(name)}, {name});" + src[start + len(statement):]
                wanted.discard(name)
    else:
        src, _ = student_declarations(without_expected(src), answers, given or {})
    src = re.sub(r"^[ \t]*// BEGIN HIDDEN TESTS[^\n]*$", f"{grader}.hidden(true);", src, flags=re.M)
    src = re.sub(r"^[ \t]*// END HIDDEN TESTS[^\n]*$", f"{grader}.hidden(false);", src, flags=re.M)
    src = CHECK_CALL.sub(f"{grader}.check(", src)
    return (f"declare const {grader}: any;\n"
            f'{grader}.begin({"true" if reference else "false"});\n'
            f"try {{\nconst ll = {grader}.lib();\nconst gradingSeed = {int(seed)};\n{src}\n}} catch (__llg_error) {{ {grader}.fail(__llg_error); }} "
            f"finally {{ {grader}.end(); }}\n")


SKIP_TAG = "skip-grading"


def build_run(source_nb, student_nb, reference, seed, given=None):
    """[(kind, grade id or None, source)] for a graded run: setup, the student's non-graded code cells (but those
    tagged skip-grading: a long run such as a minute of training, which the graded cells redo on their own terms),
    then the source's graded cells. The library answers are hidden in a student's run, not in the reference run."""
    grader = "__GRADER_" + secrets.token_hex(8) + "__"
    answers = source_nb.metadata.get("latent_lab", {}).get("library_answers", [])
    setup = SETUP_TS.read_text(encoding="utf-8").replace("declare const __FORBIDDEN__: unknown;\n", "")
    setup = setup.replace("__GRADER__", grader).replace("__FORBIDDEN__", json.dumps([] if reference else answers))
    ids = {grade_info(c)["grade"] for c in source_nb.cells if grade_info(c)}
    cells = [("setup", None, setup)]
    for c in student_nb.cells:
        if c.cell_type != "code":
            continue
        info = grade_info(c)
        if info and info["grade"] in ids:
            continue  # replaced by the source's cell
        tags = c.get("metadata", {}).get("tags")
        if isinstance(tags, list) and SKIP_TAG in tags:
            continue  # the student's own long run (a minute of training): graded cells do their own
        cells.append(("student", None, c.source))
    for c in source_nb.cells:
        info = grade_info(c)
        if info:
            cells.append(("graded", info["grade"], graded_source(c.source, grader, reference, seed, answers, (given or {}).get(info["grade"]))))
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


def box_uid():
    """The unprivileged uid (and gid) of this worker's boxes: one per worker process, so that one box's
    processes never count against another's process limit (RLIMIT_NPROC is per uid)."""
    return 200000 + os.getpid() % 100000


def kernelspec_dir(tmp, work, ipc, memory_mb, sandbox):
    """A grading-only kernelspec in its own JUPYTER_PATH. With the sandbox: the kernel runs in a box
    (tools/sandbox.py: its own mount, pid, network and user namespaces, an unprivileged uid, resource
    limits) holding only the kernel's code, the grading library and its packages, read-only, and the
    submission's folder WORK; it talks to the grader over Unix sockets in IPC. Node's permission model is
    kept inside the box as a second fence. Interrupts by message; a heap limit."""
    spec = json.loads((ROOT / ".jupyter" / "kernels" / "latent-lab" / "kernel.json").read_text())
    argv = list(spec["argv"])
    node, rest = argv[0], argv[1:]
    flags = [f"--max-old-space-size={memory_mb}"]
    # The kernel would preload dist/src, not the bundle; the bundle would look for the addon by walking up
    # from its folder (Node 20's existsSync throws on a path it may not read): it is named instead.
    env = {"LATENT_PRELOAD": "0", "LATENT_NATIVE_ADDON": str(ROOT / "native" / "build" / "Release" / "latent_blas.node")}
    if os.environ.get("LATENT_THREADS"):
        env["LATENT_THREADS"] = os.environ["LATENT_THREADS"]  # grade() divides the cores among --jobs kernels; the box clears the rest
    if sandbox:
        # Reads: the kernel's own code (dist/kernel; not dist/src, whose modules hold the answers), the
        # grading library (its symlinks lead to the packages below), every package except latent-lab (a
        # symlink to the whole repository), the native addon and the submission's folder.
        packages = [e for e in sorted((ROOT / "node_modules").iterdir()) if e.name not in ("latent-lab", ".bin", ".cache", ".package-lock.json")]
        reads = [ROOT / "dist" / "kernel", library_dir().parent, *packages, ROOT / "native" / "build", Path(work)]
        flags += ["--experimental-permission", "--allow-worker", "--allow-addons", "--no-warnings"]
        flags += [f"--allow-fs-read={p}/*" for p in reads]
        flags += [f"--allow-fs-read={ROOT / 'package.json'}", "--allow-fs-read=/etc/alpine-release", "--allow-fs-read=/proc/cpuinfo",
                  f"--allow-fs-read={ROOT / 'native' / 'binding.gyp'}",
                  "--allow-fs-read={connection_file}",
                  f"--allow-fs-write={work}/*"]
        box_reads = [ROOT / "dist" / "kernel", library_dir().parent, *packages, ROOT / "native" / "build",
                     ROOT / "native" / "build" / "Release" / "latent_blas.node", ROOT / "package.json", ROOT / "native" / "binding.gyp"]
        box_reads += box_libraries()
        limits = {"data": (memory_mb + 3072) * 2 ** 20, "nproc": 256, "nofile": 1024, "fsize": 256 * 2 ** 20, "cpu": 3600}
        box_env = {**env, "HOME": str(work), "TMPDIR": "/tmp", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        spec["argv"] = sandbox_mod().box_command([node, *flags, *rest], work=work, ipc=ipc, reads=[str(r) for r in box_reads],
                                                 limits=limits, env=box_env, uid=box_uid())
    else:
        spec["argv"] = [node, *flags, *rest]
        spec["env"] = {**spec.get("env", {}), **env}
    spec["display_name"] = "Latent Lab (grading)"
    d = Path(tmp) / "jupyter" / "kernels" / "latent-lab-grading"
    d.mkdir(parents=True, exist_ok=True)
    (d / "kernel.json").write_text(json.dumps(spec, indent=1))
    return str(Path(tmp) / "jupyter")


def box_libraries():
    """The shared libraries that Node and the packages' native addons load (ldd), found once per grading run
    (grade() keeps them in LL_BOX_LIBS for its workers)."""
    if os.environ.get("LL_BOX_LIBS"):
        return os.environ["LL_BOX_LIBS"].split(os.pathsep)
    addons = [str(p) for p in [ROOT / "native" / "build" / "Release" / "latent_blas.node",
                               *(ROOT / "node_modules").glob("**/*.node")] if "latent-lab" not in p.relative_to(ROOT).parts[:2]]
    node = json.loads((ROOT / ".jupyter" / "kernels" / "latent-lab" / "kernel.json").read_text())["argv"][0]
    libs = list(sandbox_mod().shared_libraries(str(Path(node).resolve()), *addons))
    os.environ["LL_BOX_LIBS"] = os.pathsep.join(libs)
    return libs


def sandbox_mod():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import sandbox
    return sandbox


def kernel_manager(ipc, sandbox, n):
    """A kernel manager for the grading kernelspec. In the sandbox its connection file and sockets are in
    IPC (ZMQ's ipc transport: the box has no network), handed over to the box's user."""
    from jupyter_client import KernelManager
    if not sandbox:
        return KernelManager(kernel_name="latent-lab-grading")
    km = KernelManager(kernel_name="latent-lab-grading", transport="ipc", connection_file=str(Path(ipc) / f"k{n}.json"))
    km.write_connection_file()
    sandbox_mod().hand_over(km.connection_file, box_uid())
    return km


def record_of(outputs):
    """The grader's record printed by a graded cell, or None (exactly one must be there)."""
    found = []
    for o in outputs:
        if o.get("output_type") == "stream":
            for line in o.get("text", "").splitlines():
                if line.startswith(MARK + " "):
                    found.append(line[len(MARK) + 1:])
    if len(found) != 1:
        return None
    try:
        rec = json.loads(found[0])
    except ValueError:
        return None
    return rec if isinstance(rec, dict) and isinstance(rec.get("records"), list) else None


def execute(cells, work, timeout, memory_mb, sandbox, longer=None):
    """Runs the cells in fresh kernels (restarted when one dies); returns {grade id: outcome}. LONGER: {grade id:
    seconds} for graded cells the source gives more time than --timeout (a3's training: `// @timeout 120`)."""
    longer = longer or {}
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    tmp = tempfile.mkdtemp(prefix="ll-spec-")
    ipc = Path(tmp) / "ipc"
    ipc.mkdir()
    if sandbox:
        os.chmod(tmp, 0o711)  # the box's user passes through to its sockets' folder
        sandbox_mod().hand_over(ipc, box_uid())
    os.environ["JUPYTER_PATH"] = kernelspec_dir(tmp, work, ipc, memory_mb, sandbox)  # this worker process only
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for _, _, src in cells])
    nb.metadata["kernelspec"] = {"name": "latent-lab-grading", "display_name": "Latent Lab (grading)", "language": "typescript"}
    outcomes, ran, i, restarts = {}, [], 1, 0
    first_compile_error = None
    try:
        while i < len(cells):
            client = NotebookClient(nb, km=kernel_manager(ipc, sandbox, restarts), timeout=timeout, kernel_name="latent-lab-grading",
                                    allow_errors=True, interrupt_on_timeout=True, resources={"metadata": {"path": work}})
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
                    kind, gid, _ = cells[i]
                    cell = nb.cells[i]
                    limit = max(timeout, longer.get(gid, 0)) if kind == "graded" else timeout
                    client.timeout = limit
                    t0 = time.monotonic()
                    # A watchdog: when an interrupt does not stop the cell, the kernel is killed (and restarted).
                    stuck = threading.Event()

                    def kill(client=client):
                        stuck.set()
                        try:
                            client.km.provisioner.process.kill()
                        except Exception:
                            pass
                    watchdog = threading.Timer(limit + 15, kill)
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
                        interrupted = any(e.ename == "Interrupted" for e in errs) or elapsed >= limit
                        outcomes[gid] = {"timeout": True} if interrupted else {"record": record_of(cell.outputs)}
                        # a cell that did not compile has no record: say so, and name the student's cell that did not compile first
                        compiled = [e for e in errs if e.ename == "TypeScriptError"]
                        if compiled and not interrupted:
                            outcomes[gid]["compile"] = (f"{first_compile_error}; then this cell: " if first_compile_error else "") + compiled[0].evalue
                    elif not errs or elapsed < timeout:
                        ran.append(i)
                    if kind == "student" and first_compile_error is None and any(e.ename == "TypeScriptError" for e in errs):
                        first_compile_error = f"your code cell {sum(1 for c in cells[:i + 1] if c[0] == 'student')} did not compile: " + next(
                            e.evalue for e in errs if e.ename == "TypeScriptError")
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
    """A number as the notebook prints it: NaN, Infinity and -Infinity spelled as JavaScript does."""
    if isinstance(v, str):
        return v
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.2e}" if abs(v) < 1e-3 else f"{v:.6g}"


def fmt_all(vs):
    return fmt(vs[0]) if len(vs) == 1 else "[" + ", ".join(fmt(v) for v in vs[:6]) + (", …" if len(vs) > 6 else "") + "]"


def as_float(v):
    return float(v) if isinstance(v, (int, float)) else float(v.replace("Infinity", "inf"))


def compare(ref, got_rec, hidden_index):
    """(passed, one line of feedback) of one check: the student's value against the reference run's. A visible
    check's line names its input, the expected and the got values and, when it fails, its hint; a hidden
    test's line says only passed or failed."""
    name = ref.get("name", "check")
    hidden = bool(ref.get("hidden"))
    label = f"hidden test {hidden_index}" if hidden else name + (f" for {ref['input']}" if ref.get("input") else "")
    hint = f" Hint: {ref['hint']}" if ref.get("hint") and not hidden else ""
    exp = [as_float(x) for x in ref["expected"]]

    def fail(text):
        return False, (f"✗ {label}: failed" if hidden else f"✗ {label}: {text}{hint}")
    got = got_rec.get("got") if isinstance(got_rec, dict) else None
    if not isinstance(got, list):
        what = got_rec.get("gotType", "nothing") if isinstance(got_rec, dict) else "nothing"
        if what == "undefined":
            what = "undefined (did the function return a value?)"
        return fail(f"expected {fmt_all(exp) if len(exp) <= 6 else f'{len(exp)} numbers'}, got {what}.")
    try:
        g = [as_float(x) for x in got]
    except (ValueError, AttributeError, TypeError):
        return fail("got something that is not numbers.")
    if len(g) != len(exp):
        return fail(f"expected {len(exp)} number(s), got {len(g)}.")
    rtol, atol = float(ref.get("rtol", 1e-6)), float(ref.get("atol", 1e-9))
    for k, (v, e) in enumerate(zip(g, exp)):
        close = v == e or (math.isnan(v) and math.isnan(e)) or (math.isfinite(e) and abs(v - e) <= atol + rtol * abs(e))
        if not close:
            at = f" (entry {k})" if len(exp) > 1 else ""
            return fail(f"expected{at} {fmt(e)}" + (f" ± {fmt(atol + rtol * abs(e))}" if math.isfinite(e) else "") + f", got {fmt(v)}.")
    return True, (f"✓ {label}: passed" if hidden else f"✓ {label}: expected {fmt_all(exp)}, got {fmt_all(g)}")


def detail(ref, got_rec, hidden_index, passed):
    """The instructor's line for one check: hidden tests named (their index, the check's name and the input
    it states) with every value, the expected ones with the tolerance and the got ones; the student's report
    never holds this line."""
    name = ref.get("name", "check")
    label = (f"hidden test {hidden_index}: " if ref.get("hidden") else "") + name + (f" for {ref['input']}" if ref.get("input") else "")
    exp = [as_float(x) for x in ref["expected"]]
    rtol, atol = float(ref.get("rtol", 1e-6)), float(ref.get("atol", 1e-9))
    got = got_rec.get("got") if isinstance(got_rec, dict) else None
    if isinstance(got, list):
        try:
            shown = fmt_values([as_float(x) for x in got])
        except (ValueError, AttributeError, TypeError):
            shown = "something that is not numbers"
    else:
        shown = got_rec.get("gotType", "nothing") if isinstance(got_rec, dict) else "nothing"
    return f"{'✓' if passed else '✗'} {label}: expected {fmt_values(exp)} (± {fmt(atol)} + {fmt(rtol)}·|expected|), got {shown}"


def fmt_values(vs, most=24):
    """Every value (up to MOST, then how many more), for the instructor."""
    text = ", ".join(fmt(v) for v in vs[:most]) + (f", … ({len(vs) - most} more)" if len(vs) > most else "")
    return text if len(vs) == 1 else f"[{text}]"


RULES = {
    False: "all-or-nothing: an exercise earns its points only when every one of its checks passes, hidden tests included.",
    True: "per check: an exercise's points are shared equally among its checks (hidden tests included); each passing check earns its share.",
}


def score(exercises, reference, outcomes, timeout, partial=False):
    """Rows {exercise, points, max, lines} for every exercise of the assignment: `lines` holds what went wrong
    with the cell, if anything, then one line per check of the reference run (✓ or ✗)."""
    rows = []
    for gid, points in exercises:
        ref = reference[gid]
        out = outcomes.get(gid)
        lines, results, details = [], [], []
        if out is None:
            lines.append("✗ did not run (the kernel died too often)")
        elif out.get("died"):
            lines.append("✗ the kernel died (crash, exit or memory limit); it was restarted for the next cells")
        elif out.get("timeout"):
            lines.append(f"✗ stopped after {timeout} s (per-cell timeout)")
        elif not out.get("record") and out.get("compile"):
            lines.append(f"✗ compile error: {out['compile']}")
        elif not out.get("record"):
            lines.append("✗ no result came back from the checks (the output was tampered with or lost)")
        else:
            rec = out["record"]
            got = rec["records"]
            if rec.get("error"):
                lines.append(f"✗ the cell stopped with an error: {rec['error']}")
            elif len(got) != len(ref):
                lines.append(f"✗ {len(got)} check(s) ran instead of {len(ref)}")
            hidden = 0
            for k, r in enumerate(ref):
                if r.get("hidden"):
                    hidden += 1
                if k < len(got):
                    results.append(compare(r, got[k], hidden))
                    details.append(detail(r, got[k], hidden, results[-1][0]))
                else:
                    label = f"hidden test {hidden}" if r.get("hidden") else r.get("name", "check") + (f" for {r['input']}" if r.get("input") else "")
                    results.append((False, f"✗ {label}: did not run"))
                    details.append(detail(r, {"gotType": "nothing (did not run)"}, hidden, False))
            if len(got) > len(ref):
                results.append((False, f"✗ {len(got) - len(ref)} check(s) more than the assignment has"))
        cell_lines = list(lines)
        lines.extend(t for _, t in results)
        npass = sum(ok for ok, _ in results[:len(ref)])
        if partial:
            earned = round(points * npass / len(ref), 4) if ref and results else 0.0
        else:
            errored = bool(out and out.get("record") and out["record"].get("error"))
            earned = points if results and npass == len(ref) and len(results) == len(ref) and not errored else 0.0
        rows.append({"exercise": gid, "points": float(earned), "max": points, "lines": lines,
                     "details": cell_lines + details})
    return rows


def cell_timeouts(nb):
    """{grade id: seconds} of the graded cells whose metadata asks for more than --timeout ("timeout": 120)."""
    out = {}
    for c in nb.cells:
        info = grade_info(c)
        if info and isinstance(info.get("timeout"), (int, float)) and info["timeout"] > 0:
            out[info["grade"]] = int(math.ceil(info["timeout"]))
    return out


def read_notebook(path):
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:  # any unreadable file: the reason goes in the report
        return None, f"not a readable notebook ({type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''})"
    if not any(c.cell_type == "code" for c in nb.cells):
        return nb, "the notebook has no code cells"
    return nb, None


def grade_one(sub, source_path, reference_path, timeout, memory_mb, sandbox, seed, partial, out_json):
    """Worker (its own process): grades one submission of one assignment into out_json."""
    source_nb = nbformat.read(source_path, as_version=4)
    saved = json.loads(Path(reference_path).read_text()) if reference_path else None
    reference = saved is None
    ref, given = (saved["checks"], saved["given"]) if saved else (None, None)
    exercises = [(grade_info(c)["grade"], float(grade_info(c).get("points", 1))) for c in source_nb.cells if grade_info(c)]
    student_nb, problem = (make_version(source_nb, False), None) if reference else read_notebook(sub)
    flags = []
    result = {"flags": flags}
    if problem:
        result["rows"] = [{"exercise": g, "points": 0.0, "max": p, "lines": [f"✗ {problem}"]} for g, p in exercises]
        Path(out_json).write_text(json.dumps(result))
        return
    if not reference:
        flags.extend(tamper_flags(source_nb, student_nb))
    work = tempfile.mkdtemp(prefix="ll-grade-")
    try:
        nbformat.write(student_nb, Path(work) / "submission.ipynb")
        os.symlink(library_dir(), Path(work) / "node_modules")  # "latent-lab" (code and types) is the bundle
        if sandbox:
            sandbox_mod().hand_over(work, box_uid())
        cells = build_run(source_nb, student_nb, reference, seed, given)
        outcomes = execute(cells, work, timeout, memory_mb, sandbox, cell_timeouts(source_nb))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if reference:
        recs, givens = {}, {}
        answers = source_nb.metadata.get("latent_lab", {}).get("library_answers", [])
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
            givens[gid] = rec.get("given") or {}
            cell = next(c for c in source_nb.cells if grade_info(c) and grade_info(c)["grade"] == gid)
            missing = [n for n in given_names(cell.source, answers) if n not in givens[gid]]
            if missing:
                raise SystemExit(f"grade: {Path(source_path).name} {gid}: the reference run gave no plain value for {', '.join(missing)}")
        result["reference"] = {"checks": recs, "given": givens}
    else:
        result["rows"] = score(exercises, ref, outcomes, timeout, partial)
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


def printable(s, newlines=True):
    """S as text that any file, terminal or CSV reader takes: bytes of a file name that are not UTF-8 as \\xNN,
    lone surrogates (a JavaScript string can hold them) as \\uXXXX, control characters as \\xNN."""
    out = []
    for c in s if isinstance(s, str) else str(s):
        o = ord(c)
        if 0xdc80 <= o <= 0xdcff:  # a byte that is not UTF-8, kept by os.fsdecode (surrogateescape)
            out.append(f"\\x{o - 0xdc00:02x}")
        elif 0xd800 <= o <= 0xdfff:
            out.append(f"\\u{o:04x}")
        elif (o < 0x20 and not (newlines and c in "\n\t")) or o == 0x7f:
            out.append(f"\\x{o:02x}")
        else:
            out.append(c)
    return "".join(out)


def markdown(s):
    """Text that Markdown shows as written, in a paragraph, a list item or a table cell: on one line, with
    the characters Markdown or HTML would read escaped (a | stays a |, not a column)."""
    s = printable(s).replace("\r", " ").replace("\n", " ")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\|`*_\[\]#~])", r"\\\1", s)


def file_stem(student, taken):
    """A feedback file's name for STUDENT: the name itself when it is plain, else its plain characters and
    a short hash; never one already TAKEN, never longer than 120 bytes."""
    plain = re.sub(r"[^A-Za-z0-9._+@-]", "_", student)[:100]
    plain = "_" + plain if plain.startswith(".") or not plain else plain
    stem = plain if plain == student else f"{plain}-{hashlib.sha256(student.encode('utf-8', 'backslashreplace')).hexdigest()[:8]}"
    k = 2
    while stem.lower() in taken:
        stem = f"{plain}-{k}"
        k += 1
    taken.add(stem.lower())
    return stem


def submissions(folder):
    """Every entry of the submissions folder as (path, student, problem): a regular file is graded (problem
    None); a symbolic link (never followed), a folder or any other kind of file gets its row with the reason.
    The student's name is the file name without ".ipynb", or the whole name when two entries would share
    it; names that are not UTF-8 are shown with \\xNN; two entries never share a student name."""
    entries = sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name))
    out = []
    for e in entries:
        try:
            st = os.lstat(e.path)
        except OSError as err:
            out.append((Path(e.path), f"could not read it ({err.strerror})"))
            continue
        if stat.S_ISLNK(st.st_mode):
            out.append((Path(e.path), "a symbolic link: not followed (submit the notebook file itself)"))
        elif stat.S_ISDIR(st.st_mode):
            out.append((Path(e.path), "a folder, not a notebook file"))
        elif not stat.S_ISREG(st.st_mode):
            out.append((Path(e.path), "not a regular file"))
        else:
            out.append((Path(e.path), None))
    stems = [p.name[:-len(".ipynb")] if p.name.endswith(".ipynb") and len(p.name) > len(".ipynb") else p.name for p, _ in out]
    result, seen = [], set()
    for (p, problem), stem in zip(out, stems):
        name = printable(stem if stems.count(stem) == 1 else p.name, newlines=False)
        base, k = name, 2
        while name in seen:
            name = f"{base} ({k})"
            k += 1
        seen.add(name)
        result.append((p, name, problem))
    return result


def assignment_by_name(path, sources, forced):
    """The source a file answers, from --assignment or its name only (the file is not opened)."""
    if forced:
        return sources[forced]
    for stem, p in sources.items():
        if stem in path.name or stem.split("-")[0] == path.stem.split("-")[0] or path.stem.endswith("-" + stem.split("-")[0]):
            return p
    return sources[next(iter(sources))] if len(sources) == 1 else None


LIVE = set()  # the worker processes running now: ended when the grader stops


def worker(sub, source, ref_json, out_json, a, budget):
    cmd = [sys.executable, str(Path(__file__).resolve()), "_grade_one", str(sub), str(source), ref_json or "",
           str(a.timeout), str(a.memory_mb), "1" if a.sandbox else "0", str(a.seed), "1" if a.partial_credit else "0", out_json]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="backslashreplace")
    LIVE.add(p)
    try:
        _, err = p.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return None, f"grading this submission took over {budget} s and was stopped"
    finally:
        LIVE.discard(p)
    if p.returncode != 0 or not Path(out_json).exists():
        return None, (err.strip().splitlines() or [f"grader error (exit {p.returncode})"])[-1][:300]
    return json.loads(Path(out_json).read_text()), None


def stop(signum, frame):
    raise SystemExit(128 + signum)


def grade(a):
    """Grades a class. Whatever happens (an error, Ctrl-C, SIGTERM), the worker processes are ended and the
    temporary folders (the grading library, the copies of the submissions, the reference values, the
    kernels' folders) are removed."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    if a.sandbox:
        why = sandbox_mod().unavailable()
        if why:
            raise SystemExit(f"grade: the sandbox is not available: {why}. (--no-sandbox grades without it: only for trusted notebooks.)")
        box_libraries()  # the workers inherit them
    a.seed = secrets.randbelow(2 ** 31)  # the hidden tests' inputs: drawn now, the same in every run of this grading
    # --jobs kernels grade side by side, and each would use every core: cores / jobs threads each (at least 1)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run_notebooks import pin_kernel_threads
    pin_kernel_threads(a.jobs)
    scratch = Path(tempfile.mkdtemp(prefix="ll-grades-"))
    lib = scratch / "grading-lib"  # its node_modules links to the project's packages
    lib.mkdir()
    os.chmod(lib, 0o755)  # the boxes' users read the library, and pass through scratch to their own folder only
    os.chmod(scratch, 0o711)
    os.environ["TMPDIR"] = str(scratch)  # the workers' temporary folders are inside it: removed with it
    try:
        t0 = time.monotonic()
        os.environ["LL_GRADING_LIB"] = str(grading_library(lib))  # the workers inherit it
        print(f"grading library: {lib} ({time.monotonic() - t0:.1f} s)", flush=True)
        grade_class(a, scratch)
    finally:
        for p in list(LIVE):
            try:
                p.terminate()
                p.wait(timeout=10)
            except Exception:
                p.kill()
        shutil.rmtree(lib, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


def grade_class(a, scratch):
    # The sources as they are now, for the reference runs and every student's run alike (an edit during
    # grading changes nothing).
    (scratch / "sources").mkdir()
    sources = {}
    for p in sorted(Path(a.source).glob("*.ipynb")):
        sources[p.stem] = scratch / "sources" / p.name
        shutil.copyfile(p, sources[p.stem])
    if not sources:
        raise SystemExit(f"grade: no source notebooks in {a.source}")
    if a.assignment and a.assignment not in sources:
        raise SystemExit(f"grade: no assignment '{a.assignment}' in {a.source} (have: {', '.join(sources)})")
    for s in sources.values():
        for c in nbformat.read(s, as_version=4).cells:
            if grade_info(c):
                try:
                    without_expected(c.source)
                except ValueError as e:
                    raise SystemExit(f"grade: {s.name} {grade_info(c)['grade']}: cannot read its ll.check calls ({e})")
    entries = submissions(a.submissions)
    if not entries:
        raise SystemExit(f"grade: no submissions in {a.submissions}")
    out = Path(a.out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "instructor").mkdir(parents=True, exist_ok=True)
    # Each submission is graded from its own copy (copied before any runs, so none can change another).
    copies = scratch / "copies"
    copies.mkdir()
    plan = []
    for k, (p, student, problem) in enumerate(entries):
        c = copies / f"{k:05d}.ipynb"
        if problem is None:
            try:
                with open(p, "rb") as src, open(c, "wb") as dst:  # not followed if it became a link meanwhile
                    if os.fstat(src.fileno()).st_ino != os.lstat(p).st_ino:
                        raise OSError("changed while reading")
                    shutil.copyfileobj(src, dst)
            except OSError as e:
                problem = f"could not read it ({e})"
        s = assignment_by_name(p, sources, a.assignment) if problem else assignment_of(p, sources, a.assignment)
        plan.append((p, student, c, s, problem))
    t0 = time.monotonic()
    needed = sorted({s for _, _, _, s, problem in plan if s is not None and problem is None})
    refs = {}

    def extra(s):
        return sum(t + 15 for t in cell_timeouts(nbformat.read(s, as_version=4)).values())

    def reference(s):
        rj = str(scratch / f"ref-{s.stem}.json")
        return s, rj, worker(s, s, None, rj, a, budget=a.timeout * 40 + 120 + extra(s))

    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for s, rj, (res, err) in pool.map(reference, needed):
            if err:
                raise SystemExit(f"grade: the reference run of {s.name} failed: {err}")
            Path(rj).write_text(json.dumps(res["reference"]))
            refs[s] = (rj, res["reference"]["checks"])
    print(f"reference runs: {len(needed)} assignment(s) in {time.monotonic() - t0:.1f} s", flush=True)

    def exercises_of(s):
        return [(grade_info(x)["grade"], float(grade_info(x).get("points", 1))) for x in nbformat.read(s, as_version=4).cells if grade_info(x)]

    def zero(s, reason):
        if s is None:
            return {"flags": [], "rows": [{"exercise": "?", "points": 0.0, "max": 0.0, "lines": [f"✗ {reason}"]}]}
        return {"flags": [], "rows": [{"exercise": g, "points": 0.0, "max": pts, "lines": [f"✗ {reason}"]} for g, pts in exercises_of(s)]}

    def one(k):
        p, student, c, s, problem = plan[k]
        try:
            if problem:
                return k, zero(s, problem)
            if s is None:
                return k, zero(None, "could not tell which assignment this is (use --assignment)")
            ncells = 40
            try:
                ncells = len(json.loads(c.read_text(encoding="utf-8")).get("cells", [])) + len(exercises_of(s)) + 2
            except Exception:
                pass
            res, err = worker(c, s, refs[s][0], str(scratch / f"res-{k:05d}.json"), a, budget=a.timeout * min(ncells, 60) + 120 + extra(s))
            return k, (zero(s, err) if err else res)
        except Exception as e:  # the grader's own failure on this submission: its 0 and the reason; the class goes on
            return k, zero(s, f"the grader failed on this submission ({type(e).__name__}: {e})")

    table, taken = [], set()
    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for k, res in pool.map(one, range(len(plan))):
            p, student, c, s, problem = plan[k]
            rows = res["rows"]
            flags = [printable(f) for f in res["flags"]]
            for r in rows:
                r["lines"] = [printable(x) for x in r["lines"]]
                r["details"] = [printable(x) for x in r.get("details", r["lines"])]
                table.append({"student": student, "assignment": s.stem if s else "?", "exercise": printable(r["exercise"]),
                              "points": r["points"], "max": r["max"], "feedback": "\n".join(r["lines"]), "flags": "; ".join(flags)})
            total, mx = sum(r["points"] for r in rows), sum(r["max"] for r in rows)
            print(f"{student[:60]:24} {total:5.1f} / {mx:5.1f}" + ("  [graded cells tampered with]" if flags else ""), flush=True)
            stem = file_stem(student, taken)
            try:
                write_feedback(out / "feedback" / f"{stem}.md", student, s, rows, flags, partial(a, s))
                (out / "instructor" / f"{stem}.md").write_text(instructor_text(student, s, rows, flags, a.seed), encoding="utf-8")
            except Exception as e:
                print(f"{student[:60]}: could not write the feedback ({type(e).__name__}: {e})", flush=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["student", "assignment", "exercise", "points", "max", "feedback", "flags"])
        w.writeheader()
        w.writerows(table)
    lines = ["| student | exercise | points | max | feedback |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {markdown(r['student'])} | {markdown(r['exercise'])} | {r['points']:g} | {r['max']:g} | "
              + "<br>".join(markdown(x) for x in r["feedback"].split("\n")) + " |" for r in table]
    lines += ["", "| student | total | max | flags |", "| --- | --- | --- | --- |"]
    for st in dict.fromkeys(r["student"] for r in table):
        rs = [r for r in table if r["student"] == st]
        lines.append(f"| {markdown(st)} | {sum(r['points'] for r in rs):g} | {sum(r['max'] for r in rs):g} | {markdown(rs[0]['flags'])} |")
    (out / "grades.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"graded {len(plan)} submission(s) in {time.monotonic() - t0:.1f} s with --jobs {a.jobs}")
    print(f"report: {out / 'grades.csv'}, {out / 'grades.md'}, {out / 'feedback'}/ (the students') and {out / 'instructor'}/ (every check's values)")


def partial(a, source):
    """Whether SOURCE's exercises give points per check: --partial-credit, or the source's metadata
    {"latent_lab": {"partial_credit": true}}."""
    if a.partial_credit:
        return True
    try:
        return source is not None and nbformat.read(source, as_version=4).metadata.get("latent_lab", {}).get("partial_credit") is True
    except Exception:
        return False


def feedback_text(student, source, rows, flags, partial_credit):
    """A student's report (Markdown): the total, the scoring rule, then for each exercise its points and one
    line per check: ✓ or ✗, the input, expected against got and, when it fails, the hint (visible checks);
    passed or failed (hidden tests). Every piece of text is escaped for Markdown."""
    total, mx = sum(r["points"] for r in rows), sum(r["max"] for r in rows)
    lines = [f"# Feedback for {markdown(student)}", "", f"Assignment: {markdown(source.stem) if source else 'unknown'}", "",
             f"Total: **{total:g} / {mx:g}**", "", f"Scoring: {RULES[bool(partial_credit)]}", ""]
    if flags:
        lines += ["Graded cells: " + markdown("; ".join(flags)) + ".", ""]
    for r in rows:
        lines += [f"## {markdown(r['exercise'])}: {r['points']:g} / {r['max']:g}", ""]
        lines += [f"- {markdown(x)}" for x in r["lines"]] or ["- no checks ran"]
        lines.append("")
    lines += ["Hidden tests report only passed or failed."]
    return "\n".join(lines) + "\n"


def instructor_text(student, source, rows, flags, seed):
    """The instructor's report on one submission (Markdown, escaped): every check with its values, hidden tests
    named (index, name, the input they state) with their expected and got values, and the grading seed from
    which hidden tests drew their inputs (gradingSeed: rerun the instructor version with it to see them)."""
    total, mx = sum(r["points"] for r in rows), sum(r["max"] for r in rows)
    lines = [f"# Instructor's report: {markdown(student)}", "", f"Assignment: {markdown(source.stem) if source else 'unknown'}", "",
             f"Total: **{total:g} / {mx:g}**", "", f"gradingSeed of this run: {int(seed)} (hidden tests draw their inputs from it)", ""]
    if flags:
        lines += ["Graded cells: " + markdown("; ".join(flags)) + ".", ""]
    for r in rows:
        lines += [f"## {markdown(r['exercise'])}: {r['points']:g} / {r['max']:g}", ""]
        lines += [f"- {markdown(x)}" for x in r.get("details", r["lines"])] or ["- no checks ran"]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_feedback(path, student, source, rows, flags, partial_credit):
    path.write_text(feedback_text(student, source, rows, flags, partial_credit), encoding="utf-8")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_grade_one":
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, stop)  # so that its temporary folders are removed (finally) and its kernel ended
        sub, source, ref, timeout, mem, sandbox, seed, partial_credit, out_json = sys.argv[2:11]
        grade_one(sub, source, ref or None, int(timeout), int(mem), sandbox == "1", int(seed), partial_credit == "1", out_json)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--source", default=str(ROOT / "notebooks" / "exercises"))
    g.add_argument("--out", default=str(ROOT / "build" / "assignments"))
    g.add_argument("--run-solutions", action="store_true", help="grade the instructor versions in the grading kernel; fail unless full marks")
    g.add_argument("--no-sandbox", dest="sandbox", action="store_false", help="with --run-solutions: run the kernels without bubblewrap")
    r = sub.add_parser("grade")
    r.add_argument("submissions")
    r.add_argument("--out", default=str(ROOT / "build" / "grades"))
    r.add_argument("--source", default=str(ROOT / "notebooks" / "exercises"), help="the source notebooks")
    r.add_argument("--assignment", help="the source notebook's name (without .ipynb) every submission answers")
    r.add_argument("--timeout", type=int, default=30, help="seconds per cell (default 30)")
    r.add_argument("--jobs", type=int, default=1, help="submissions graded in parallel (default 1)")
    r.add_argument("--memory-mb", type=int, default=2048, help="the kernel's heap limit in MB (default 2048)")
    r.add_argument("--partial-credit", action="store_true",
                   help="points per check (an exercise's points shared among its checks); default: all-or-nothing per exercise")
    r.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                   help="run the kernels without the operating-system box (bubblewrap): only for trusted notebooks")
    a = ap.parse_args()
    if a.cmd == "generate":
        generate(a.source, a.out, run=a.run_solutions, sandbox=a.sandbox)
    else:
        if a.timeout <= 0 or a.jobs <= 0 or a.memory_mb <= 0:
            raise SystemExit("grade: --timeout, --jobs and --memory-mb must be positive")
        grade(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
