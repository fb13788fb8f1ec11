"""Authoring checks for the homework sources: the mistakes an instructor makes that students would find first.

Called by `tools/assignments.py generate` (every `npm run assignments`); run alone as

    /usr/bin/python3 tools/authoring.py [SOURCE.ipynb ...] [--run] [--no-sandbox]

Declaring grades in the source (instead of editing cell metadata by hand). A graded cell starts with

    // @grade ex3.1 2          (grade id, points)

(a graded cell that needs more than the grader's per-cell --timeout, such as a3's training, adds a line
`// @timeout 120`: seconds, a minimum for that cell), and any code cell (usually the import cell) may list the library functions the assignment bans while
grading, i.e. the exports that answer one of its exercises:

    // @banned kl, klMonteCarlo, models.mixturePosterior64   (anything after the names is a comment)

(a plain name is banned at the top level and in every namespace; a dotted one exactly there). `generate`
writes these into the metadata the grader reads ({"latent_lab": {"grade", "points"}} on the cell and
{"latent_lab": {"library_answers"}} on the notebook), so a hand-edited metadata cell keeps working and a
declaration that disagrees with hand-edited metadata is an error, not a silent choice.

The checks (each an error that stops `generate`):
- a visible check whose expected value calls a banned function: the student who copies it gets ✓ locally
  and 0 at grading (hidden tests may use anything: the grader runs them with the whole library);
- a visible check without a hint (`{ hint: "…" }` in its options): its ✗ would tell the student what was
  expected and nothing about what to look at (hidden tests never show a hint, so they need none);
- an exercise text or code naming `ll.something` that the library does not export;
- with --run (what `npm run assignments` does): the instructor version, graded in the grading kernel, must
  score full marks: a check that does not pass, or a solution that throws, is reported with its exercise.
"""
import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
GRADE_LINE = re.compile(r"^[ \t]*//[ \t]*@grade[ \t]+(\S+)[ \t]+(\d+(?:\.\d+)?)[ \t]*(?:points?)?[ \t]*$", re.M)
TIMEOUT_LINE = re.compile(r"^[ \t]*//[ \t]*@timeout[ \t]+(\d+)\b[^\n]*$", re.M)  # anything after the number is a comment
BANNED_LINE = re.compile(r"^[ \t]*//[ \t]*@banned[ \t]+(.+?)[ \t]*$", re.M)
HIDDEN = re.compile(r"^[ \t]*// BEGIN HIDDEN TESTS[^\n]*\n.*?^[ \t]*// END HIDDEN TESTS[^\n]*(\n|$)", re.S | re.M)
CHECK_CALL = re.compile(r"\bll\s*\.\s*check\s*\(")
LL_NAME = re.compile(r"(?<![\w.])ll((?:\s*\.\s*[A-Za-z_$][\w$]*)+)")
# what a TypeScript cell may reach through ll. without it being an export: types in annotations
TYPE_POSITION = re.compile(r"[:<,|]\s*$|\bas\s+$|\bnew\s+$")


class AuthoringError(Exception):
    """One or more authoring mistakes in a source notebook; str() lists them, one per line."""


def _meta(cell):
    m = cell.get("metadata", {}).get("latent_lab", {})
    return m if isinstance(m, dict) else {}


def declared_grades(nb):
    """[(cell index, grade id, points)] from `// @grade` lines; a cell with two is an error."""
    out = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        found = GRADE_LINE.findall(c.source)
        if len(found) > 1:
            raise AuthoringError(f"cell {i}: {len(found)} '// @grade' lines; a graded cell has one")
        if found:
            gid, pts = found[0]
            out.append((i, gid, float(pts) if "." in pts else int(pts)))
    return out


