"""The derivations ledger beside the exports: docs/derivations.md rendered as derivations.html in the
export folder, and the notebooks' ledger links (derivations.md#d29, or ../docs/derivations.md#d29)
pointed at it, so a D-link in a page or a deck opens offline, from the folder of exports alone."""
import copy
import html
import re
from pathlib import Path

from nbconvert.filters.markdown import markdown2html

from .assets import ASSETS_DIR, ROOT

LEDGER = ROOT / "docs" / "derivations.md"
PAGE = "derivations.html"
# a markdown link target naming the ledger, from notebooks/ (derivations.md) or from the repository (docs/…)
NOTEBOOK_LINK = re.compile(r"\]\((?:\.\./)*(?:docs/)?derivations\.md(#[A-Za-z0-9_-]*)?\)")
# inside the ledger: links to notebooks become their exported pages; links to other repository files become plain text
LEDGER_NOTEBOOK_LINK = re.compile(r"\]\(\.\./notebooks/(?:exercises/)?([^)/]+)\.ipynb\)")
LEDGER_FILE_LINK = re.compile(r"\[([^\]]+)\]\(\.\./[^)]+\)")


def ledger_links(nb):
    """A copy of nb whose markdown cells link the ledger's exported page (derivations.html#d29)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = NOTEBOOK_LINK.sub(lambda m: f"]({PAGE}{m.group(1) or ''})", cell.source)
    return nb


# what keeps its underscores: code spans, link targets and HTML tags
LITERAL = re.compile(r"(`[^`]*`|\]\([^)]*\)|<[^>]+>)")


def _plain_underscores(markdown: str) -> str:
    """The ledger writes subscripts as plain text (ᾱ_t, Π_{τ≤t}(1 − β_τ)); nbconvert's markdown reads a
    pair of them as emphasis and drops both. Escaped outside code, link targets and tags, they stay."""
    return "".join(part if LITERAL.fullmatch(part) else part.replace("_", "\\_") for part in LITERAL.split(markdown))


def ledger_page_html(markdown: str) -> str:
    """The ledger as a standalone HTML page using the exports' stylesheet from assets/."""
    markdown = LEDGER_NOTEBOOK_LINK.sub(lambda m: f"]({m.group(1)}.html)", markdown)
    markdown = LEDGER_FILE_LINK.sub(lambda m: f"`{m.group(1)}`" if not m.group(1).startswith("`") else m.group(1), markdown)
    body = markdown2html(_plain_underscores(markdown))
    title = next((line[2:].strip() for line in markdown.splitlines() if line.startswith("# ")), "Derivations")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{ASSETS_DIR}/latent-lab/latent-lab.css">
<style>
body {{ font-family: system-ui, sans-serif; line-height: 1.5; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85em; }} td, th {{ border: 1px solid #ccc; padding: 0.2em 0.4em; vertical-align: top; }}
a[id]:target + strong, :target {{ background: #fff3b0; }}
code {{ font-size: 0.9em; }}
.anchor-link {{ visibility: hidden; text-decoration: none; margin-left: 0.3em; }}
h1:hover .anchor-link, h2:hover .anchor-link, h3:hover .anchor-link {{ visibility: visible; }}
</style></head>
<body class="latent-lab-ledger">
{body}
</body></html>
"""


def write_ledger(out_dir) -> Path:
    """Writes out_dir/derivations.html from docs/derivations.md (only when the ledger changed)."""
    dest = Path(out_dir) / PAGE
    page = ledger_page_html(LEDGER.read_text(encoding="utf-8"))
    if not dest.exists() or dest.read_text(encoding="utf-8") != page:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(page, encoding="utf-8")
    return dest
