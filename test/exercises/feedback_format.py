#!/usr/bin/python3
"""The homework grader's pure parts, without a kernel: the feedback format (one line per check, the scoring
rule, NaN spelled NaN, Markdown-safe text, hints), all-or-nothing against per-check scoring, how a
student's run drops each check's expected value, and how the submissions folder becomes rows (links,
folders, dot-files, long and non-UTF-8 names, names that would merge). Prints "ok" when every check holds.
Run with /usr/bin/python3 (test/exercises/assignments.test.ts)."""
import math
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import assignments as A  # noqa: E402


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def ref(name, expected, hidden=False, **kw):
    return {"name": name, "hidden": hidden, "expected": expected, "rtol": 1e-6, "atol": 1e-9, **kw}


def got(*values):
    return {"got": list(values), "gotType": "number"}


def test_lines():
    ok, line = A.compare(ref("mean", [1.75], input="w = [1 | 2]", hint="subtract the largest"), got(1.75), 0)
    check(ok and line == "✓ mean for w = [1 | 2]: expected 1.75, got 1.75", line)
    ok, line = A.compare(ref("mean", [1.75], input="w = [1 | 2]", hint="subtract the largest"), got("NaN"), 0)
    check(not ok and "got NaN." in line and "nan" not in line and line.endswith("Hint: subtract the largest"), line)
    ok, line = A.compare(ref("mean", [float("nan")], input="x"), got("NaN"), 0)
    check(ok and "expected NaN, got NaN" in line, line)  # NaN expected and got: the same value
    ok, line = A.compare(ref("mean", ["-Infinity"]), got(3), 0)
    check(not ok and "expected -Infinity" in line, line)
    ok, line = A.compare(ref("mean", [2.0], hidden=True, input="secret input", hint="secret hint"), got(3), 2)
    check(not ok and line == "✗ hidden test 2: failed", line)
    ok, line = A.compare(ref("mean", [2.0], hidden=True), got(2), 1)
    check(ok and line == "✓ hidden test 1: passed", line)
    ok, line = A.compare(ref("p", [0.1, 0.9], input="x = 1", hint="normalize"), {"got": None, "gotType": "undefined"}, 0)
    check(not ok and "got undefined (did the function return a value?)" in line and "Hint: normalize" in line, line)
    check(A.fmt(float("nan")) == "NaN" and A.fmt(float("inf")) == "Infinity" and A.fmt(-float("inf")) == "-Infinity", "fmt")


