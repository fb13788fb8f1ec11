// The public callables, enumerated from the API itself (src/index.ts and its namespaces): every function,
// every exported class's constructor, its methods (inherited ones included) and its static methods. A new
// export appears here without anyone adding it; the sweep probes it as soon as it has a valid example.
import * as ll from '../../src';
import { contracts, type Contract } from '../../src/validation/contract';

export interface Callable {
  /** 'll.dist.Normal#sample', 'll.kl', 'll.dist.Normal (constructor)': unique, stable */
  id: string;
  kind: 'function' | 'constructor' | 'method' | 'static';
  /** what an error message must name: 'kl', 'Normal', 'Normal.sample' */
  name: string;
  /** the names an error may use for the function (a method declared on a base class may say 'LocationScale.sample') */
  aliases: string[];
  /** the class (for constructors and methods) */
  cls?: new (...a: any[]) => any;
  method?: string;
  target: (...a: any[]) => any;
}

/** Exports that are libraries or plumbing rather than the course's callables. */
const SKIP_EXPORTS = new Set(['tf']);

const isClass = (f: Function) => /^class\b/.test(Function.prototype.toString.call(f));

function methodsOf(cls: Function): { name: string; owner: string }[] {
  const out: { name: string; owner: string }[] = [];
  const seen = new Set<string>(['constructor']);
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const m of Object.getOwnPropertyNames(p)) {
      if (seen.has(m) || m.startsWith('_')) continue;
      const d = Object.getOwnPropertyDescriptor(p, m)!;
      if (typeof d.value !== 'function') continue;
      seen.add(m);
      out.push({ name: m, owner: p.constructor.name });
    }
  }
  return out;
}

let cached: Callable[] | undefined;

/** Every public callable, in a stable order. */
export function publicCallables(): Callable[] {
  if (cached) return cached;
  const out: Callable[] = [];
  const seen = new Set<unknown>();
  const visit = (obj: Record<string, unknown>, prefix: string, depth: number) => {
    for (const key of Object.keys(obj).sort()) {
      if (SKIP_EXPORTS.has(key)) continue;
      const v = obj[key];
      if (typeof v === 'function') {
        if (seen.has(v)) continue;
        seen.add(v);
        if (isClass(v)) {
          const cls = v as new (...a: any[]) => any;
          out.push({ id: `${prefix}${key} (constructor)`, kind: 'constructor', name: cls.name, aliases: [cls.name], cls, target: v as any });
          for (const m of methodsOf(cls)) {
            out.push({ id: `${prefix}${key}#${m.name}`, kind: 'method', name: `${cls.name}.${m.name}`, aliases: [`${cls.name}.${m.name}`, `${m.owner}.${m.name}`], cls, method: m.name, target: cls.prototype[m.name] });
          }
          for (const s of Object.getOwnPropertyNames(cls)) {
            if (['length', 'name', 'prototype'].includes(s) || typeof (cls as any)[s] !== 'function') continue;
            out.push({ id: `${prefix}${key}.${s}`, kind: 'static', name: `${cls.name}.${s}`, aliases: [`${cls.name}.${s}`], cls, method: s, target: (cls as any)[s] });
          }
        } else {
          const f = v as (...a: any[]) => any;
          out.push({ id: `${prefix}${key}`, kind: 'function', name: key, aliases: [...new Set([key, f.name].filter(Boolean))], target: f });
        }
      } else if (v && typeof v === 'object' && depth === 0) {
        visit(v as Record<string, unknown>, `${prefix}${key}.`, 1);
      }
    }
  };
  visit(ll as unknown as Record<string, unknown>, 'll.', 0);
  cached = out;
  return out;
}

/** The declared contract of a callable, if it has one. */
export function contractOf(c: Callable): Contract | undefined {
  for (const a of c.aliases) { const k = contracts.get(a); if (k) return k; }
  return undefined;
}

/** Parameter names from a function's source (the contract's are preferred); destructured ones become 'argument i'. */
export function parameterNames(c: Callable): string[] {
  const k = contractOf(c);
  if (k) return Object.keys(k.params);
  // a class without its own constructor takes its base class's parameters
  let owner: Function | undefined = c.cls;
  while (c.kind === 'constructor' && owner && !Function.prototype.toString.call(owner).includes('constructor(')) owner = Object.getPrototypeOf(owner);
  if (c.kind === 'constructor' && (!owner || owner === Function.prototype)) return [];
  const src = Function.prototype.toString.call(c.kind === 'constructor' ? owner : c.target);
  const start = c.kind === 'constructor' ? src.indexOf('constructor(') + 'constructor'.length : src.indexOf('(');
  if (start < 0) return [];
  let depth = 0, end = start;
  for (; end < src.length; end++) {
    if ('([{'.includes(src[end])) depth++;
    else if (')]}'.includes(src[end]) && --depth === 0) break;
  }
  const inner = src.slice(start + 1, end);
  const parts: string[] = [];
  let d = 0, cur = '';
  for (const ch of inner) {
    if ('([{'.includes(ch)) d++;
    if (')]}'.includes(ch)) d--;
    if (ch === ',' && d === 0) { parts.push(cur); cur = ''; } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  return parts.map((p, i) => { const m = /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(p); return m ? m[1] : `argument ${i + 1}`; });
}
