// What the exports do to a notebook before rendering (tools/notebook_export, in Python): ledger links
// point at derivations.html beside the page, long markdown continues in a deck's speaker notes, a slide
// too tall continues on the next, and tools/ledger_links.py rewrites only markdown link targets.
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import path from 'path';
import { root } from '../support/jupyter';

const tools = path.join(root, 'tools');

function python(code: string): string {
  const r = spawnSync('/usr/bin/python3', ['-c', code], { cwd: root, encoding: 'utf8', env: { ...process.env, PYTHONPATH: tools } });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

describe('notebook exports: ledger links, speaker notes and slide splits', function () {
  this.timeout(60_000);

  it('ledger links in markdown point at derivations.html; the ledger page keeps its anchors and links notebooks to their pages', () => {
    const out = JSON.parse(python(`
import json, nbformat
from notebook_export.ledger import ledger_links, ledger_page_html
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("see [the VAE](derivations.md#d29) and [IS](../docs/derivations.md#d31)"),
                                     nbformat.v4.new_code_cell("// derivations.md#d29 stays in code")])
page = ledger_page_html('<a id="d29"></a>**the VAE** x\\n\\n| [the VAE](#d29) | [vae.test.ts](../test/models/vae/vae.test.ts) | [07-vae-on-mnist.ipynb](../notebooks/07-vae-on-mnist.ipynb) |\\n| --- | --- | --- |\\n')
print(json.dumps([c.source for c in ledger_links(nb).cells] + [page]))`));
    expect(out[0]).to.equal('see [the VAE](derivations.html#d29) and [IS](derivations.html#d31)');
    expect(out[1]).to.equal('// derivations.md#d29 stays in code');
    expect(out[2]).to.contain('<a id="d29"></a>').and.contain('href="07-vae-on-mnist.html"').and.contain('<code>vae.test.ts</code>');
    expect(out[2]).to.not.contain('../test/');
  });

  it('the ledger page keeps plain-text subscripts (ᾱ_t = Π_{τ≤t}(1 − β_τ)) instead of reading underscore pairs as emphasis', () => {
    const page = python(`
from notebook_export.ledger import ledger_page_html
print(ledger_page_html('<a id="d39"></a>**D39** (003) — *One jump.* q(x_t|x_0) with ᾱ_t = Π_{τ≤t}(1 − β_τ); \`run_notebooks.py\` and [D40](#d40_x)'))`);
    expect(page).to.contain('q(x_t|x_0) with ᾱ_t = Π_{τ≤t}(1 − β_τ);');
    expect(page).to.contain('<em>One jump.</em>').and.contain('<code>run_notebooks.py</code>').and.contain('href="#d40_x"');
    expect(page.match(/<em>/g)).to.have.length(1);
  });

  it('a code cell whose outputs are taller than a slide shows its code, then its outputs on as many slides as they need', () => {
    const out = JSON.parse(python(`
import json, base64, struct, zlib, nbformat
from notebook_export.slides import split_tall_slides, estimated_height
def png(h):  # a 1-pixel-wide PNG header of height h (only the header is read)
    return base64.b64encode(b"\\x89PNG\\r\\n\\x1a\\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 1, h) + b"\\x08\\x02\\x00\\x00\\x00").decode()
cell = nbformat.v4.new_code_cell("show()", outputs=[nbformat.v4.new_output("display_data", data={"image/png": png(600), "text/plain": "<figure %d>" % i}) for i in range(3)])
cell.metadata["slideshow"] = {"slide_type": "slide"}
table = nbformat.v4.new_code_cell("check()", outputs=[nbformat.v4.new_output("execute_result", data={"text/html": "<table>" + "<tr><td>$x$</td></tr>" * 20 + "</table>", "text/plain": "table"})])
nb = nbformat.v4.new_notebook(cells=[cell])
added = split_tall_slides(nb)
print(json.dumps([added, [[o["data"]["text/plain"] for o in c.outputs] for c in nb.cells], [bool(c.get("transient", {}).get("remove_source")) for c in nb.cells], estimated_height(table)]))`));
    const [added, outputs, sourceRemoved, tableHeight] = out;
    expect(added, 'slides added').to.equal(3);
    expect(outputs).to.deep.equal([[], ['<figure 0>'], ['<figure 1>'], ['<figure 2>']]);
    expect(sourceRemoved).to.deep.equal([false, true, true, true]);
    // a table of 20 rows with formulas is estimated by its rows, not by its one-line text form
    expect(tableHeight).to.be.greaterThan(800);
  });

  it('tools/ledger_links.py rewrites ../docs/derivations.md links in markdown cells only', () => {
    const out = JSON.parse(python(`
import json
from pathlib import Path
from ledger_links import rewrite_notebook_text
nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["([the VAE](../docs/derivations.md#d29))\\n", "[ledger](../docs/derivations.md)"]},
                {"cell_type": "code", "metadata": {}, "source": ["// ../docs/derivations.md#d29"], "outputs": [], "execution_count": None}],
      "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
text, n = rewrite_notebook_text(json.dumps(nb), Path("notebooks/07-x.ipynb"))
ex, m = rewrite_notebook_text(json.dumps(nb), Path("notebooks/exercises/a1.ipynb"))
print(json.dumps([n, json.loads(text)["cells"][0]["source"], json.loads(text)["cells"][1]["source"], m, json.loads(ex)["cells"][0]["source"][0]]))`));
    expect(out[0]).to.equal(2);
    expect(out[1]).to.deep.equal(['([the VAE](derivations.md#d29))\n', '[ledger](derivations.md)']);
    expect(out[2]).to.deep.equal(['// ../docs/derivations.md#d29']);
    expect(out[3]).to.equal(2);
    expect(out[4]).to.equal('([the VAE](../derivations.md#d29))\n');
  });

  it('a long markdown cell keeps its heading and opening and continues in the notes; a tall slide continues on the next', () => {
    const out = JSON.parse(python(`
import json, nbformat
from notebook_export.slides import apply_slide_types, long_markdown_to_notes, split_tall_slides, NOTES_HINT
long = "## A long idea\\n\\n" + "Opening paragraph. " * 20 + "\\n\\n" + "\\n\\n".join(["More detail. " * 30] * 4)
code = "\\n".join(f"const x{i} = {i};" for i in range(15))
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(long), nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell(code)])
apply_slide_types(nb)
notes = long_markdown_to_notes(nb)
added = split_tall_slides(nb)
print(json.dumps([notes, added, [c.metadata["slideshow"]["slide_type"] for c in nb.cells], nb.cells[0].source.endswith(NOTES_HINT), nb.cells[0].source.count("More detail."), nb.cells[1].source.count("More detail.")]))`));
    const [notes, added, kinds, hinted, onSlide, detail] = out;
    expect(notes).to.equal(1);
    expect(kinds.slice(0, 2)).to.deep.equal(['slide', 'notes']);
    expect(hinted, 'the slide says the notes continue it').to.equal(true);
    // the heading and opening always stay, then paragraphs while they fit 500 characters: one detail paragraph (390)
    expect(onSlide, 'detail paragraphs left on the slide').to.equal(30);
    expect(detail, 'the other three detail paragraphs in the notes').to.equal(90);
    expect(added, 'the second 15-line code cell starts a continuation slide').to.equal(1);
    expect(kinds.slice(2)).to.deep.equal(['-', 'slide']);
  });
});