def test_scoring_and_report():
    reference = {"ex1": [ref("a", [1], input="one", hint="h1"), ref("a", [2], input="two", hint="h2"),
                         ref("a", [3], hidden=True), ref("a", [4], hidden=True)]}
    outcomes = {"ex1": {"record": {"records": [got(1), got(2), got(3), got(5)], "error": None}}}
    strict = A.score([("ex1", 2.0)], reference, outcomes, 30)
    check(strict[0]["points"] == 0.0 and len(strict[0]["lines"]) == 4, strict)
    per = A.score([("ex1", 2.0)], reference, outcomes, 30, partial=True)
    check(per[0]["points"] == 1.5, per)
    # A cell that threw after two checks: the error, then a line for every check (those not reached: did not run).
    thrown = {"ex1": {"record": {"records": [got(1), got(2)], "error": "Error: line one\nline | two \ud800"}}}
    rows = A.score([("ex1", 2.0)], reference, thrown, 30)
    check(rows[0]["points"] == 0.0 and len(rows[0]["lines"]) == 5 and rows[0]["lines"][3] == "✗ hidden test 1: did not run", rows)
    check(A.score([("ex1", 2.0)], reference, thrown, 30, partial=True)[0]["points"] == 1.0, "partial credit for the checks that passed")
    full = A.score([("ex1", 2.0)], reference, {"ex1": {"record": {"records": [got(1), got(2), got(3), got(4)], "error": None}}}, 30)
    check(full[0]["points"] == 2.0, full)

    rows = [{"exercise": "ex|1", "points": 0.0, "max": 2.0,
             "lines": [A.printable(x) for x in rows[0]["lines"]] + ["✗ a | b for x = [1 | 2]: expected NaN, got 1. Hint: <b>use *logs*</b>"]}]
    text = A.feedback_text("stu|dent", Path("a1-x.ipynb"), rows, ["graded cell 'ex1' was changed"], False)
    lines = text.splitlines()
    check("Scoring: all-or-nothing" in text and "Scoring: per check" in A.feedback_text("s", None, rows, [], True), "the rule is stated")
    check("# Feedback for stu\\|dent" in lines and "## ex\\|1: 0 / 2" in lines, text)
    items = [x for x in lines if x.startswith("- ")]
    check(len(items) == 6, items)  # the error and the 4 checks, one line each, plus the added line
    check(items[0] == "- ✗ the cell stopped with an error: Error: line one line \\| two \\\\ud800", items[0])
    check("a \\| b for x = \\[1 \\| 2\\]: expected NaN, got 1. Hint: &lt;b&gt;use \\*logs\\*&lt;/b&gt;" in items[-1], items[-1])
    check("/" not in items[-1].replace("&lt;/b", ""), "a | is escaped, never turned into /")
    check("nan" not in text.replace("NaN", ""), "NaN spelled NaN")
    check(all(x.startswith(("- ✗", "- ✓")) for x in items), items)
    text.encode("utf-8")  # a lone surrogate does not stop the report being written


def test_instructor_report():
    """The instructor's report names each hidden test with its input and values; the student's report of the
    same rows holds none of them."""
    reference = {"ex1": [ref("log p(x)", [-1.5], input="x = [1, 0]", hint="h"),
                         ref("log p(x)", [-2.25, 0.125], hidden=True, input="x = [0, 1] drawn from the seed", rtol=0, atol=0.05)]}
    outcomes = {"ex1": {"record": {"records": [got(-1.5), got(-2.75, 0.125)], "error": None}}}
    rows = A.score([("ex1", 2.0)], reference, outcomes, 30)
    check(rows[0]["points"] == 0.0, rows)
    details = rows[0]["details"]
    check(len(details) == 2 and details[0].startswith("✓ log p(x) for x = [1, 0]: expected -1.5"), details)
    check(details[1] == "✗ hidden test 1: log p(x) for x = [0, 1] drawn from the seed: expected [-2.25, 0.125] (± 0.05 + 0·|expected|), got [-2.75, 0.125]",
          details[1])
    inst = A.instructor_text("stu|dent", Path("a3-x.ipynb"), rows, [], 123456789)
    check("gradingSeed of this run: 123456789" in inst and "hidden test 1: log p(x) for x = \\[0, 1\\] drawn from the seed" in inst, inst)
    check("-2.75" in inst and "-2.25" in inst, inst)
    student = A.feedback_text("stu|dent", Path("a3-x.ipynb"), rows, [], False)
    check("✗ hidden test 1: failed" in student, student)
    check(not any(v in student for v in ["-2.75", "-2.25", "0.125", "drawn from the seed", "123456789"]), student)
    # a check that did not run: named, with its expected values, for the instructor
    short = A.score([("ex1", 2.0)], reference, {"ex1": {"record": {"records": [got(-1.5)], "error": "Error: boom"}}}, 30)
    check(short[0]["details"][0] == "✗ the cell stopped with an error: Error: boom" and "did not run" in short[0]["details"][-1]
          and "-2.25" in short[0]["details"][-1], short[0]["details"])


