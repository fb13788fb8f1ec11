#!/usr/bin/python3
"""What the grading box (tools/sandbox.py) costs per kernel: the time from starting a grading kernel to the
reply of its first cell ("1 + 1"), in the box and without it (--no-sandbox), alternated round by round so
that both see the same machine load; and the bare cost of building a box around /bin/true.

    /usr/bin/python3 bench/sandbox_overhead.py [ROUNDS]      (default 6; prints one JSON object)

A submission's grading starts a kernel once (again after each restart), so the kernel's difference is the
box's overhead per submission."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import assignments as A  # noqa: E402
import sandbox as S  # noqa: E402


def kernel_seconds(sandbox, n, scratch):
    work, spec = tempfile.mkdtemp(dir=scratch), tempfile.mkdtemp(dir=scratch)
    ipc = Path(spec) / "ipc"
    ipc.mkdir()
    os.chmod(spec, 0o711)
    os.symlink(A.library_dir(), Path(work) / "node_modules")
    for d in (work, ipc):
        S.hand_over(d, A.box_uid())
    os.environ["JUPYTER_PATH"] = A.kernelspec_dir(spec, work, ipc, 512, sandbox)
    t0 = time.monotonic()
    km = A.kernel_manager(ipc, sandbox, n)
    km.start_kernel(cwd=work, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=300)
        kc.execute_interactive("1 + 1", timeout=300, output_hook=lambda m: None)
        return time.monotonic() - t0
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(spec, ignore_errors=True)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    why = S.unavailable()
    if why:
        raise SystemExit(f"sandbox_overhead: {why}")
    scratch = Path(tempfile.mkdtemp(prefix="ll-overhead-"))
    os.chmod(scratch, 0o711)
    try:
        lib = scratch / "lib"
        lib.mkdir()
        os.chmod(lib, 0o755)
        os.environ["LL_GRADING_LIB"] = str(A.grading_library(lib))
        true = shutil.which("true")
        bare, boxed = [], []
        for _ in range(20):
            t0 = time.monotonic()
            subprocess.run([true], check=True)
            bare.append(time.monotonic() - t0)
            cmd = S.box_command([true], work=None, ipc=None, reads=[], limits={"nproc": 256}, env={})
            t0 = time.monotonic()
            subprocess.run(cmd, check=True)
            boxed.append(time.monotonic() - t0)
        load0 = os.getloadavg()
        box, plain = [], []
        for n in range(rounds):
            box.append(kernel_seconds(True, 2 * n, scratch))
            plain.append(kernel_seconds(False, 2 * n + 1, scratch))
        med = statistics.median
        print(json.dumps({
            "rounds": rounds,
            "true_ms": {"bare": round(med(bare) * 1e3, 1), "boxed": round(med(boxed) * 1e3, 1)},
            "kernel_first_reply_s": {"box": [round(x, 2) for x in box], "no_box": [round(x, 2) for x in plain],
                                     "median_box": round(med(box), 2), "median_no_box": round(med(plain), 2),
                                     "median_paired_difference": round(med([b - p for b, p in zip(box, plain)]), 2)},
            "load_before": [round(x, 2) for x in load0], "load_after": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
        }, indent=1))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
