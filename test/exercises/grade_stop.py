#!/usr/bin/python3
"""A grading run stopped by SIGTERM while a kernel runs in its box: the grader exits, its temporary folder (the
bundled library, the copies, the reference values, the kernels' folders) is gone and no process it started
is left. Prints one JSON line. Run with /usr/bin/python3 (test/exercises/assignments.test.ts)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
A1 = "a1-exact-inference-and-importance-sampling.ipynb"


def processes_naming(text):
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if text in Path("/proc", d, "cmdline").read_bytes().decode("utf-8", "replace"):
                    found.append(int(d))
            except OSError:
                pass
    return found


def main():
    tmp = Path(tempfile.mkdtemp(prefix="ll-stop-"))
    result = {}
    try:
        subs = tmp / "subs"
        subs.mkdir()
        shutil.copyfile(ROOT / "notebooks" / "exercises" / A1, subs / "someone-a1.ipynb")
        p = subprocess.Popen(["/usr/bin/python3", str(ROOT / "tools" / "assignments.py"), "grade", str(subs), "--out", str(tmp / "out"),
                              "--timeout", "12", "--memory-mb", "512"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = p.stdout.readline()
        scratch = Path(line.split("grading library: ")[1].split()[0]).parent if "grading library: " in line else None
        result["scratch_seen"] = scratch is not None
        deadline = time.monotonic() + 240
        while scratch and time.monotonic() < deadline and not list(scratch.glob("ll-grade-*")):
            time.sleep(0.2)
        result["kernel_folder_seen"] = bool(scratch and list(scratch.glob("ll-grade-*")))
        time.sleep(2)
        result["boxes_before"] = len(processes_naming("bwrap")) > 0
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=120)
        p.stdout.read()
        time.sleep(2)
        result["returncode"] = p.returncode
        result["scratch_left"] = bool(scratch and scratch.exists())
        result["processes_left"] = len(processes_naming(str(scratch))) if scratch else -1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
