#!/usr/bin/python3
"""The class load test (npm run bench:class [-- N ...] [--notebook NAME]): for each class size N (default
5, 10, 20) a fresh JupyterHub from scripts/hub.sh on loopback with N student accounts; all N log in at
once (servers started through the hub's REST API), each runs the same lecture notebook in the Latent
Lab kernel through the kernel websocket, concurrently; then all N hand in an assignment and the
instructor collects and grades the class. Prints, per N: server start time, time to the first cell's
result, per-cell latency p50/p95 over every cell of every student, the notebook's completion time
(median and slowest student), peak memory per student (resident memory of the student's processes,
sampled every second), the hand-in and grading times, and the machine's load average before the round
(other work on the machine inflates every number: compare rounds of one run only). Run as root."""
import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "hub"))
import client  # noqa: E402

FIXTURES = os.path.join(ROOT, "test", "hub", "fixtures")
ASSIGNMENT = "h1-hub-check"


def rss_by_user(users):
    """Resident memory (MB) of every process of each user, from ps."""
    out = subprocess.run(["ps", "-eo", "user:32,rss"], capture_output=True, text=True).stdout.splitlines()[1:]
    total = {u: 0.0 for u in users}
    for line in out:
        parts = line.split()
        if len(parts) == 2 and parts[0] in total:
            total[parts[0]] += int(parts[1]) / 1024
    return total


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def one_round(n, notebook, tmp):
    users = [f"llclass{n:02d}-{i:02d}" for i in range(n)]
    hub_root = os.path.join(tmp, f"hub{n}")
    with open(os.path.join(tmp, f"class{n}.txt"), "w") as f:
        for u in users:
            f.write(f"{u}:pw-{u}\n")
    load = os.getloadavg()[0]
    r = subprocess.run(["bash", "scripts/hub.sh", "release", ASSIGNMENT, "--root", hub_root, "--source", FIXTURES],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stdout + r.stderr)
    log = open(os.path.join(tmp, f"hub{n}.log"), "w")
    hub, url = client.start_class(ROOT, hub_root, os.path.join(tmp, f"class{n}.txt"), log)
    peak = {u: 0.0 for u in users}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for u, mb in rss_by_user(users).items():
                peak[u] = max(peak[u], mb)
            stop.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    row = {"N": n, "load_before": round(load, 1)}
    try:
        h = client.Hub(url, open(os.path.join(hub_root, "api_token")).read().strip())
        sampler.start()
        t0 = time.perf_counter()

        async def start_all():
            loop = asyncio.get_running_loop()
            return await asyncio.gather(*(loop.run_in_executor(None, h.start_server, u, 600) for u in users))

        asyncio.run(start_all())
        row["servers_started_s"] = round(time.perf_counter() - t0, 1)
        tokens = {u: h.user_token(u) for u in users}
        cells = client.code_cells(os.path.join(ROOT, "notebooks", notebook))

        async def run_all():
            return await asyncio.gather(*(client.run_notebook(h, u, tokens[u], cells, timeout=900) for u in users),
                                        return_exceptions=True)

        t1 = time.perf_counter()
        runs = asyncio.run(run_all())
        row["class_notebook_s"] = round(time.perf_counter() - t1, 1)
        ok = [r for r in runs if isinstance(r, dict) and all(c["status"] == "ok" for c in r["cells"])
              and len(r["cells"]) == len(cells)]
        row["students_completed"] = f"{len(ok)}/{n}"
        failures = [str(r)[:200] if not isinstance(r, dict) else
                    next((c["error"] for c in r["cells"] if c["status"] != "ok"), "incomplete") for r in runs if r not in ok]
        if failures:
            row["first_failure"] = failures[0]
        lat = [c["seconds"] for r in ok for c in r["cells"]]
        row["first_result_s_median"] = round(statistics.median(r["first_result_seconds"] for r in ok), 2) if ok else None
        row["cell_p50_s"] = round(pct(lat, 0.5), 3)
        row["cell_p95_s"] = round(pct(lat, 0.95), 3)
        row["notebook_s_median"] = round(statistics.median(r["seconds"] for r in ok), 1) if ok else None
        row["notebook_s_max"] = round(max(r["seconds"] for r in ok), 1) if ok else None
        stop.set()
        sampler.join()
        row["memory_mb_per_student_median"] = round(statistics.median(peak.values()))
        row["memory_mb_per_student_max"] = round(max(peak.values()))
        # Hand-in: every student submits the fetched assignment at once; the instructor grades them all.
        t2 = time.perf_counter()
        procs = [subprocess.Popen(["runuser", "-u", u, "--", "sh", "-c",
                                   f"cd ~ && {hub_root}/bin/latent-submit assignments/{ASSIGNMENT}.ipynb"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for u in users]
        row["handed_in"] = sum(p.wait() == 0 for p in procs)
        row["hand_in_s"] = round(time.perf_counter() - t2, 2)
        t3 = time.perf_counter()
        g = subprocess.run(["bash", "scripts/hub.sh", "grade", ASSIGNMENT, os.path.join(tmp, f"out{n}"), "--root", hub_root,
                            "--source", FIXTURES], cwd=ROOT, capture_output=True, text=True)
        row["grade_s"] = round(time.perf_counter() - t3, 1)
        row["graded_ok"] = g.returncode == 0
    finally:
        stop.set()
        client.stop_class(hub, users)
        log.close()
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[5, 10, 20])
    ap.add_argument("--notebook", default="02-importance-sampling.ipynb")
    a = ap.parse_args()
    if os.getuid() != 0:
        sys.exit("bench:class: run as root (the hub creates one Unix account per student)")
    modes = client.folder_modes(ROOT)
    tmp = tempfile.mkdtemp(prefix="ll-bench-class-")
    os.chmod(tmp, 0o755)
    rows = []
    try:
        for n in a.sizes:
            row = one_round(n, a.notebook, tmp)
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        client.restore_modes(modes)
    cols = ["N", "load_before", "servers_started_s", "first_result_s_median", "cell_p50_s", "cell_p95_s",
            "notebook_s_median", "notebook_s_max", "students_completed", "memory_mb_per_student_median",
            "memory_mb_per_student_max", "hand_in_s", "grade_s"]
    print(f"\nnotebook {a.notebook}, {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")


if __name__ == "__main__":
    main()
