#!/usr/bin/python3
"""Executes notebooks through the Latent Lab kernel with nbclient (Debian's python3-nbclient).

    /usr/bin/python3 tools/run_notebooks.py [NOTEBOOK_OR_FOLDER ...] [--timeout S] [--out DIR] [--slides]
                                            [--jobs N] [--instructor DIR]

With no paths it runs the lecture notebooks: the notebooks/*.ipynb that git tracks (a scratch
notebook made with "New" is not run), or, outside a git checkout, notebooks/NN-*.ipynb. A folder runs
the tracked notebooks in it (all of its notebooks if git tracks none there); a named file always runs.
Each executed copy and its HTML (offline: scripts from an assets/ folder copied once beside the pages,
figures interactive over their PNG) go to build/notebooks/; with --slides also a reveal.js deck
(NAME.slides.html). One line per notebook (ok/failed, cells, seconds); a failure names the notebook,
the cell, its source and the error, and the exit status is 1.

Notebooks run side by side, one kernel each, --jobs at a time (default: the machine's cores, or
LATENT_NOTEBOOK_JOBS); each kernel computes on cores / jobs threads (at least 1) unless LATENT_THREADS is set.
With --instructor DIR a lecture notebook with exercises is also run as its instructor version in the
same kernel: after the student's cells, each exercise again with its worked solution, then the
wrong-answer probe (tools/lecture_instructor.py), written to DIR as the executed instructor notebook.
The exercises are the notebook's last cells, so they see the state an instructor-only run gives them,
and the lecture's cells run once for both versions.
"""
import argparse
import concurrent.futures
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from notebook_export import copy_assets, write_html, write_slides

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "latent-lab"


def tracked_notebooks(folder):
    """The *.ipynb directly in folder that git tracks, sorted; None when git cannot say (no git, or
    folder outside a checkout)."""
    try:
        r = subprocess.run(["git", "-C", str(folder), "ls-files", "-z", "--", "*.ipynb"],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0:
        return None
    names = [n for n in r.stdout.split("\0") if n and "/" not in n]
    return sorted(folder / n for n in names if (folder / n).exists())


def lecture_notebooks():
    """The lecture notebooks: tracked by git, or named NN-*.ipynb outside a checkout."""
    folder = ROOT / "notebooks"
    tracked = tracked_notebooks(folder)
    return tracked if tracked is not None else sorted(folder.glob("[0-9][0-9]-*.ipynb"))


def notebook_paths(args):
    if not args:
        return lecture_notebooks()
    found = []
    for a in args:
        p = Path(a).resolve()
        if p.is_dir():
            tracked = tracked_notebooks(p)
            found.extend(tracked if tracked else sorted(p.glob("*.ipynb")))
        elif p.suffix == ".ipynb" and p.exists():
            found.append(p)
        else:
            raise SystemExit(f"run_notebooks: no notebook at '{a}'")
    return found


def describe_failure(cell, index, error):
    source = "\n".join("    | " + line for line in cell.source.splitlines())
    return f"  cell {index} failed:\n{source}\n  error: {error}"


def record_language_info(client, nb):
    """Saves the kernel's language_info in the notebook, as nbclient's own execute() does: JupyterLab and
    Notebook 7 set the kernel's when it connects, and any difference from the saved one shows the freshly
    opened notebook as modified."""
    reply = client.wait_for_reply(client.kc.kernel_info())
    info = (reply or {}).get("content", {}).get("language_info")
    if info:
        nb.metadata["language_info"] = info


def run_one(path, out_dir, timeout, slides=False, instructor_dir=None):
    """Executes one notebook (and, with instructor_dir, its instructor version after it in the same kernel);
    writes the executed copies and the HTML. Returns (failure, code cells, seconds, instructor failure), a
    failure being None when all went well (or there is no instructor version)."""
    nb = nbformat.read(path, as_version=4)
    twin = None
    if instructor_dir is not None:
        import lecture_instructor  # only here: the plain runner needs none of it
        twin = lecture_instructor.paired_version(nb, path.name)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=KERNEL, allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    failure = None
    twin_failure = None if twin is None else "  the kernel stopped before it ran"
    start = time.time()
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    try:
        with client.setup_kernel():
            record_language_info(client, nb)
            for index, cell in code_cells:
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    failure = describe_failure(cell, index, f"timed out after {timeout} s (per-cell timeout)")
                    break
                except CellExecutionError as e:
                    failure = describe_failure(cell, index, f"{e.ename}: {e.evalue}")
                    break
            if twin is not None:
                twin_failure = "  the student version failed first" if failure else run_twin(client, nb, twin, timeout)
    except DeadKernelError as e:
        failure = f"  the kernel died: {e}"
    except Exception as e:  # a kernel that cannot start is a failure of this notebook, not of the runner
        failure = f"  could not run: {type(e).__name__}: {e}"
    seconds = time.time() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    write_html(nb, out_dir / path.with_suffix(".html").name)
    if slides:
        write_slides(nb, out_dir / (path.stem + ".slides.html"))
    if twin is not None:
        instructor_dir.mkdir(parents=True, exist_ok=True)
        if "language_info" in nb.metadata:
            twin.metadata["language_info"] = nb.metadata["language_info"]
        nbformat.write(twin, instructor_dir / path.name)
    return failure, len(code_cells), seconds, twin_failure


def run_twin(client, nb, twin, timeout):
    """Runs the instructor version's own cells (the solved exercises, the probe) in the kernel the student
    version just ran in; the lecture's cells take the student run's outputs, which are theirs too (the
    same source, run on the same state). Every own cell runs even when one fails: each failure is named
    (lecture_instructor.verify_run reads the outputs)."""
    own = []
    for index, cell in enumerate(twin.cells):
        if index < len(nb.cells) and cell.cell_type == "code" and cell.source == nb.cells[index].source:
            cell.outputs = nb.cells[index].outputs
            cell.execution_count = nb.cells[index].execution_count
        elif cell.cell_type == "code":
            own.append((index, cell))
    failed = []
    student, client.nb = client.nb, twin  # nbclient files each executed cell into client.nb at its index
    try:
        for index, cell in own:
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                failed.append(describe_failure(cell, index, f"timed out after {timeout} s (per-cell timeout)"))
            except CellExecutionError as e:
                failed.append(describe_failure(cell, index, f"{e.ename}: {e.evalue}"))
    finally:
        client.nb = student
    return "\n".join(failed) or None


def add_run_arguments(parser):
    """The arguments every notebook runner takes: the notebooks, --out and --timeout."""
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--out", default=str(ROOT / "build" / "notebooks"))
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("LATENT_CELL_TIMEOUT", 300)),
                        help="seconds allowed per cell when a notebook runs (default 300)")