def test_without_expected():
    src = ('ll.check("a", f(x, [1, 2]), ll.models.m({ a: 1 }, `t${g(")")}`), { input: `x = ${x}`, hint: "h, (" });\n'
           "ll . check('b', g(\"),\"), 3 /* (, */);\n"
           'll.check("c", h());\n'
           "const s = 'll.check(';\n")
    out = A.without_expected(src)
    check('ll.check("a", f(x, [1, 2]), undefined, { input: `x = ${x}`, hint: "h, (" });' in out, out)
    check("ll . check('b', g(\"),\"), undefined);" in out, out)
    check('ll.check("c", h());' in out and "models" not in out, out)
    try:
        A.without_expected('ll.check("a", f(x), g(y]);')
        check(False, "an unbalanced call is refused")
    except ValueError:
        pass
    graded = A.graded_source('ll.check("x", mine(1), answer(1), { hint: "h" });', "__G__", False, 41)
    check("answer" not in graded and "const gradingSeed = 41;" in graded and "__G__.check(" in graded, graded)
    check("answer(1)" in A.graded_source('ll.check("x", mine(1), answer(1));', "__G__", True, 41), "the reference run keeps it")
    # A value computed only for an expected value is not computed in a student's run; an input built with a
    # hidden library answer comes from the reference run as plain data.
    cell = ('const want = ll.models.answer(3);\nconst S = ll.models.Hidden.make(20);\nconst c = S.solve(7);\n'
            'll.check("x", mine(S.a[7]), [c.p, want], { hint: "h" });\n')
    ref_src = A.graded_source(cell, "__G__", True, 41, ["answer", "Hidden"])
    check('const S = ll.models.Hidden.make(20); __G__.given("S", S);' in ref_src and "const c = S.solve(7);" in ref_src, ref_src)
    stud = A.graded_source(cell, "__G__", False, 41, ["answer", "Hidden"], {"S": {"a": [1, 2]}})
    check('const S: any = {"a": [1, 2]};' in stud and "answer" not in stud and "solve" not in stud and "Hidden" not in stud, stud)
    two = A.graded_source('const a = 2, b = 3;\nconst u = 1, v = 4;\nll.check("x", mine(b), a + u + v);\n', "__G__", False, 1)
    check("const a = 2, b = 3;" in two and "const u" not in two, two)  # a line goes only when none of its names is used
    # A declaration over several lines (a table of expected values) goes too; one the checks still read stays whole.
    many = A.graded_source('const table = [[0.1234567, 2],\n  [3, 4]];\nconst xs = [1,\n  2];\n'
                           'for (const [i, x] of xs.entries()) ll.check("t", mine(x), table[i]);\n', "__G__", False, 1)
    check("0.1234567" not in many and "const xs = [1,\n  2];" in many, many)
    ref = A.graded_source('const S = ll.models.Hidden.make(\n  20);\nll.check("x", mine(S.a), S.b);\n', "__G__", True, 1, ["Hidden"])
    check('const S = ll.models.Hidden.make(\n  20); __G__.given("S", S);' in ref, ref)
    stud = A.graded_source('const S = ll.models.Hidden.make(\n  20);\nll.check("x", mine(S.a), S.b);\n', "__G__", False, 1, ["Hidden"], {"S": {"a": 1}})
    check('const S: any = {"a": 1};' in stud and "Hidden" not in stud, stud)
    # `// @given`: data drawn in the reference run arrives in a student's run as its value, whatever the student's
    # cells did to the functions that drew it
    cell = 'const bits = drawBits(ll.loadMnist("test")); // @given\nconst n = count(bits);\nll.check("x", mine(bits), n);\n'
    ref = A.graded_source(cell, "__G__", True, 1)
    check('const bits = drawBits(ll.loadMnist("test")); __G__.given("bits", bits); // @given' in ref, ref)
    stud = A.graded_source(cell, "__G__", False, 1, [], {"bits": "0110"})
    check('const bits: any = "0110";' in stud and "loadMnist" not in stud and "drawBits" not in stud and "count(" not in stud, stud)


