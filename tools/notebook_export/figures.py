"""Figures in an export: each vega-lite or plotly output becomes a block that the page draws
interactively (vega-embed, plotly.js from assets/) over its PNG, which stays as the fallback."""
import copy
import html
import json

VEGA_LITE_MIMES = ("application/vnd.vegalite.v5+json", "application/vnd.vegalite.v4+json")
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _script_json(value) -> str:
    # Inside <script>, only "</" can end the element early; \u003c keeps the JSON valid.
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\u002f").replace("<!--", "<\\u0021--")


def figure_html(kind: str, spec, png_base64, alt: str) -> str:
    """The HTML block for one figure: a PNG fallback (if any), a place to draw, and the JSON spec."""
    fallback = (f'<img class="latent-lab-fallback" alt="{html.escape(alt)}" src="data:image/png;base64,{png_base64.strip()}"/>'
                if png_base64 else "")
    return (f'<div class="latent-lab-export-figure" data-kind="{kind}">{fallback}<div class="latent-lab-live"></div>'
            f'<script type="application/json" class="latent-lab-spec">{_script_json(spec)}</script></div>')


def interactive_figures(nb):
    """A copy of nb whose vega-lite and plotly outputs carry that block as text/html, which nbconvert
    ranks first. The notebook itself is not changed (its bundles stay free of HTML)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            alt = data.get("text/plain", "figure")
            if isinstance(alt, list):
                alt = "".join(alt)
            png = data.get("image/png")
            if isinstance(png, list):
                png = "".join(png)
            vega = next((data[m] for m in VEGA_LITE_MIMES if m in data), None)
            if vega is not None:
                data["text/html"] = figure_html("vega-lite", vega, png, alt)
            elif PLOTLY_MIME in data:
                data["text/html"] = figure_html("plotly", data[PLOTLY_MIME], png, alt)
    return nb
