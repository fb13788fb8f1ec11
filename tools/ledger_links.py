#!/usr/bin/python3
"""Points the notebooks' ledger links at the copy of the ledger that Jupyter can open.

    /usr/bin/python3 tools/ledger_links.py [NOTEBOOK ...] [--check]

JupyterLab, Notebook 7 and the classic notebook serve notebooks/ (`npm start`), so a link to
`../docs/derivations.md#d29` is outside what they serve and does nothing. notebooks/derivations.md
is a link to docs/derivations.md inside that folder; this script rewrites every markdown link to the
ledger (`../docs/derivations.md#d29`) as a link to it (`derivations.md#d29`, relative to the notebook).
It changes only link targets in markdown cells, loads each notebook from disk and writes it back at
once (indent 1, as Jupyter writes). With no paths: notebooks/*.ipynb and notebooks/exercises/*.ipynb.
--check changes nothing and exits 1 when a link still points at docs/.
"""
import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVED_LEDGER = ROOT / "notebooks" / "derivations.md"
# a markdown link target: ](../docs/derivations.md#d29) or ](../../docs/derivations.md)
LINK = re.compile(r"\]\(((?:\.\./)+docs/derivations\.md)(#[A-Za-z0-9_-]*)?\)")


def rewrite_source(text: str, notebook_dir: Path) -> tuple[str, int]:
    """text with every ledger link under docs/ pointing at notebooks/derivations.md; and how many changed."""
    target = os.path.relpath(SERVED_LEDGER, notebook_dir)
    return LINK.subn(lambda m: f"]({target}{m.group(2) or ''})", text)


def rewrite_notebook_text(text: str, notebook_path: Path) -> tuple[str, int]:
    """The notebook's JSON text with its markdown cells' ledger links rewritten; and the count."""
    nb = json.loads(text)
    changed = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        lines = source if isinstance(source, list) else [source]
        new_lines = []
        for line in lines:
            new, n = rewrite_source(line, notebook_path.resolve().parent)
            changed += n
            new_lines.append(new)
        cell["source"] = new_lines if isinstance(source, list) else new_lines[0]
    if not changed:
        return text, 0
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n", changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    paths = [Path(p) for p in args.paths] or sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "exercises").glob("*.ipynb"))
    pending = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        new, n = rewrite_notebook_text(text, path)
        if n:
            pending += 1
            print(f"{path.name:50} {n:3d} ledger links {'to rewrite' if args.check else 'rewritten'}")
            if not args.check:
                path.write_text(new, encoding="utf-8")
    return 1 if args.check and pending else 0


if __name__ == "__main__":
    sys.exit(main())
