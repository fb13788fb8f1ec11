"""Kernel start-up, restart, round trip and memory, Latent Lab against ipykernel, rounds interleaved in one command
(this VM is noisy; the load average is printed with the figures).

For each kernel: launch -> kernel_info reply ("ready"), launch -> the result of a first cell (`1 + 1`), the
library cell (Latent Lab: `import * as ll from "latent-lab"; await ll.ready()`; ipykernel: a few standard-library
imports, numpy is not installed for Debian's ipykernel), then the trivial-cell round trip (execute -> idle of
`1 + i`, twenty distinct cells sent back to back, median) and that of twenty cells declaring a name (`const v = i` /
`v = i`), then both again 0.3 s apart after a two-second pause (a student running cells one by one),
restart -> the result of `1 + 1` in the new kernel, and the kernel's resident memory (RSS, all threads) when
idle after start and after the library cell (3 s after the last cell: past the compiler's idle collection and the
kernel's release of V8's and the C heap's free memory). Memory and CPU are the kernel process's and its child processes'
(Latent Lab's compiler may be a process of its own: their RSS summed, an upper bound as shared pages count
twice). Beside it the USS (private memory: pages no other process maps, summed over the kernel's
processes): what each further kernel adds on a server running many, as Node's and Python's own code and shared
libraries are mapped once for all of them. The CPU time the kernel used from launch to the first result, and in the new kernel from restart to its
first result, is the figure least bent by a busy machine. Medians over rounds.
After the rounds: the round trips again with both kernels alive, their cells alternated pair by pair, back to
back and 0.3 s apart (the ratio least bent by this VM's noise, which moves a median by half between rounds).
Then a class's server: eight kernels of each kind running at once, each after the library cell and twenty
declaring cells, and the machine's memory in use (MemTotal - MemAvailable) per kernel: each shared page counted
once, as on a server where a class's kernels all map the same Node (`--no-class` skips it).
Then, once: Latent Lab's RSS after the library cell and twenty cells once its compiler process has
exited for want of requests (LATENT_COMPILER_IDLE_S: 300 s by default, set to 20 s here so as not to wait five
minutes; the memory is the same), and the next cell's round trip, which starts the compiler again. Once, at the
end: Latent Lab's RSS after running lecture notebook 07 (the VAE on MNIST) through nbclient
(`--no-notebook` skips it; ipykernel has no such notebook).
Run: npm run bench:kernel [rounds] [--no-notebook] [--no-idle] [--no-class]  (JUPYTER_PATH is set by the npm script to the project's kernels).
"""
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "kernel"))
from harness import start, stop  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
ROUNDS = int(ARGS[0]) if ARGS else 5
NOTEBOOK_07 = os.path.join(ROOT, "notebooks", "07-vae-on-mnist.ipynb")


def run_cell(kc, code, timeout=120):
    """Executes code and waits for its idle status; raises when it fails."""
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            if msg["content"]["status"] != "ok":
                raise RuntimeError(f"{code!r} failed: {msg['content']}")
            break
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            return


def process_tree(pid):
    """pid and its descendants, from /proc (every thread's children)."""
    pids, i = [pid], 0
    while i < len(pids):
        try:
            for task in os.listdir(f"/proc/{pids[i]}/task"):
                with open(f"/proc/{pids[i]}/task/{task}/children") as f:
                    pids.extend(int(c) for c in f.read().split())
        except OSError:
            pass
        i += 1
    return pids


def rss_mb(pid):
    """Resident memory of a process and its descendants (every thread), from /proc."""
    total = 0.0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total


def uss_mb(pid):
    """Private memory (USS: Private_Clean + Private_Dirty) of a process and its descendants, from /proc."""
    total = 0.0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith(("Private_Clean:", "Private_Dirty:"))) / 1024
        except OSError:
            pass
    return total


def cpu_s(pid):
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    total = 0.0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
    return total


def round_trip(kc, cell, n=20, pause=0.0):
    """Median seconds from execute to idle of n distinct cells cell(i) (distinct: no cell is compiled twice),
    sent back to back (pause 0, as "Run all" sends them) or `pause` seconds apart (a student running cells)."""
    times = []
    for i in range(n):
        t = time.perf_counter()
        run_cell(kc, cell(i))
        times.append(time.perf_counter() - t)
        time.sleep(pause)
    return statistics.median(times)


