"""The JavaScript and CSS the exports load, copied from node_modules/ into one assets folder."""
import filecmp
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
STATIC = Path(__file__).resolve().parent / "static"
ASSETS_DIR = "assets"

# (source under node_modules/ or this package's static/, destination under assets/). Whole folders
# where a file loads siblings (reveal.js themes load their fonts by relative URL).
FILES = [
    ("mathjax/es5/tex-svg-full.js", "mathjax/tex-svg-full.js"),  # every TeX extension, SVG glyphs: no font files
    ("vega/build/vega.min.js", "vega/vega.min.js"),
    ("vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"),
    ("vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"),
    ("plotly.js-dist-min/plotly.min.js", "plotly/plotly.min.js"),
    ("reveal.js/dist/reveal.js", "reveal.js/dist/reveal.js"),
    ("reveal.js/dist/reveal.css", "reveal.js/dist/reveal.css"),
    ("reveal.js/dist/reset.css", "reveal.js/dist/reset.css"),
    ("reveal.js/dist/theme", "reveal.js/dist/theme"),
    ("reveal.js/plugin/notes/notes.js", "reveal.js/plugin/notes/notes.js"),
]
OWN = [("figures.js", "latent-lab/figures.js"), ("fit-slides.js", "latent-lab/fit-slides.js"), ("latent-lab.css", "latent-lab/latent-lab.css")]


def _copy(src: Path, dest: Path) -> int:
    """Copies a file or folder unless an identical copy is there; returns the number of files written."""
    if src.is_dir():
        return sum(_copy(child, dest / child.name) for child in sorted(src.iterdir()))
    if dest.exists() and filecmp.cmp(src, dest, shallow=False):
        return 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return 1


def copy_assets(out_dir) -> Path:
    """Copies every asset into out_dir/assets/ (only what changed); returns that folder.

    Raises SystemExit naming the missing file when an npm package is not installed.
    """
    target = Path(out_dir) / ASSETS_DIR
    sources = [(NODE_MODULES / s, d) for s, d in FILES] + [(STATIC / s, d) for s, d in OWN]
    missing = [str(s) for s, _ in sources if not s.exists()]
    if missing:
        raise SystemExit("notebook export: missing " + ", ".join(missing) + " (run 'npm ci' or 'bash scripts/setup.sh')")
    for src, dest in sources:
        _copy(src, target / dest)
    return target
