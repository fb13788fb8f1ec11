// Comparing two exactly computed numbers (closed form against closed form, float32 against float64).
import { CheckResult } from './result';
import { contract, describeAny, num, optional, options, str, type Kind } from '../validation/contract';

/** A side of a comparison: any number; NaN is accepted and makes the check fail (a row, not an exception). */
const SIDE: Kind = { expected: 'a number', test: (v) => (typeof v === 'number' ? undefined : `got ${describeAny(v)}`) };
const TOLERANCE = num({ min: 0 });
const CLOSE = contract('checkClose', {
  name: str(), lhs: SIDE, rhs: SIDE,
  options: optional(options({ id: str(), rtol: TOLERANCE, atol: TOLERANCE, note: str(), method: str(['monte-carlo', 'quadrature', 'finite-differences', 'exact']) })),
});
const AT_MOST = contract('checkAtMost', { name: str(), lhs: SIDE, rhs: SIDE, options: optional(options({ id: str(), atol: TOLERANCE, note: str() })) });

export interface CloseOptions {
  id?: string;
  /** Relative tolerance (default 1e-6). */
  rtol?: number;
  /** Absolute tolerance (default 1e-9). */
  atol?: number;
  note?: string;
  method?: CheckResult['method'];
}

/**
 * Passes when |lhs − rhs| ≤ atol + rtol·|rhs|. Equal infinities pass; NaN never does.
 *
 * The check for an identity computed two ways exactly (closed form against quadrature, a direct
 * inverse against the small-matrix one, …). `rtol` and `atol` default to 1e-6 and 1e-9.
 *
 * @example
 * ```ts
 * ll.checkClose('PPCA log p(x): M×M route = D×D route (D07)', model.logMarginal(x), model.logMarginalDirect(x), { id: 'D07' });
 * ```
 */
export function checkClose(name: string, lhs: number, rhs: number, options: CloseOptions = {}): CheckResult {
  CLOSE.check(arguments);
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-9;
  const tolerance = atol + rtol * Math.abs(rhs);
  const error = lhs === rhs ? 0 : Math.abs(lhs - rhs);
  // a NaN side fails with an infinite error (a NaN error would read as "no number" in the table)
  if (Number.isNaN(error)) {
    const which = Number.isNaN(lhs) ? (Number.isNaN(rhs) ? 'lhs and rhs are NaN' : 'lhs is NaN') : 'rhs is NaN';
    return { id: options.id, name, method: options.method ?? 'exact', lhs, rhs, error: Infinity, tolerance, pass: false, note: options.note ? `${options.note}; ${which}` : which };
  }
  return { id: options.id, name, method: options.method ?? 'exact', lhs, rhs, error, tolerance, pass: error <= tolerance, note: options.note };
}

/**
 * Passes when lhs ≤ rhs + atol (an inequality such as a bound). error is how far lhs exceeds rhs (0 if not).
 *
 * @example
 * ```ts
 * ll.checkAtMost('ELBO ≤ log p(x) (D12)', elboValue, logPx, { id: 'D12' });
 * ```
 */
export function checkAtMost(name: string, lhs: number, rhs: number, options: { id?: string; atol?: number; note?: string } = {}): CheckResult {
  AT_MOST.check(arguments);
  const atol = options.atol ?? 0;
  const error = Math.max(0, lhs - rhs);
  return { id: options.id, name, method: 'exact', lhs, rhs, error, tolerance: atol, pass: !Number.isNaN(lhs) && !Number.isNaN(rhs) && error <= atol, note: options.note ?? 'lhs ≤ rhs' };
}
