// A class of N submissions made of the cheat suite's (fixtures.ts): honest, empty and cheating notebooks and
// unreadable files, in turn, for bench/grade_class.py.
//   node_modules/.bin/tsx test/exercises/make-class.ts DIR N   → DIR/class/ holds N submissions
import fs from 'fs';
import path from 'path';
import { writeClass } from './fixtures';

const [dir, n] = [process.argv[2], Number(process.argv[3] ?? 200)];
if (!dir || !(n > 0)) throw new Error('usage: make-class.ts DIR N');
const fixtures = path.join(dir, 'fixtures');
writeClass(path.join(dir, 'assignments'), fixtures);
const files = fs.readdirSync(fixtures).sort();
const cls = path.join(dir, 'class');
fs.mkdirSync(cls, { recursive: true });
for (let k = 0; k < n; k++) {
  const f = files[k % files.length];
  fs.copyFileSync(path.join(fixtures, f), path.join(cls, `s${String(k).padStart(3, '0')}-${f}`));
}
console.log(JSON.stringify({ submissions: n, fixtures: files }));
