// Runs Debian's Jupyter tooling (on /usr/bin/python3) against the project's kernel.
import { spawnSync } from 'child_process';
import path from 'path';

export const root = path.resolve(__dirname, '..', '..');
/** Where the lecture-notebook run (test/notebooks.test.ts) leaves the executed instructor versions of the lectures. */
export const INSTRUCTOR_RUN = path.join(root, 'build', 'lectures', 'instructor', 'executed');

export interface Run { status: number | null; output: string }

/** Runs a Python script of the project with JUPYTER_PATH pointing at the project's kernels. */
export function runPython(script: string, args: string[] = [], timeoutMs = 600_000): Run {
  const r = spawnSync('/usr/bin/python3', [path.join(root, script), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, JUPYTER_PATH: path.join(root, '.jupyter') },
  });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