PACE_S = 0.3
# The kernel's memory is read this long after its last cell: past the compiler's idle collection (1 s) and the
# kernel's release of V8's young generation and the C heap's free pages (2 s, then up to ~0.3 s of collection after
# a notebook), the state a kernel between cells settles in.
SETTLE_S = 3.0


def measure(kernel_name, extra_cell, declaring):
    t0 = time.perf_counter()
    km, kc = start(kernel_name=kernel_name)
    ready = time.perf_counter() - t0
    try:
        run_cell(kc, "1 + 1")
        first = time.perf_counter() - t0
        first_cpu = cpu_s(km.provisioner.process.pid)
        time.sleep(SETTLE_S)
        idle_mb = rss_mb(km.provisioner.process.pid)
        idle_uss = uss_mb(km.provisioner.process.pid)
        t1 = time.perf_counter()
        run_cell(kc, extra_cell)
        library = time.perf_counter() - t1
        trip = round_trip(kc, lambda i: f"1 + {i}")
        declaring_trip = round_trip(kc, declaring)
        # The same at a student's pace, once the kernel has had two seconds after those.
        time.sleep(2.0)
        paced_trip = round_trip(kc, lambda i: f"2 + {i}", pause=PACE_S)
        paced_declaring = round_trip(kc, lambda i: declaring(i + 100), pause=PACE_S)
        time.sleep(SETTLE_S)
        library_mb = rss_mb(km.provisioner.process.pid)
        library_uss = uss_mb(km.provisioner.process.pid)
        t2 = time.perf_counter()
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=120)
        run_cell(kc, "1 + 1")
        restart = time.perf_counter() - t2
        restart_cpu = cpu_s(km.provisioner.process.pid)
        return (ready, first, library, restart, trip, declaring_trip, idle_mb, library_mb, first_cpu, restart_cpu, idle_uss, library_uss,
                paced_trip, paced_declaring)
    finally:
        stop(km, kc)


IDLE_S = 20


def after_idle_spell(idle_s=IDLE_S):
    """Latent Lab's RSS (MB) after the library cell, 1 s and idle_s + 5 s later, and the next trivial cell's
    seconds and CPU seconds (the compiler process started again from its snapshot)."""
    km, kc = start(kernel_name="latent-lab", env={**os.environ, "LATENT_COMPILER_IDLE_S": str(idle_s)})
    try:
        run_cell(kc, 'import * as ll from "latent-lab";\nawait ll.ready();')
        for i in range(20):
            run_cell(kc, f"1 + {i}")
        time.sleep(1.0)
        busy_mb = rss_mb(km.provisioner.process.pid)
        busy_uss = uss_mb(km.provisioner.process.pid)
        time.sleep(idle_s + 4.0)
        idle_mb = rss_mb(km.provisioner.process.pid)
        idle_uss = uss_mb(km.provisioner.process.pid)
        cpu = cpu_s(km.provisioner.process.pid)
        t = time.perf_counter()
        run_cell(kc, "1 + 100")
        return busy_mb, idle_mb, time.perf_counter() - t, cpu_s(km.provisioner.process.pid) - cpu, busy_uss, idle_uss
    finally:
        stop(km, kc)


PAIRS = 40


def paired_round_trips(library_cells, pause=0.0, n=PAIRS):
    """Round trips with both kernels alive at once, after their library cells and a 3 s rest (Latent Lab's
    warm-up and idle collection done): each cell goes to one kernel then the other, who goes first alternating,
    so the two see the same machine (load, caches, a vCPU woken or not), which separate rounds on this VM do not
    give. `pause` seconds after each cell. Returns {kind: (Latent Lab's median s, ipykernel's median s, median
    of the per-pair ratios)} for trivial cells and cells declaring a new name."""
    names = ("latent-lab", "python3")
    cells = {"trivial": {"latent-lab": lambda i: f"3 + {i}", "python3": lambda i: f"3 + {i}"},
             "declaring": {"latent-lab": lambda i: f"const w{i} = {i};", "python3": lambda i: f"w{i} = {i}"}}
    kernels = {}
    try:
        for name in names:
            kernels[name] = start(kernel_name=name)
            run_cell(kernels[name][1], library_cells[name])
        time.sleep(3.0)
        out = {}
        for kind, cell in cells.items():
            times = {name: [] for name in names}
            for i in range(n):
                for name in (names if i % 2 == 0 else names[::-1]):
                    t = time.perf_counter()
                    run_cell(kernels[name][1], cell[name](i))
                    times[name].append(time.perf_counter() - t)
                    time.sleep(pause)
            ratios = [a / b for a, b in zip(times["latent-lab"], times["python3"])]
            out[kind] = (statistics.median(times["latent-lab"]), statistics.median(times["python3"]), statistics.median(ratios))
        return out
    finally:
        for km, kc in kernels.values():
            stop(km, kc)


