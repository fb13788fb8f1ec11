"""Kernel start-up, Latent Lab against ipykernel, rounds interleaved in one command (this VM is noisy).

For each kernel: launch -> kernel_info reply ("ready"), launch -> the result of a first cell (`1 + 1`), and for
Latent Lab also launch -> `import * as ll from "latent-lab"; await ll.ready()` done. Medians over rounds.
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


def measure(kernel_name, extra_cell=None):
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
        library = None
        if extra_cell:
            run_cell(kc, extra_cell)
            library = time.perf_counter() - t0
        return ready, first, library
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    rows = {"latent-lab": [], "python3": []}
    library_cell = 'import * as ll from "latent-lab";\nawait ll.ready();'
    for r in range(ROUNDS):
        rows["latent-lab"].append(measure("latent-lab", library_cell))
        rows["python3"].append(measure("python3"))
        print(f"round {r + 1}/{ROUNDS}: latent-lab ready {rows['latent-lab'][-1][0]:.2f} s, "
              f"ipykernel ready {rows['python3'][-1][0]:.2f} s", file=sys.stderr)
    med = {k: [statistics.median(x[i] for x in v) if v[0][i] is not None else None for i in range(3)] for k, v in rows.items()}
    ll, py = med["latent-lab"], med["python3"]
    print(f"kernel start-up, median of {ROUNDS} interleaved rounds")
    print(f"{'':34}{'Latent Lab':>12}{'ipykernel':>12}{'ratio':>8}")
    print(f"{'launch -> kernel_info reply':34}{ll[0]:>10.2f} s{py[0]:>10.2f} s{ll[0] / py[0]:>7.2f}x")
    print(f"{'launch -> first cell result':34}{ll[1]:>10.2f} s{py[1]:>10.2f} s{ll[1] / py[1]:>7.2f}x")
    print(f"{'launch -> import + ll.ready()':34}{ll[2]:>10.2f} s")


if __name__ == "__main__":
    main()
