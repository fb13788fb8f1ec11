"""HTML pages and reveal.js decks of executed notebooks, with this package's templates (they extend
nbconvert's own lab and reveal templates, in nbconvert 6.5 as in 7.x) and assets beside them."""
from pathlib import Path

from nbconvert import HTMLExporter, SlidesExporter
from traitlets.config import Config

from .assets import ASSETS_DIR
from .figures import interactive_figures
from .ledger import ledger_links, write_ledger
from .slides import apply_slide_types, long_markdown_to_notes, split_tall_slides

TEMPLATES = Path(__file__).resolve().parent / "templates"
# A cell tagged hide-input (e.g. the code above a worked derivation) shows only its output in the
# HTML pages and the decks, so the derivation's table fits its slide.
HIDE_INPUT_TAG = "hide-input"


def _exporter(cls, template, **traits):
    # Given to the constructor: nbconvert 6.5 computes its template paths once, at construction.
    # shared/ holds the macros both templates import (uniquely named, so it shadows nothing)
    return cls(extra_template_basedirs=[str(TEMPLATES)], extra_template_paths=[str(TEMPLATES / "shared")], template_name=template,
               # the templates load everything from assets/; this keeps nbconvert from naming a CDN
               mathjax_url=f"{ASSETS_DIR}/mathjax/tex-svg-full.js",
               config=Config({"TagRemovePreprocessor": {"enabled": True, "remove_input_tags": [HIDE_INPUT_TAG]}}), **traits)


def _resources(nb_path):
    return {"latent_lab_assets": ASSETS_DIR, "metadata": {"name": Path(nb_path).stem}}


def write_html(nb, dest) -> Path:
    """Writes nb as an HTML page to dest (a .html path); assets are expected in dest's folder/assets/.
    The ledger's page (derivations.html) is written beside it and the notebook's ledger links point there."""
    exporter = _exporter(HTMLExporter, "latent_lab")
    body, _ = exporter.from_notebook_node(ledger_links(interactive_figures(nb)), resources=_resources(dest))
    dest = Path(dest)
    write_ledger(dest.parent)
    dest.write_text(body, encoding="utf-8")
    return dest


def write_slides(nb, dest) -> Path:
    """Writes nb as a reveal.js deck to dest (a .slides.html path). Cells without slide metadata are
    split at their headings (slides.slide_type), long markdown continues in the speaker notes, a slide
    too tall continues on the next one, and the deck zooms out what still does not fit 1280×720
    (static/fit-slides.js); the notebook itself is not changed."""
    nb = ledger_links(interactive_figures(nb))
    apply_slide_types(nb)
    long_markdown_to_notes(nb)
    split_tall_slides(nb)
    exporter = _exporter(SlidesExporter, "latent_lab_reveal", reveal_url_prefix=f"{ASSETS_DIR}/reveal.js",
                         reveal_theme="white")  # its fonts are in assets/; "simple" (the default) loads Google Fonts
    body, _ = exporter.from_notebook_node(nb, resources=_resources(Path(dest).name.split(".")[0]))
    dest = Path(dest)
    write_ledger(dest.parent)
    dest.write_text(body, encoding="utf-8")
    return dest
