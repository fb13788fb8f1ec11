// CI runs .ci/run, which must be the README's test command (the second of the two it opens with), word for word:
// what a reader is told runs the tests is what CI runs.
import { expect } from 'chai';
import fs from 'fs';
import path from 'path';

const ROOT = path.resolve(__dirname, '../..');

describe('.ci/run', () => {
  it("runs the README's test command word for word", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const opening = readme.match(/^```bash\n([^`]*)```/);
    expect(opening, 'README opens with a bash block').to.not.equal(null);
    const commands = opening![1].trim().split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(commands, 'two commands: notebooks, then tests').to.have.length(2);
    expect(commands[0]).to.match(/npm run notebooks$/);
    expect(commands[1]).to.match(/npm test$/);
    const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8').split('\n')
      .filter((l) => l.trim() && !l.startsWith('#') && !/^(set |cd )/.test(l.trim()));
    expect(ci).to.deep.equal([commands[1]]);
  });
});
