// Mean-field coordinate ascent (CAVI) on a Gaussian target p(z) = N(μ, Λ⁻¹) (lectures 002, 003; D20).
// log q*_j(z_j) = E_{q_−j}[log p(z)] + const gives q_j = N(m_j, 1/Λ_jj) with
//   m_j = μ_j − (1/Λ_jj) Σ_{i≠j} Λ_ji (m_i − μ_i).
// The means converge to μ exactly; the variances 1/Λ_jj are smaller than the true marginals (Λ⁻¹)_jj.
import { Matrix, MatrixLike, logDetSPD, toMatrix } from '../math/linalg64';
import { contract, count, matrix, numberArray, optional, options as optionsKind, where } from '../validation/contract';

// the boundary: a mean vector, a precision matrix (judged by the float64 linear algebra), sweep counts bounded
// d, the dimension, is bound by the first vector and every other argument is related to it
const MU = numberArray({ shape: ['d'], min: [1], finite: true, what: 'a non-empty array of finite numbers' });
const PRECISION = where(matrix({ rows: 'd', columns: 'd', what: 'a d × d symmetric positive-definite matrix' }), 'have a positive diagonal',
  (m: number[][] | { get(i: number, j: number): number; rows: number }) => {
    const n = Array.isArray(m) ? m.length : m.rows;
    for (let j = 0; j < n; j++) { const v = Array.isArray(m) ? m[j][j] : m.get(j, j); if (!(v > 0)) return `got ${v} at [${j}][${j}]`; }
    return true;
  });
const CAVI = contract('caviGaussian', { mu: MU, precision: PRECISION, options: optional(optionsKind({ init: MU, sweeps: count({ max: 1e6 }) })) });
const MEAN_FIELD_ELBO = contract('meanFieldElbo', { q: optionsKind({ means: MU, variances: where(MU, 'be positive', (v: number[]) => v.every((x) => x > 0)) }, { required: ['means', 'variances'] }), mu: MU, precision: PRECISION });

export interface MeanFieldGaussian {
  means: number[];
  variances: number[];
}

/**
 * ELBO(q) = E_q[log p(z)] + H[q] for a factorized Gaussian q and the target N(μ, Λ⁻¹):
 * −½[(m−μ)ᵀΛ(m−μ) + Σ_j Λ_jj v_j] + ½ log|Λ| − (d/2) log 2π + Σ_j ½ log(2πe v_j).
 *
 * See docs/derivations.md#d20.
 *
 * @example
 * ```ts
 * ll.infer.meanFieldElbo({ means: [0, 0], variances: [1, 1] }, [0, 0], [[2, 1], [1, 2]]);
 * ```
 */
export function meanFieldElbo(q: MeanFieldGaussian, mu: number[], precision: MatrixLike): number {
  MEAN_FIELD_ELBO.check(arguments);
  const L = toMatrix(precision, 'meanFieldElbo: precision');
  const d = mu.length;
  const diff = Matrix.columnVector(q.means.map((m, i) => m - mu[i]));
  const quad = diff.transpose().mmul(L).mmul(diff).get(0, 0);
  let tr = 0, ent = 0;
  for (let j = 0; j < d; j++) { tr += L.get(j, j) * q.variances[j]; ent += 0.5 * Math.log(2 * Math.PI * Math.E * q.variances[j]); }
  return -0.5 * (quad + tr) + 0.5 * logDetSPD(L, 'precision') - 0.5 * d * Math.log(2 * Math.PI) + ent;
}

/**
 * Runs CAVI sweeps from `init` means. Returns q and the ELBO after every single coordinate update
 * (element 0 is the ELBO of the initial q), so a test can see it never decreases.
 *
 * Each update sets log q*_j(z_j) = E_{q_−j}[log p(z)] + const, i.e. m_j = μ_j − Λ_jj⁻¹ Σ_{i≠j} Λ_ji (m_i − μ_i),
 * v_j = 1/Λ_jj (D20, see docs/derivations.md#d20): the means are exact, the variances too small.
 *
 * @example
 * ```ts
 * const { q, elbos } = ll.infer.caviGaussian([1, -1], [[2, 1.5], [1.5, 2]], { sweeps: 20 });
 * q.variances;   // [0.5, 0.5] = 1/Λ_jj, smaller than the true marginal variances
 * ```
 */
export function caviGaussian(mu: number[], precision: MatrixLike, options: { init?: number[]; sweeps?: number } = {}): { q: MeanFieldGaussian; elbos: number[] } {
  CAVI.check(arguments);
  const L = toMatrix(precision, 'caviGaussian: precision');
  const d = mu.length;
  const sweeps = options.sweeps ?? 50;
  const means = [...(options.init ?? new Array(d).fill(0))];
  const variances = Array.from({ length: d }, (_, j) => 1 / L.get(j, j));
  const elbos = [meanFieldElbo({ means, variances }, mu, L)];
  for (let s = 0; s < sweeps; s++) {
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let i = 0; i < d; i++) if (i !== j) acc += L.get(j, i) * (means[i] - mu[i]);
      means[j] = mu[j] - acc / L.get(j, j);
      elbos.push(meanFieldElbo({ means, variances }, mu, L));
    }
  }
  return { q: { means, variances }, elbos };
}
