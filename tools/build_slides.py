#!/usr/bin/python3
"""Builds reveal.js slide decks of the lecture notebooks, offline (`npm run slides`).

    /usr/bin/python3 tools/build_slides.py [NOTEBOOK_OR_FOLDER ...] [--out DIR] [--timeout S] [--rerun]

Each deck is NAME.slides.html in build/notebooks/, beside the HTML pages of `npm run notebooks`, and
loads reveal.js, MathJax and the figure libraries from the same assets/ folder (copied from npm
packages): a folder of decks works with no network. A deck is made from the executed copy in the
output folder when it is newer than the notebook and every code cell ran (its HTML page too, when that
is missing or older); otherwise (or with --rerun) the notebook is run first.
Cells split into slides by their slideshow metadata, or at their headings when they have none
(tools/slide_metadata.py writes that metadata into the notebooks).
"""
import argparse
import sys

import nbformat

from notebook_export import write_html, write_slides
from run_notebooks import add_run_arguments, prepare_run, run_one


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_run_arguments(parser)
    parser.add_argument("--rerun", action="store_true", help="run every notebook again, even with an up-to-date executed copy")
    args = parser.parse_args()
    paths, out = prepare_run(args, "build_slides")
    failures = 0
    for path in paths:
        executed = out / path.name
        deck = out / (path.stem + ".slides.html")
        if not args.rerun and executed.exists() and executed.stat().st_mtime >= path.stat().st_mtime:
            copy = nbformat.read(executed, as_version=4)
            # a run that failed half way leaves a copy too: only a complete one makes the deck
            if all(c.get("execution_count") is not None for c in copy.cells if c.cell_type == "code"):
                write_slides(copy, deck)
                page = out / (path.stem + ".html")
                # the deck's page beside it, as a run would have written it
                if not page.exists() or page.stat().st_mtime < executed.stat().st_mtime:
                    write_html(copy, page)
                print(f"ok     {deck.name:52} (from the executed copy)", flush=True)
                continue
        failure, cells, seconds, _ = run_one(path, out, args.timeout, slides=True)
        print(f"{'ok' if failure is None else 'FAILED':6} {deck.name:52} ran {cells} cells in {seconds:.1f} s", flush=True)
        if failure:
            failures += 1
            print(f"  in {path}\n{failure}", flush=True)
    print(f"{len(paths) - failures} decks in {out}, {failures} notebooks failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