def declared_banned(nb):
    """The names listed on `// @banned` lines (in order, without repeats), or None when there is none."""
    names, seen = [], False
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        for line in BANNED_LINE.findall(c.source):
            seen = True
            # names up to the first word that is not one: "// @banned kl, elbo   (they answer 2.1)"
            for n in re.split(r"[,\s]+", line.strip()):
                if not re.fullmatch(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*", n):
                    break
                n = n[3:] if n.startswith("ll.") else n
                if n not in names:
                    names.append(n)
    return names if seen else None


def sync_metadata(nb, where):
    """Writes the declared grades and banned list into the metadata the grader reads. Returns True when
    something changed. A declaration contradicting existing metadata is an AuthoringError."""
    problems, changed = [], False
    grades = declared_grades(nb)
    ids = [g for _, g, _ in grades]
    dup = sorted({g for g in ids if ids.count(g) > 1})
    if dup:
        problems.append(f"{where}: grade id{'s' if len(dup) > 1 else ''} {', '.join(dup)} declared twice")
    for i, gid, pts in grades:
        cell = nb.cells[i]
        m = _meta(cell)
        if m.get("grade") not in (None, gid) or ("points" in m and float(m["points"]) != float(pts)):
            problems.append(f"{where}: cell {i} declares '@grade {gid} {pts}' but its metadata says grade {m.get('grade')!r}, points {m.get('points')!r}: "
                            "delete the metadata or make them agree")
            continue
        if m.get("grade") != gid or m.get("points") != pts:
            cell.metadata.setdefault("latent_lab", {}).update({"grade": gid, "points": pts})
            changed = True
        limit = TIMEOUT_LINE.findall(cell.source)
        if limit and cell.metadata.get("latent_lab", {}).get("timeout") != int(limit[0]):
            cell.metadata.setdefault("latent_lab", {})["timeout"] = int(limit[0])
            changed = True
    banned = declared_banned(nb)
    if banned is not None:
        have = nb.metadata.get("latent_lab", {}).get("library_answers")
        if have is not None and sorted(have) != sorted(banned):
            problems.append(f"{where}: '// @banned {', '.join(banned)}' disagrees with the notebook metadata library_answers {have}")
        elif have != banned:
            nb.metadata.setdefault("latent_lab", {})["library_answers"] = banned
            changed = True
    if problems:
        raise AuthoringError("\n".join(problems))
    return changed


def _arguments(src, start):
    """The top-level arguments of the call whose '(' is at src[start - 1], as strings (strings and comments skipped)."""
    args, depth, i, cur0 = [], 0, start, start
    while i < len(src):
        ch = src[i]
        if ch in "\"'`":
            j = i + 1
            while j < len(src) and src[j] != ch:
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = len(src) if j < 0 else j
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                args.append(src[cur0:i])
                return args
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(src[cur0:i])
            cur0 = i + 1
        i += 1
    raise AuthoringError("an ll.check( call is not closed")


def _calls(expr, name):
    """Whether expr calls the banned `name` through ll (ll.kl(…), ll.infer.kl(…); a dotted name exactly)."""
    # a call, a constructor or a static method: ll.kl(…), new ll.models.X(…), ll.models.X.cosine(…)
    tail = r"(?![\w$])(?:\s*\.\s*[A-Za-z_$][\w$]*)*\s*\("
    if "." in name:
        pat = r"\bll\s*\.\s*" + r"\s*\.\s*".join(map(re.escape, name.split("."))) + tail
    else:
        pat = r"\bll\s*\.\s*(?:[A-Za-z_$][\w$]*\s*\.\s*)*" + re.escape(name) + tail
    return re.search(pat, expr) is not None


def _visible_checks(nb):
    """(grade id, the cell's visible source, [arguments of each ll.check in it]) for every graded cell."""
    for c in nb.cells:
        gid = _meta(c).get("grade")
        if c.cell_type == "code" and gid:
            visible = HIDDEN.sub("", c.source)
            yield gid, visible, [_arguments(visible, m.end()) for m in CHECK_CALL.finditer(visible)]


def banned_in_visible_checks(nb, where):
    """Problems: a visible ll.check whose expected value (its third argument) calls a banned function, or
    other visible code of a graded cell that does (a variable the expected value is computed from)."""
    banned = nb.metadata.get("latent_lab", {}).get("library_answers", []) or []
    problems = []
    for gid, visible, checks in _visible_checks(nb):
        for args in checks:
            if len(args) < 3:
                continue
            label = args[0].strip()
            for name in banned:
                if _calls(args[2], name):
                    problems.append(f"{where} {gid}: the visible check {label} computes its expected value with ll.{name}, which this assignment bans "
                                    "while grading: a student who copies it gets ✓ here and 0 at grading. Compute it another way (a closed form, "
                                    "numbers), or move the check into the hidden tests")
        # the rest of the visible cell: what the expected values are computed from
        rest = CHECK_CALL.sub("ll.check(", visible)
        for m in reversed(list(CHECK_CALL.finditer(rest))):
            rest = rest[:m.start()] + rest[m.end() + sum(len(a) + 1 for a in _arguments(rest, m.end())):]
        for name in banned:
            if _calls(rest, name) and not any(name in p and gid in p for p in problems):
                problems.append(f"{where} {gid}: the visible part of the graded cell calls ll.{name}, which this assignment bans while grading: "
                                "a student who copies it gets ✓ here and 0 at grading. Use numbers, or move it into the hidden tests")
    return problems


HINT_KEY = re.compile(r"(?:^|[{,\s])hint\s*:")


def visible_checks_without_hint(nb, where):
    """Problems: a visible ll.check whose options (its fourth argument, an object literal) give no hint."""
    problems = []
    for gid, _, checks in _visible_checks(nb):
        for args in checks:
            if len(args) < 2:
                continue
            if len(args) < 4 or not HINT_KEY.search(args[3]):
                problems.append(f"{where} {gid}: the visible check {args[0].strip()} has no hint: give it one in its options "
                                "({ hint: \"…\" }) saying what to look at when it fails, without the answer")
    return problems


def _names(nb):
    """{'softplus': ['cell 5 (markdown)'], 'math.softplus': …}: every ll.x.y the notebook names in its text and code."""
    found = {}
    for i, c in enumerate(nb.cells):
        src = c.source
        if c.cell_type == "code":
            # strings and comments are code's prose; skip the import line's module name
            src = re.sub(r"^\s*import[^\n]*\n", "", src, flags=re.M)
        for m in LL_NAME.finditer(src):
            if c.cell_type == "code" and TYPE_POSITION.search(src[:m.start()]):
                continue  # ll.tf.Tensor in `x: ll.tf.Tensor`: a type, not a value
            path = re.sub(r"\s+", "", m.group(1))[1:]
            found.setdefault(path, []).append(f"cell {i} ({c.cell_type})")
    return found


def missing_exports(nb, where, library=None):
    """Problems: names `ll.x` (or `ll.ns.x`) the exercise text or code uses that the built library does not export."""
    names = _names(nb)
    if not names:
        return []
    library = library or str(ROOT / "dist" / "src" / "index.js")
    if not Path(library).exists():
        return [f"{where}: cannot check the names it uses: {library} is not built (npm run build)"]
    script = ("const ll = require(process.argv[1]); const out = {};"
              "for (const p of JSON.parse(process.argv[2])) { let v = ll, ok = true, got = '';"
              "  for (const k of p.split('.')) { if (v !== null && v !== undefined && k in Object(v)) { v = v[k]; got += (got ? '.' : '') + k; } else { ok = false; break; } }"
              "  out[p] = ok ? null : got; }"
              "console.log(JSON.stringify(out));")
    r = subprocess.run(["node", "-e", script, library, json.dumps(sorted(names))], capture_output=True, text=True, timeout=120,
                       env={"PATH": "/usr/local/bin:/usr/bin:/bin", "LATENT_QUIET": "1"})
    if r.returncode != 0:
        # not the source's mistake: a library that does not load is reported, and its names go unchecked
        first = next((l for l in r.stderr.splitlines() if "Error" in l), r.stderr.strip()[:200])
        print(f"authoring: warning: {where}: the names it uses were not checked, the library did not load ({first.strip()})", file=sys.stderr)
        return []
    res = json.loads(r.stdout.strip().splitlines()[-1])
    problems = []
    for path, got in sorted(res.items()):
        if got is None:
            continue
        last = path.split(".")[-1]
        hint = _suggest(library, last)
        problems.append(f"{where}: {', '.join(names[path][:3])} names ll.{path}, which the library does not export"
                        + (f" (did you mean {hint}?)" if hint else ""))
    return problems


def _suggest(library, name):
    """Where `name` is exported, e.g. ll.math.softplus for softplus, or ''."""
    script = ("const ll = require(process.argv[1]); const n = process.argv[2]; const hits = [];"
              "if (n in ll) hits.push('ll.' + n);"
              "for (const [k, v] of Object.entries(ll)) if (v && typeof v === 'object' && !Array.isArray(v) && n in v) hits.push('ll.' + k + '.' + n);"
              "console.log(hits.join(' or '));")
    r = subprocess.run(["node", "-e", script, library, name], capture_output=True, text=True, timeout=120,
                       env={"PATH": "/usr/local/bin:/usr/bin:/bin", "LATENT_QUIET": "1"})
    return r.stdout.strip().splitlines()[-1] if r.returncode == 0 and r.stdout.strip() else ""


def static_problems(nb, where, library=None):
    """Every check that needs no kernel."""
    return banned_in_visible_checks(nb, where) + visible_checks_without_hint(nb, where) + missing_exports(nb, where, library)


def instructor_scores_full(source_paths, out_dir, sandbox=True, timeout=60):
    """Grades the generated instructor versions (in out_dir/instructor) in the grading kernel, as the grader
    would grade a student; problems for every exercise that does not earn its full points, with the
    feedback's reason."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="authoring-") as tmp:
        subs, grades = Path(tmp) / "subs", Path(tmp) / "grades"
        subs.mkdir()
        for p in source_paths:
            src = Path(out_dir) / "instructor" / Path(p).name
            (subs / f"instructor-{Path(p).stem}.ipynb").write_bytes(src.read_bytes())
        cmd = [sys.executable, str(ROOT / "tools" / "assignments.py"), "grade", str(subs), "--out", str(grades), "--timeout", str(timeout),
               "--source", str(Path(source_paths[0]).parent)]
        if not sandbox:
            cmd.append("--no-sandbox")
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return [f"grading the instructor versions failed: {(r.stderr or r.stdout).strip()[-1500:]}"]
        with open(grades / "grades.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            pts, mx = float(row.get("points") or 0), float(row.get("max") or 0)
            if pts < mx:
                student = row.get("student", "")
                why = " ".join((row.get("feedback") or "").split())[:600]
                problems.append(f"{student.replace('instructor-', '')} {row.get('exercise')}: the instructor version scores {pts:g} of {mx:g}"
                                + (f" — {why}" if why else ""))
    return problems


def _write_metadata(path, nb):
    """Writes nb's latent_lab metadata (notebook and cells) into the file, leaving everything else as it was."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if "latent_lab" in nb.metadata:
        raw.setdefault("metadata", {})["latent_lab"] = json.loads(json.dumps(nb.metadata["latent_lab"]))
    for cell, node in zip(raw["cells"], nb.cells):
        if "latent_lab" in node.get("metadata", {}):
            cell.setdefault("metadata", {})["latent_lab"] = json.loads(json.dumps(node.metadata["latent_lab"]))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(raw, f, indent=1, ensure_ascii=False)
        f.write("\n")


def check_sources(paths, library=None, write=True):
    """Syncs the declared grades into each source's metadata (writing it back when it changed and write is
    set) and runs the static checks; raises AuthoringError listing every problem of every source."""
    problems = []
    for p in paths:
        p = Path(p)
        nb = nbformat.read(p, as_version=4)
        try:
            if sync_metadata(nb, p.name) and write:
                _write_metadata(p, nb)
        except AuthoringError as e:
            problems.append(str(e))
            continue
        problems += static_problems(nb, p.name, library)
    if problems:
        raise AuthoringError("\n".join(problems))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sources", nargs="*", help="source notebooks (default: notebooks/exercises/*.ipynb)")
    ap.add_argument("--run", action="store_true", help="also grade the instructor versions in the grading kernel")
    ap.add_argument("--no-sandbox", dest="sandbox", action="store_false")
    a = ap.parse_args()
    paths = a.sources or sorted(str(p) for p in (ROOT / "notebooks" / "exercises").glob("*.ipynb"))
    try:
        check_sources(paths, write=False)
    except AuthoringError as e:
        print(f"authoring: {e}", file=sys.stderr)
        return 1
    if a.run:
        sys.path.insert(0, str(ROOT / "tools"))
        from assignments import generate  # noqa: E402 (the generate path, without its own checks)
        with tempfile.TemporaryDirectory(prefix="authoring-out-") as out:
            generate(str(Path(paths[0]).parent), out, checks=False)
            problems = instructor_scores_full(paths, out, sandbox=a.sandbox)
        if problems:
            print("authoring: " + "\n".join(problems), file=sys.stderr)
            return 1
    print(f"authoring: {len(paths)} source(s) pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