def test_no_expected_value_in_a_students_run():
    """Every assignment's graded cells, as a student's run executes them: no number written or computed for an
    expected value (a literal of five or more digits in a check's expected argument, or in a declaration that
    argument reads) is left in the student's world."""
    import json, glob
    digits = re.compile(r"(?<![\w.])\d[\d_]*\.\d{4,}(?:e-?\d+)?|(?<![\w.])\d{5,}")
    for path in sorted(glob.glob(str(A.ROOT / "notebooks" / "exercises" / "*.ipynb"))):
        nb = json.load(open(path, encoding="utf-8"))
        answers = nb["metadata"].get("latent_lab", {}).get("library_answers", [])
        for c in nb["cells"]:
            src = "".join(c["source"])
            if c["cell_type"] != "code" or "@grade" not in src:
                continue
            secret = set()
            decls = {re.match(r"\s*(?:const|let|var)\s+([\w$]+)", flat).group(1): src[a:b] for a, b, _, flat in A.declarations(src)}
            for m in A.CHECK_CALL.finditer(src):
                spans, _ = A.call_arguments(src, m.end())
                if len(spans) >= 3:
                    exp = src[spans[2][0]:spans[2][1]]
                    secret |= set(digits.findall(exp))
                    names = set(re.findall(r"[A-Za-z_$][\w$]*", exp))
                    # a loop variable bound from a table (for (const [x, expected] of table)) reads that table
                    for binding, table in re.findall(r"for\s*\(\s*(?:const|let|var)\s+(.*?)\s+of\s+([A-Za-z_$][\w$]*)", src):
                        if names & set(re.findall(r"[A-Za-z_$][\w$]*", binding)):
                            names.add(table)
                    for name in names & decls.keys():
                        secret |= set(digits.findall(decls[name]))
            student = A.graded_source(src, "__G__", False, 1, answers, {})
            left = [d for d in secret if d in student]
            check(not left, f"{Path(path).name}: expected values {left} left in a student's run of\n{src}")


def test_submission_names():
    d = Path(tempfile.mkdtemp(prefix="ll-names-"))
    try:
        long = "l" * 244 + ".ipynb"  # a 250-byte name
        for name in ["alice.ipynb", "alice", ".hidden.ipynb", long, "twin-a1.ipynb", "twin-a1"]:
            (d / name).write_text("{}")
        with open(os.path.join(os.fsencode(d), b"bad-\xff.ipynb"), "w") as f:
            f.write("{}")
        (d / "folder.ipynb").mkdir()
        os.symlink(d / "alice.ipynb", d / "link.ipynb")
        os.mkfifo(d / "pipe.ipynb")
        entries = A.submissions(d)
        check(len(entries) == 10, entries)
        names = [s for _, s, _ in entries]
        check(len(set(names)) == len(names), names)
        by = {p.name: (s, problem) for p, s, problem in entries}
        check(by["alice.ipynb"] == ("alice.ipynb", None) and by["alice"] == ("alice", None), by)
        check(by[".hidden.ipynb"] == (".hidden", None) and by[long][0] == "l" * 244, "dot-files and long names are graded")
        check(by["bad-\udcff.ipynb"][0] == "bad-\\xff", by)
        check("symbolic link" in by["link.ipynb"][1] and "folder" in by["folder.ipynb"][1] and "regular" in by["pipe.ipynb"][1], by)
        taken = set()
        stems = [A.file_stem(s, taken) for s in names]
        check(len(set(stems)) == len(stems) and all(len(s.encode()) <= 120 and not s.startswith(".") for s in stems), stems)
        check(A.printable("a\ud800b") == "a\\ud800b" and A.printable("x\ny", newlines=False) == "x\\x0ay", "printable")
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    test_lines()
    test_scoring_and_report()
    test_instructor_report()
    test_without_expected()
    test_no_expected_value_in_a_students_run()
    test_submission_names()
    print("ok")
