// A cell tagged hide-input (the code above a worked derivation) shows its output but not its code in
// the HTML pages and the slide decks (issue 34: the derivation's table stays on its slide).
import { execFileSync } from 'child_process';
import { expect } from 'chai';
import * as path from 'path';

const SCRIPT = `
import json, os, shutil, tempfile
import nbformat
from notebook_export.exporters import write_html, write_slides
nb = nbformat.v4.new_notebook()
hidden = nbformat.v4.new_code_cell("HIDDEN_SOURCE_1 = 1", metadata={"tags": ["hide-input"]})
hidden.outputs = [nbformat.v4.new_output("stream", name="stdout", text="HIDDEN_CELL_OUTPUT\\n")]
nb.cells = [nbformat.v4.new_markdown_cell("# T"), hidden, nbformat.v4.new_code_cell("SHOWN_SOURCE_2 = 2")]
d = tempfile.mkdtemp()
out = {}
try:
    for name, f in (("html", write_html), ("slides", write_slides)):
        s = open(f(nb, os.path.join(d, "t.html" if name == "html" else "t.slides.html")), encoding="utf-8").read()
        out[name] = ["HIDDEN_SOURCE_1" in s, "HIDDEN_CELL_OUTPUT" in s, "SHOWN_SOURCE_2" in s]
finally:
    shutil.rmtree(d)
print(json.dumps(out))
`;

describe('tools/notebook_export: the hide-input tag', () => {
  it('drops a tagged cell\'s code, keeps its output, and leaves other cells alone (HTML page and deck)', () => {
    const out = execFileSync('/usr/bin/python3', ['-c', SCRIPT], { cwd: path.join(__dirname, '../../tools'), encoding: 'utf8', timeout: 120000 });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r).to.deep.equal({ html: [false, true, true], slides: [false, true, true] });
  });
});