CLASS_N = 8


def memory_in_use_mb():
    """The machine's memory in use (MemTotal - MemAvailable, /proc/meminfo): every process's private pages, each
    shared page once, page tables and the kernel's own, and none of the reclaimable page cache."""
    with open("/proc/meminfo") as f:
        info = {line.split(":")[0]: int(line.split()[1]) for line in f}
    return (info["MemTotal"] - info["MemAvailable"]) / 1024


def class_memory(name, library_cell, declaring, n=CLASS_N):
    """A class's server: the machine's memory in use per kernel with n kernels running at once, each after the
    library cell and twenty declaring cells, SETTLE_S later (MB). Read against the same reading once they have all
    been shut down and the machine has settled, and against the reading before they started: the larger of the
    two differences (memory that drifts meanwhile is counted against the kernels, never for them)."""
    time.sleep(2 * SETTLE_S)
    before = memory_in_use_mb()
    kernels = []
    try:
        for _ in range(n):
            km, kc = start(kernel_name=name, cwd=ROOT)
            kernels.append((km, kc))
            run_cell(kc, library_cell)
            for i in range(20):
                run_cell(kc, declaring(i))
        time.sleep(SETTLE_S)
        running = memory_in_use_mb()
    finally:
        for km, kc in kernels:
            stop(km, kc)
    time.sleep(2 * SETTLE_S)
    after = memory_in_use_mb()
    return max(running - before, running - after) / n


