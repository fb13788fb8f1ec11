"""Kernel start-up, restart and memory, Latent Lab against ipykernel, rounds interleaved in one command (this VM is noisy).

For each kernel: launch -> kernel_info reply ("ready"), launch -> the result of a first cell (`1 + 1`), and for
Latent Lab also launch -> `import * as ll from "latent-lab"; await ll.ready()` done; then restart -> the result
of `1 + 1` in the new kernel, and the kernel's resident memory (RSS, all threads) when idle after start and
after the library cell (ipykernel: after a few standard-library imports; numpy is not installed for Debian's ipykernel). Medians over rounds.
Run: npm run bench:kernel  (JUPYTER_PATH is set by the npm script to the project's kernels).
"""
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def run_cell(kc, code, timeout=120):
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            if msg["content"]["status"] != "ok":
                raise RuntimeError(f"{code!r} failed: {msg['content']}")
            return


def rss_mb(km):
    """Resident memory of the kernel process (every thread), from /proc."""
    pid = km.provisioner.process.pid
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(kernel_name, extra_cell):
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        ready = time.perf_counter() - t0
        run_cell(kc, "1 + 1")
        first = time.perf_counter() - t0
        time.sleep(1.0)
        idle_mb = rss_mb(km)
        t1 = time.perf_counter()
        run_cell(kc, extra_cell)
        library = time.perf_counter() - t1
        time.sleep(1.0)
        library_mb = rss_mb(km)
        t2 = time.perf_counter()
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=120)
        run_cell(kc, "1 + 1")
        restart = time.perf_counter() - t2
        return ready, first, library, restart, idle_mb, library_mb
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    rows = {"latent-lab": [], "python3": []}
    cells = {"latent-lab": 'import * as ll from "latent-lab";\nawait ll.ready();', "python3": "import json, decimal, fractions"}
    for r in range(ROUNDS):
        for name in rows:
            rows[name].append(measure(name, cells[name]))
        print(f"round {r + 1}/{ROUNDS}: latent-lab ready {rows['latent-lab'][-1][0]:.2f} s, "
              f"ipykernel ready {rows['python3'][-1][0]:.2f} s", file=sys.stderr)
    med = {k: [statistics.median(x[i] for x in v) for i in range(6)] for k, v in rows.items()}
    ll, py = med["latent-lab"], med["python3"]
    print(f"kernel start-up, restart and memory, median of {ROUNDS} interleaved rounds")
    print(f"{'':40}{'Latent Lab':>12}{'ipykernel':>12}{'ratio':>8}")
    for label, i, unit in [("launch -> kernel_info reply", 0, "s"), ("launch -> first cell result", 1, "s"),
                           ("library cell (ll.ready / stdlib imports)", 2, "s"), ("restart -> first cell result", 3, "s"),
                           ("RSS idle after start", 4, "MB"), ("RSS after the library cell", 5, "MB")]:
        fmt = ".2f" if unit == "s" else ".0f"
        print(f"{label:40}{ll[i]:>10{fmt}} {unit:<2}{py[i]:>9{fmt}} {unit:<2}{ll[i] / py[i]:>6.2f}x")


if __name__ == "__main__":
    main()