def prepare_run(args, prog):
    """Checks the shared arguments, points Jupyter at the project's kernel and makes --out with the
    offline assets; returns the notebooks to run and the output folder."""
    if args.timeout <= 0:
        raise SystemExit(f"{prog}: --timeout must be positive")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(ROOT / ".jupyter"), os.environ.get("JUPYTER_PATH")]))
    paths = notebook_paths(args.paths)
    if not paths:
        raise SystemExit(f"{prog}: no notebooks found")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    return paths, out


def default_jobs():
    return int(os.environ.get("LATENT_NOTEBOOK_JOBS", 0)) or os.cpu_count() or 1


def pin_kernel_threads(jobs):
    """Sets LATENT_THREADS for the kernels this process starts to the cores it may use divided among JOBS
    side-by-side kernels (at least 1), unless the caller set it. Every kernel defaults to all the cores:
    JOBS of them at once would each start that many OpenMP/OpenBLAS threads and oversubscribe the machine
    (threads that wait at barriers for a descheduled partner)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    os.environ.setdefault("LATENT_THREADS", str(max(1, cores // max(1, jobs))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_arguments(parser)
    parser.add_argument("--slides", action="store_true", help="also write a reveal.js deck of each notebook")
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="notebooks run at once, one kernel each (default: the cores, or LATENT_NOTEBOOK_JOBS)")
    parser.add_argument("--instructor", metavar="DIR",
                        help="also run each lecture's instructor version (solved exercises, wrong-answer probe) and write it to DIR")
    args = parser.parse_args()
    if args.jobs < 1:
        raise SystemExit("run_notebooks: --jobs must be at least 1")
    paths, out = prepare_run(args, "run_notebooks")
    instructor = Path(args.instructor).resolve() if args.instructor else None
    jobs = [(path, out, args.timeout, args.slides, instructor) for path in paths]
    failures = 0

    def report(path, result):
        nonlocal failures
        failure, cells, seconds, twin_failure = result
        status = "ok" if failure is None else "FAILED"
        print(f"{status:6} {path.name:45} {cells:3d} cells {seconds:7.1f} s", flush=True)
        if failure:
            failures += 1
            print(f"  in {path}\n{failure}", flush=True)
        if twin_failure:
            print(f"  its instructor version ({instructor / path.name}):\n{twin_failure}", flush=True)

    workers = min(args.jobs, len(jobs))
    pin_kernel_threads(workers)  # the workers and their kernels inherit it
    if workers == 1:
        for job in jobs:
            report(job[0], run_one(*job))
    else:
        # spawned, not forked: each worker starts its own ZeroMQ context and event loop
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            running = {pool.submit(run_one, *job): job[0] for job in jobs}
            for done in concurrent.futures.as_completed(running):
                report(running[done], done.result())
    print(f"{len(paths) - failures} notebooks ok, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
