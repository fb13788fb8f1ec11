"""Where a lecture splits into slides: the cell's own slideshow metadata, else a rule on headings."""
import re

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
