// LaTeX read as plain text, for the text/plain form of a derivation (a terminal, a log, a failing CI
// line): `\tfrac12(\mu^2 + \sigma^2) - \log\sigma` → `½(μ² + σ²) − log σ`. Not a TeX parser: the commands
// a derivation line uses, and anything unknown kept as it was written.
import { contract, str } from '../validation/contract';

const LATEX_TO_TEXT = contract('latexToText', { latex: str() });

const GREEK: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ', vartheta: 'ϑ',
  iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', upsilon: 'υ',
  phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π',
  Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
};

const SYMBOLS: Record<string, string> = {
  le: '≤', leq: '≤', leqslant: '≤', ge: '≥', geq: '≥', geqslant: '≥', lt: '<', gt: '>', approx: '≈', propto: '∝', neq: '≠', ne: '≠',
  sum: 'Σ', prod: 'Π', int: '∫', infty: '∞', nabla: '∇', partial: '∂', cdot: '·', times: '×', mid: '|', Vert: '‖', '|': '‖',
  to: '→', rightarrow: '→', leftarrow: '←', in: '∈', sim: '~', top: 'ᵀ', intercal: 'ᵀ', ldots: '…', cdots: '⋯', dots: '…',
  log: 'log', exp: 'exp', det: 'det', min: 'min', max: 'max', sqrt: '√', langle: '⟨', rangle: '⟩', odot: '⊙', circ: '∘',
  quad: '  ', qquad: '    ', checkmark: '✓', forall: '∀', exists: '∃',
};

const SUPER: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻', '−': '⁻', '+': '⁺', n: 'ⁿ', i: 'ⁱ', T: 'ᵀ', '⊤': 'ᵀ', 'ᵀ': 'ᵀ' };
const SUB: Record<string, string> = { '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉', '-': '₋', '−': '₋', '+': '₊', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', n: 'ₙ', t: 'ₜ', m: 'ₘ' };
const FRACTIONS: Record<string, string> = { '12': '½', '13': '⅓', '14': '¼', '34': '¾', '23': '⅔' };
const BLACKBOARD: Record<string, string> = { E: '𝔼', R: 'ℝ', N: 'ℕ', P: 'ℙ', V: '𝕍', Z: 'ℤ' };
const CALLIGRAPHIC: Record<string, string> = { N: '𝒩', L: 'ℒ', D: '𝒟', O: '𝒪', U: '𝒰' };

/** The group at s[i] ({…} or one character / one command), and the index after it. */
function group(s: string, i: number): [string, number] {
  while (s[i] === ' ') i++;
  if (s[i] === '{') {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      if (s[j] === '{') depth++;
      else if (s[j] === '}' && --depth === 0) return [s.slice(i + 1, j), j + 1];
    }
    return [s.slice(i + 1), s.length];
  }
  if (s[i] === '\\') {
    const m = /^\\([a-zA-Z]+|.)/.exec(s.slice(i));
    if (m) return [m[0], i + m[0].length];
  }
  return [s[i] ?? '', i + 1];
}

const scripted = (t: string, map: Record<string, string>, mark: string): string =>
  [...t].every((c) => map[c]) ? [...t].map((c) => map[c]).join('') : t.length === 1 || /^\(.*\)$/.test(t) ? `${mark}${t}` : `${mark}(${t})`;

const wrap = (t: string): string => (/^[\w.αβγδεζηθικλμνξπρστυφχψωΣ√]+$/u.test(t) ? t : `(${t})`);

/**
 * A line's LaTeX as readable Unicode text: Greek letters, ≤ ≥ ≈ ∝, ½ for \tfrac12, (a)/(b) for fractions,
 * x² and x₁ where Unicode has the script, 𝔼 and 𝒩 for \mathbb E and \mathcal N; unknown commands stay.
 *
 * @example latexToText('\\tfrac12(\\mu^2 + \\sigma^2 - 1) - \\log\\sigma')   // '½(μ² + σ² − 1) − log σ'
 */
export function latexToText(latex: string): string {
  LATEX_TO_TEXT.check(arguments);
  const s = latex;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      const m = /^\\([a-zA-Z]+|.)/.exec(s.slice(i));
      if (!m) { out += c; i++; continue; }
      const cmd = m[1];
      i += m[0].length;
      if (cmd === 'frac' || cmd === 'tfrac' || cmd === 'dfrac') {
        const [a, j] = group(s, i);
        const [b, k] = group(s, j);
        i = k;
        out += FRACTIONS[a + b] ?? `${wrap(latexToText(a))}/${wrap(latexToText(b))}`;
      } else if (cmd === 'sqrt') {
        const [a, j] = group(s, i);
        i = j;
        const t = latexToText(a);
        out += t.length === 1 ? `√${t}` : `√(${t})`;
      } else if (['text', 'mathrm', 'textrm', 'operatorname', 'mathit', 'mathbf', 'boldsymbol', 'bm', 'textbf', 'hat', 'bar', 'tilde'].includes(cmd)) {
        const [a, j] = group(s, i);
        i = j;
        const inner = cmd.startsWith('text') || cmd === 'operatorname' ? a : latexToText(a);
        out += cmd === 'hat' ? `${inner}\u0302` : cmd === 'bar' ? `${inner}\u0304` : cmd === 'tilde' ? `${inner}\u0303` : inner;
      } else if (cmd === 'mathbb' || cmd === 'mathcal') {
        const [a, j] = group(s, i);
        i = j;
        out += (cmd === 'mathbb' ? BLACKBOARD : CALLIGRAPHIC)[a] ?? a;
      } else if (['left', 'right', 'big', 'Big', 'bigg', 'Bigg', 'bigl', 'bigr', 'Bigl', 'Bigr', 'displaystyle', 'textstyle', 'limits', 'nolimits'].includes(cmd)) {
        // sizing only
      } else if (cmd === ',' || cmd === ';' || cmd === ':' || cmd === ' ' || cmd === '!') {
        out += cmd === '!' ? '' : ' ';
      } else if (cmd === '{' || cmd === '}') {
        out += cmd;
      } else if (cmd === '\\') {
        out += ' ';
      } else if (GREEK[cmd]) {
        out += GREEK[cmd];
        if (/^[a-zA-Z]/.test(s[i] === ' ' ? s[i + 1] ?? '' : '')) out += ' ';
      } else if (SYMBOLS[cmd] !== undefined) {
        const sym = SYMBOLS[cmd];
        out += sym;
        // "\log\sigma" → "log σ", "\log x" → "log x"
        if (/^[a-z]{2,}$/.test(sym) && i < s.length && s[i] !== '(' && s[i] !== '{' && s[i] !== '_' && s[i] !== '^' && !out.endsWith(' ')) out += ' ';
      } else out += m[0];
    } else if (c === '^' || c === '_') {
      const [a, j] = group(s, i + 1);
      i = j;
      const t = latexToText(a);
      out += scripted(t, c === '^' ? SUPER : SUB, c);
    } else if (c === '{' || c === '}' || c === '&') {
      i++;
    } else if (c === '-' ) {
      out += '−';
      i++;
    } else if (c === '~') {
      out += ' ';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/ {2,}/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}
