#!/usr/bin/python3
"""Interrupts in a grading kernel (in its box, under Node's permission model, where the inspector is refused): a loop in a
cell's synchronous code stops within seconds and the kernel goes on (SIGINT + breakOnSigint); a loop after
an await or in a timer callback is not stopped by an interrupt (the grader's watchdog ends it).
Prints one JSON line. Run with /usr/bin/python3 (test/exercises/assignments.test.ts)."""
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import assignments as A  # noqa: E402


def interrupt(km, kc, code, wait=20):
    """Seconds from the interrupt to the cell's reply (None: no reply within `wait`), and the error name."""
    msg_id = kc.execute(code)
    time.sleep(2)
    t0 = time.monotonic()
    km.interrupt_kernel()
    deadline = t0 + wait
    while time.monotonic() < deadline:
        try:
            m = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        except Exception:
            break
        if m["parent_header"].get("msg_id") == msg_id:
            return round(time.monotonic() - t0, 2), m["content"].get("ename")
    return None, None


def main():
    lib = tempfile.mkdtemp(prefix="ll-grading-lib-")
    work, tmp = tempfile.mkdtemp(prefix="ll-interrupt-"), tempfile.mkdtemp(prefix="ll-spec-")
    ipc = Path(tmp) / "ipc"
    result = {}
    try:
        os.chmod(lib, 0o755)
        os.chmod(tmp, 0o711)
        ipc.mkdir()
        os.environ["LL_GRADING_LIB"] = str(A.grading_library(lib))
        os.symlink(os.environ["LL_GRADING_LIB"], Path(work) / "node_modules")
        for d in (work, ipc):
            A.sandbox_mod().hand_over(d, A.box_uid())
        os.environ["JUPYTER_PATH"] = A.kernelspec_dir(tmp, work, ipc, 512, True)
        for n, (case, code) in enumerate([("sync", "let spins = 0;\nwhile (true) { spins++; }"),
                                          ("after_await", "await null;\nlet spins2 = 0;\nwhile (true) { spins2++; }")]):
            km = A.kernel_manager(ipc, True, n)
            km.start_kernel(cwd=work, stderr=None if os.environ.get("LL_GRADE_DEBUG") else open(os.devnull, "w"))
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=180)
                kc.execute_interactive("1 + 1", timeout=180, output_hook=lambda m: None)
                seconds, ename = interrupt(km, kc, code)
                entry = {"seconds": seconds, "ename": ename}
                if seconds is not None:
                    time.sleep(0.5)
                    r = kc.execute_interactive("const afterInterrupt = 2 + 3;", timeout=30, output_hook=lambda m: None)
                    entry["next_cell"] = r["content"]["status"]
                result[case] = entry
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)
    finally:
        shutil.rmtree(lib, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
