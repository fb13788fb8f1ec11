#!/usr/bin/python3
"""Writes slide metadata into lecture notebooks, so that each splits into sensible slides.

    /usr/bin/python3 tools/slide_metadata.py [NOTEBOOK_OR_FOLDER ...] [--check] [--overwrite]

A markdown cell that opens with a heading (#, ## or ###) starts a slide; every other cell continues
it. Cells that already have a slide type keep it (a lecturer's choice wins) unless --overwrite. With
no paths: the lecture notebooks (as `npm run notebooks` chooses them). Idempotent: a second run
changes nothing. --check changes nothing and exits 1 if some notebook lacks metadata.
"""
import argparse
import sys

import nbformat

from notebook_export import apply_slide_types
from run_notebooks import notebook_paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--check", action="store_true", help="only report notebooks that would change")
    parser.add_argument("--overwrite", action="store_true", help="replace slide types already set")
    args = parser.parse_args()
    paths = notebook_paths(args.paths)
    if not paths:
        raise SystemExit("slide_metadata: no notebooks found")
    pending = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        changed = apply_slide_types(nb, overwrite=args.overwrite)
        slides = sum(1 for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "slide")
        if changed and not args.check:
            nbformat.write(nb, path)
        if changed:
            pending += 1
        verb = "would set" if args.check else "set"
        print(f"{path.name:45} {slides:3d} slides; {verb} {changed} cells" if changed else f"{path.name:45} {slides:3d} slides; unchanged")
    return 1 if args.check and pending else 0


if __name__ == "__main__":
    sys.exit(main())