def after_notebook_07():
    """Latent Lab's RSS (MB) SETTLE_S after notebook 07 has run, as after the library cell (and IDLE_S + 5 s after, the compiler process
    gone, unless --no-idle), and the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK_07, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="latent-lab", resources={"metadata": {"path": os.path.dirname(NOTEBOOK_07)}})
    os.environ["LATENT_COMPILER_IDLE_S"] = str(IDLE_S)  # the kernel's environment (nbclient passes ours)
    t = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        seconds = time.perf_counter() - t
        time.sleep(SETTLE_S)
        pid = client.km.provisioner.process.pid
        busy = rss_mb(pid), uss_mb(pid)
        if "--no-idle" in sys.argv:
            return busy, None, seconds
        time.sleep(IDLE_S + 4.0)
        return busy, (rss_mb(pid), uss_mb(pid)), seconds


def main():
    rows = {"latent-lab": [], "python3": []}
    cells = {"latent-lab": 'import * as ll from "latent-lab";\nawait ll.ready();', "python3": "import json, decimal, fractions"}
    # A cell that declares a name, as most notebook cells do (TypeScript must also emit its declaration).
    declaring = {"latent-lab": lambda i: f"const v{i} = {i};", "python3": lambda i: f"v{i} = {i}"}
    loads = [os.getloadavg()[0]]
    for r in range(ROUNDS):
        for name in rows:
            rows[name].append(measure(name, cells[name], declaring[name]))
        loads.append(os.getloadavg()[0])
        print(f"round {r + 1}/{ROUNDS}: latent-lab first result {rows['latent-lab'][-1][1]:.2f} s, restart {rows['latent-lab'][-1][3]:.2f} s; "
              f"ipykernel {rows['python3'][-1][1]:.2f} s, {rows['python3'][-1][3]:.2f} s (load {loads[-1]:.1f})", file=sys.stderr)
    med = {k: [statistics.median(x[i] for x in v) for i in range(14)] for k, v in rows.items()}
    ll, py = med["latent-lab"], med["python3"]
    print(f"kernel start-up, restart, round trip and memory, median of {ROUNDS} interleaved rounds "
          f"(1-minute load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores)")
    print(f"{'':44}{'Latent Lab':>12}{'ipykernel':>12}{'ratio':>8}")
    for label, i, unit in [("launch -> kernel_info reply", 0, "s"), ("launch -> first cell result", 1, "s"),
                           ("  CPU time, launch -> first result", 8, "s"),
                           ("library cell (ll.ready / stdlib imports)", 2, "s"), ("restart -> first cell result", 3, "s"),
                           ("  CPU time of the new kernel to its result", 9, "s"),
                           ("trivial cell round trip after the library", 4, "ms"),
                           ("declaring cell round trip (const v = i)", 5, "ms"),
                           (f"  the same two, {PACE_S:g} s apart: trivial", 12, "ms"),
                           ("  declaring", 13, "ms"),
                           ("RSS idle after start", 6, "MB"), ("RSS after the library cell", 7, "MB"),
                           ("USS idle after start", 10, "MB"), ("USS after the library cell", 11, "MB")]:
        scale = 1000 if unit == "ms" else 1
        fmt = ".2f" if unit == "s" else ".1f" if unit == "ms" else ".0f"
        print(f"{label:44}{ll[i] * scale:>10{fmt}} {unit:<2}{py[i] * scale:>9{fmt}} {unit:<2}{ll[i] / py[i]:>6.2f}x")
    targets = [("restart -> first result <= 1 s", f"{ll[3]:.2f} s", ll[3] <= 1.0),
               ("trivial round trip <= 2x ipykernel's (separate rounds)", f"{ll[4] / py[4]:.2f}x", ll[4] / py[4] <= 2.0),
               ("memory after the library cell <= 160 MB (USS; RSS summed)", f"{ll[11]:.0f} MB ({ll[7]:.0f})", ll[11] <= 160)]
    print(f"round trips with both kernels alive, cells alternated ({PAIRS} pairs after a 3 s rest; ratio: median of the pairs' ratios)")
    for pause in (0.0, PACE_S):
        paired = paired_round_trips(cells, pause)
        when = "back to back" if pause == 0 else f"{pause:g} s apart"
        for kind, (a, b, ratio) in paired.items():
            label = f"  {kind}, {when}"
            print(f"{label:44}{a * 1000:>10.1f} ms{b * 1000:>9.1f} ms{ratio:>6.2f}x")
            if kind == "trivial":
                targets.append((f"trivial round trip <= 2x, both alive, {when}", f"{ratio:.2f}x", ratio <= 2.0))
    if "--no-idle" not in sys.argv:
        busy_mb, idle_mb, wake_s, wake_cpu, busy_uss, idle_uss = after_idle_spell()
        print(f"{f'RSS after the library cell, 1 s / {IDLE_S + 5} s idle':44}{busy_mb:>6.0f} / {idle_mb:.0f} MB  (the compiler process exited after {IDLE_S} s idle)")
        print(f"{'  USS, the same two moments':44}{busy_uss:>6.0f} / {idle_uss:.0f} MB")
        print(f"{'the next trivial cell (compiler restarted)':44}{wake_s * 1000:>10.0f} ms, CPU {wake_cpu * 1000:.0f} ms  (load {os.getloadavg()[0]:.1f})")
    if "--no-class" not in sys.argv:
        per_kernel = {name: class_memory(name, cells[name], declaring[name]) for name in rows}
        label = f"a class: {CLASS_N} kernels at once, memory in use each"
        print(f"{label:44}{per_kernel['latent-lab']:>10.0f} MB{per_kernel['python3']:>9.0f} MB"
              f"{per_kernel['latent-lab'] / per_kernel['python3']:>6.2f}x")
        targets.append((f"memory after the library cell <= 160 MB, {CLASS_N} kernels on one machine", f"{per_kernel['latent-lab']:.0f} MB",
                        per_kernel["latent-lab"] <= 160))
    if "--no-notebook" not in sys.argv:
        try:
            (mb, uss), idle, seconds = after_notebook_07()
            print(f"{'RSS after notebook 07 (ran in ' + f'{seconds:.0f} s)':44}{mb:>10.0f} MB{'—':>10}     (USS {uss:.0f} MB; load {os.getloadavg()[0]:.1f})")
            targets.append(("memory after notebook 07 <= 400 MB (USS; RSS summed)", f"{uss:.0f} MB ({mb:.0f})", uss <= 400))
            if idle is not None:
                print(f"{f'  and {IDLE_S + 5} s later (compiler exited)':44}{idle[0]:>10.0f} MB{'':>10}     (USS {idle[1]:.0f} MB)")
        except Exception as e:  # a notebook that fails is reported, the table above stands
            print(f"RSS after notebook 07: not measured, the notebook failed: {type(e).__name__}: {str(e).splitlines()[-1] if str(e) else ''}")
    # Issue 26's targets. Memory by USS: what each further kernel adds on a class's server (the RSS of the kernel and
    # its compiler process summed counts Node's own code, which every kernel maps, twice).
    print("issue 26's targets")
    for label, value, met in targets:
        print(f"  {label:62}{value:>16}  {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
