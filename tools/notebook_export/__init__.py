"""Offline, portable exports of executed notebooks: HTML pages and reveal.js slide decks.

Everything a page needs (MathJax, vega/vega-lite/vega-embed, plotly.js, reveal.js) is copied once from
the project's npm packages into an ``assets/`` folder beside the pages, so a folder of exports works on
a machine with no internet and no Debian JavaScript packages. Figures render interactively from their
vega-lite or plotly JSON and fall back to the PNG in the same output.
"""
from .assets import copy_assets, ASSETS_DIR
from .exporters import write_html, write_slides
from .slides import slide_type, apply_slide_types

__all__ = ["copy_assets", "ASSETS_DIR", "write_html", "write_slides", "slide_type", "apply_slide_types"]
