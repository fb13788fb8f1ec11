#!/usr/bin/python3
"""Executes notebooks through the Latent Lab kernel with nbclient (Debian's python3-nbclient).

    /usr/bin/python3 tools/run_notebooks.py [NOTEBOOK_OR_FOLDER ...] [--timeout S] [--out DIR]

With no paths it runs every notebooks/*.ipynb in name order. Each executed copy and its HTML go to
build/notebooks/. One line per notebook (ok/failed, cells, seconds); a failure names the notebook,
the cell, its source and the error, and the exit status is 1.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "latent-lab"


def notebook_paths(args):
    if not args:
        return sorted((ROOT / "notebooks").glob("*.ipynb"))
    found = []
    for a in args:
        p = Path(a).resolve()
        if p.is_dir():
            found.extend(sorted(p.glob("*.ipynb")))
        elif p.suffix == ".ipynb" and p.exists():
            found.append(p)
        else:
            raise SystemExit(f"run_notebooks: no notebook at '{a}'")
    return found


def describe_failure(cell, index, error):
    source = "\n".join("    | " + line for line in cell.source.splitlines())
    return f"  cell {index} failed:\n{source}\n  error: {error}"


def run_one(path, out_dir, timeout):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=KERNEL, allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    failure = None
    start = time.time()
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    try:
        with client.setup_kernel():
            for index, cell in code_cells:
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    failure = describe_failure(cell, index, f"timed out after {timeout} s (per-cell timeout)")
                    break
                except CellExecutionError as e:
                    failure = describe_failure(cell, index, f"{e.ename}: {e.evalue}")
                    break
    except DeadKernelError as e:
        failure = f"  the kernel died: {e}"
    except Exception as e:  # a kernel that cannot start is a failure of this notebook, not of the runner
        failure = f"  could not run: {type(e).__name__}: {e}"
    seconds = time.time() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    html, _ = HTMLExporter().from_notebook_node(nb)
    (out_dir / path.with_suffix(".html").name).write_text(html, encoding="utf-8")
    return failure, len(code_cells), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("LATENT_CELL_TIMEOUT", 300)),
                        help="seconds allowed per cell (default 300)")
    parser.add_argument("--out", default=str(ROOT / "build" / "notebooks"))
    args = parser.parse_args()
    if args.timeout <= 0:
        raise SystemExit("run_notebooks: --timeout must be positive")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(ROOT / ".jupyter"), os.environ.get("JUPYTER_PATH")]))
    paths = notebook_paths(args.paths)
    if not paths:
        raise SystemExit("run_notebooks: no notebooks found")
    failures = 0
    for path in paths:
        failure, cells, seconds = run_one(path, Path(args.out), args.timeout)
        status = "ok" if failure is None else "FAILED"
        print(f"{status:6} {path.name:45} {cells:3d} cells {seconds:7.1f} s", flush=True)
        if failure:
            failures += 1
            print(f"  in {path}\n{failure}", flush=True)
    print(f"{len(paths) - failures} notebooks ok, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
