"""Where a lecture splits into slides: the cell's own slideshow metadata, else a rule on headings."""
import base64
import copy
import re
import struct

HEADING = re.compile(r"^\s*#{1,3}\s+\S")


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def slide_type(cell, previous=None) -> str:
    """The cell's slide type: its metadata's slideshow.slide_type when set. Otherwise a new slide
    ("slide") starts at a markdown cell that opens with a heading (level 1-3) and at a markdown cell
    that follows a code cell (the next idea of the lecture, after the code and output of the last
    one); every other cell continues the current slide ("-")."""
    given = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    if given:
        return given
    if cell.get("cell_type") != "markdown":
        return "-"
    first = next((line for line in _source(cell).splitlines() if line.strip()), "")
    if HEADING.match(first) or (previous is not None and previous.get("cell_type") == "code"):
        return "slide"
    return "-"


def apply_slide_types(nb, overwrite=False) -> int:
    """Writes slideshow.slide_type into every cell that has none (all cells with overwrite=True) by
    slide_type's rule; returns how many cells changed. Running it twice changes nothing."""
    changed = 0
    previous = None
    for cell in nb.cells:
        slideshow = cell.metadata.get("slideshow", {})
        if not slideshow.get("slide_type") or overwrite:
            bare = {k: v for k, v in cell.items() if k != "metadata"}
            wanted = slide_type(bare, previous)
            if slideshow.get("slide_type") != wanted:
                cell.metadata["slideshow"] = {**slideshow, "slide_type": wanted}
                changed += 1
        previous = cell
    return changed


# A deck's slides are 1280×720 (fit-slides.js zooms out what is taller). Before zooming, a deck is made
# easier to read: a long markdown cell keeps its heading and opening on the slide and moves the rest to
# the speaker notes (S in the deck), and a slide whose cells would need more than SPLIT_HEIGHT pixels
# continues on a new slide at a cell boundary.
LONG_MARKDOWN = 900   # characters of markdown above which the rest goes to the notes
KEEP_MARKDOWN = 500   # characters kept on the slide after the opening paragraph
SPLIT_HEIGHT = 1000   # estimated pixels of a slide's cells (zoom ≥ 0.72) before a continuation slide
NOTES_HINT = "*(continued in the speaker notes: press S)*"


def _paragraphs(text):
    return [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def long_markdown_to_notes(nb) -> int:
    """Splits each long markdown cell (over LONG_MARKDOWN characters) of nb in two: its heading, opening
    paragraph and what fits in KEEP_MARKDOWN more characters stay; the rest becomes a following cell of
    slide type "notes". Returns how many cells were split."""
    out, split = [], 0
    for cell in nb.cells:
        out.append(cell)
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        text = _source(cell)
        if cell.get("cell_type") != "markdown" or kind in ("notes", "skip") or len(text) <= LONG_MARKDOWN:
            continue
        paragraphs = _paragraphs(text)
        keep = 1 + (1 if HEADING.match(paragraphs[0]) and len(paragraphs) > 1 else 0)
        budget = KEEP_MARKDOWN
        while keep < len(paragraphs) and len(paragraphs[keep]) <= budget:
            budget -= len(paragraphs[keep])
            keep += 1
        if keep >= len(paragraphs):
            continue
        cell.source = "\n\n".join(paragraphs[:keep] + [NOTES_HINT])
        notes = copy.deepcopy(cell)
        if "id" in notes:
            notes["id"] = f"{notes['id']}-notes"[:64]
        notes.source = "\n\n".join(paragraphs[keep:])
        notes.metadata["slideshow"] = {"slide_type": "notes"}
        out.append(notes)
        split += 1
    nb.cells = out
    return split


def _png_height(data):
    try:
        raw = base64.b64decode("".join(data) if isinstance(data, list) else data)[:32]
        return struct.unpack(">I", raw[20:24])[0] if raw[1:4] == b"PNG" else 300
    except (ValueError, struct.error):
        return 300


DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)


