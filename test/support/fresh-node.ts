// A script in a fresh Node, for what changes a process for good (TypeScript's file reader hooked, modules in
// Node's cache): the tests' own process stays as it was.
import { execFileSync } from 'child_process';
import { root } from './jupyter';

/**
 * Runs `script` in a fresh Node (TypeScript sources through tsx) in `cwd` (the project by default) and returns
 * the last line it printed, parsed as JSON.
 */
export function inFreshNode<T>(script: string, options: { cwd?: string; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): T {
  const out = execFileSync(process.execPath, [...(options.nodeArgs ?? []), '-r', 'tsx/cjs', '-e', script], {
    cwd: options.cwd ?? root, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 28,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}