def _markdown_height(paragraph) -> int:
    if HEADING.match(paragraph):
        return 60
    # a displayed formula inside a paragraph takes its own lines (≈ 70 px with a fraction or a sum)
    displays = len(DISPLAY_MATH.findall(paragraph))
    prose = DISPLAY_MATH.sub("", paragraph).strip()
    return 16 + 70 * displays + (30 * (1 + len(prose) // 110) if prose else 0)


def output_height(output) -> int:
    """A rough height in pixels of one output on a 1280-pixel-wide slide."""
    data = output.get("data", {})
    if "image/png" in data:
        return 10 + min(_png_height(data["image/png"]), 700)
    if any(k.startswith("application/vnd.vegalite") for k in data) or "application/vnd.plotly.v1+json" in data:
        return 400
    html = data.get("text/html", "")
    html = "".join(html) if isinstance(html, list) else html
    if "<tr" in html:
        # a derivation's or a check's table: its rows (a formula makes a row taller than text)
        rows = html.count("<tr")
        return 50 + rows * (45 if "$" in html else 32)
    body = output.get("text") or data.get("text/plain") or ""
    body = "".join(body) if isinstance(body, list) else body
    return 10 + 20 * min(sum(1 + len(line) // 110 for line in body.splitlines()), 40)


def estimated_height(cell) -> int:
    """A rough height in pixels of a cell on a 1280-pixel-wide slide (wrapped text, code, outputs)."""
    text = _source(cell)
    if cell.get("cell_type") == "markdown":
        return sum(_markdown_height(p) for p in _paragraphs(text))
    if cell.get("cell_type") != "code":
        return 0
    height = 0 if cell.get("transient", {}).get("remove_source") else 30 + 24 * sum(1 + len(line) // 100 for line in text.splitlines())
    return height + sum(output_height(o) for o in cell.get("outputs", []))


def _outputs_apart(nb) -> int:
    """A code cell taller than SPLIT_HEIGHT on its own shows its code on one slide and its outputs on
    the next (a copy of the cell without its source, as nbconvert's remove_source does); outputs that
    together are taller than SPLIT_HEIGHT go on as many slides as they need, in order."""
    out, moved = [], 0
    for cell in nb.cells:
        out.append(cell)
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if cell.get("cell_type") != "code" or not cell.get("outputs") or kind in ("notes", "skip") or estimated_height(cell) <= SPLIT_HEIGHT:
            continue
        groups, height = [[]], 0
        for o in cell.outputs:
            h = output_height(o)
            if groups[-1] and height + h > SPLIT_HEIGHT:
                groups.append([])
                height = 0
            groups[-1].append(o)
            height += h
        for n, group in enumerate(groups):
            outputs = copy.deepcopy(cell)
            outputs.outputs = group
            if "id" in outputs:
                outputs["id"] = f"{outputs['id']}-out{n or ''}"[:64]
            outputs.transient = {"remove_source": True}
            outputs.metadata["slideshow"] = {"slide_type": "slide"}
            out.append(outputs)
            moved += 1
        cell.outputs = []
    nb.cells = out
    return moved


def split_tall_slides(nb) -> int:
    """Starts a continuation slide at a cell where the current slide's cells would pass SPLIT_HEIGHT
    estimated pixels (a code cell taller than that on its own: its outputs on the next slide). Returns
    how many slides were added."""
    added, height = _outputs_apart(nb), 0
    for cell in nb.cells:
        slideshow = cell.metadata.get("slideshow", {})
        kind = slideshow.get("slide_type", "-")
        if kind in ("notes", "skip"):
            continue
        h = estimated_height(cell)
        if kind in ("slide", "subslide"):
            height = h
        elif kind in ("-", "fragment") and height > 0 and height + h > SPLIT_HEIGHT:
            cell.metadata["slideshow"] = {**slideshow, "slide_type": "slide"}
            added += 1
            height = h
        else:
            height += h
    return added
