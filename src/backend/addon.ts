// The N-API addon (native/) behind Latent Lab's native kernels: where setup builds it, how OpenBLAS's
// core type and the thread count are chosen before it loads, and what it exports.
import fs from 'fs';
import os from 'os';
import path from 'path';

export interface Addon {
  /** per batch i: C_i = op(A)[offA_i…]·op(B)[offB_i…] (+ bias over rows) (then ReLU), row-major */
  gemm(ta: boolean, tb: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array,
    offA: Int32Array, offB: Int32Array, bias: Float32Array | null, relu: boolean): void;
  /** one Adam step in place on every (w, g, m, v); c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ */
  adam(w: Float32Array[], g: Float32Array[], m: Float32Array[], v: Float32Array[], lr: number, beta1: number, beta2: number, epsilon: number, c1: number, c2: number): void;
  /** out[r] = Σ_d x[r mod B, d] ℓ[r, d] − softplus(ℓ[r, d]) */
  bernoulliForward(B: number, D: number, x: Float32Array, logits: Float32Array, out: Float32Array): void;
  /** out[r, d] = dy[r] (x[r mod B, d] − σ(ℓ[r, d])) */
  bernoulliBackward(B: number, D: number, x: Float32Array, logits: Float32Array, dy: Float32Array, out: Float32Array): void;
  /** z = μ + σε and KL(N(μ, σ²) ‖ N(0, I)) per row, from meanLogStd [B, 2M] and ε [B, M] */
  reparameterizeForward(B: number, M: number, meanLogStd: Float32Array, eps: Float32Array, z: Float32Array, kl: Float32Array): void;
  /** [∂/∂μ, ∂/∂log σ] [B, 2M] from dz [B, M] and dKL [B] */
  reparameterizeBackward(B: number, M: number, meanLogStd: Float32Array, eps: Float32Array, dz: Float32Array, dkl: Float32Array, out: Float32Array): void;
  /** out[j] = Σ_i x[i·cols + j] */
  sumLeading(rows: number, cols: number, x: Float32Array, out: Float32Array): void;
  /** oneDNN convolution (conv-kernel.ts; only when built with oneDNN): y = conv(x, w) (+ bias, ReLU); false when oneDNN declines the shape */
  convForward?(params: Int32Array, x: Float32Array, w: Float32Array, y: Float32Array, bias: Float32Array | null, relu: boolean): boolean;
  /** dx from dy and the filter; false when oneDNN declines the shape */
  convBackwardData?(params: Int32Array, dy: Float32Array, w: Float32Array, dx: Float32Array): boolean;
  /** dfilter from x and dy (dw written); false when oneDNN declines the shape */
  convBackwardWeights?(params: Int32Array, x: Float32Array, dw: Float32Array, dy: Float32Array): boolean;
  /** group norm over NHWC [B, HW, C] in G groups: y = γ (x − μ) / √(σ² + ε) + β */
  groupNormForward(B: number, HW: number, C: number, G: number, x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: Float32Array, y: Float32Array): void;
  /** its gradients dx, dγ, dβ from x, γ and dy */
  groupNormBackward(B: number, HW: number, C: number, G: number, x: Float32Array, gamma: Float32Array, dy: Float32Array, eps: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void;
  /** y = x σ(x) */
  siluForward(x: Float32Array, y: Float32Array): void;
  /** dx = dy (σ(x) + x σ(x)(1 − σ(x))) */
  siluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /** 2×2 average pooling, stride 2, NHWC [B, H, W, C] → [B, H/2, W/2, C] (H, W even), and its gradient */
  avgPool2(B: number, H: number, W: number, C: number, x: Float32Array, y: Float32Array): void;
  avgPool2Grad(B: number, H: number, W: number, C: number, dy: Float32Array, dx: Float32Array): void;
  /** nearest-neighbour upsampling ×2, NHWC [B, H, W, C] → [B, 2H, 2W, C], and its gradient */
  upsample2(B: number, H: number, W: number, C: number, x: Float32Array, y: Float32Array): void;
  upsample2Grad(B: number, H: number, W: number, C: number, dy: Float32Array, dx: Float32Array): void;
  /** parts [rows, w_k] ↔ whole [rows, Σ w_k] along the last axis */
  concatLast(rows: number, parts: Float32Array[], out: Float32Array): void;
  splitLast(rows: number, x: Float32Array, parts: Float32Array[]): void;
  /** out = a ∘ b, ∘ = +, −, × (op 0, 1, 2); each operand full (0), repeated along the leading axes (1: index i mod its length) or held along the trailing ones (2: index ⌊i / (n / its length)⌋), at most one not full */
  binary(op: number, aMode: number, bMode: number, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** y = ReLU(x), Step(x) (1 where x > 0, else alpha), tanh x, eˣ, leaky ReLU (alpha·x below 0), softplus log(1 + eˣ) (op 0, 1, 2, 3, 4, 5) */
  unary(op: number, alpha: number, x: Float32Array, y: Float32Array): void;
  /** out = dy where x > 0, alpha·dy elsewhere (leaky ReLU's gradient) */
  leakyReluGrad(alpha: number, x: Float32Array, dy: Float32Array, out: Float32Array): void;
  /** out = x repeated length(out) / length(x) times */
  tileLeading(x: Float32Array, out: Float32Array): void;
  /** out[r] = Σ_j x[r·cols + j] (in double) */
  sumTrailing(rows: number, cols: number, x: Float32Array, out: Float32Array): void;
  /** RealNVP's coupling (affine-coupling-kernel.ts): y = x eˢ + t, logdet[b] = Σ s with s = a tanh(r_s) f, t = r_t f; r [B, P, 2C], f [P·C] or [1] */
  affineCouplingForward(B: number, P: number, C: number, x: Float32Array, r: Float32Array, a: Float32Array, f: Float32Array, y: Float32Array, logdet: Float32Array): void;
  /** its gradients dx, dr, da from dy and dlogdet */
  affineCouplingBackward(B: number, P: number, C: number, x: Float32Array, r: Float32Array, a: Float32Array, f: Float32Array, dy: Float32Array, dlogdet: Float32Array, dx: Float32Array, dr: Float32Array, da: Float32Array): void;
  /** OpenBLAS's and oneDNN's (and OpenMP's) threads */
  setThreads(n: number): void;
  /** conv: the convolution library ("oneDNN 2.6.3"), "" when built without one; convBuilt: oneDNN primitives built so far (each cached per kind, shape and thread count) */
  info(): { core: string; config: string; threads: number; conv: string; convBuilt: number };
}

/** Where setup builds the addon; LATENT_NATIVE_ADDON points elsewhere (tests use it to simulate a missing build). */
export const ADDON_PATH = process.env.LATENT_NATIVE_ADDON ?? path.join(projectRoot(), 'native', 'build', 'Release', 'latent_blas.node');

/** The repository root, from src/backend (tests) or dist/src/backend (the build). */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'native', 'binding.gyp')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * Debian's OpenBLAS 0.3.21 runs AMD's AVX-512 CPUs with its Haswell (AVX2) kernels; SkylakeX doubles
 * sgemm there, but only where the CPU has every AVX-512 subset those kernels use.
 */
export function chooseCoreType(cpuinfo: string): string | undefined {
  const flags = new Set((cpuinfo.match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/));
  if (['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'].every((f) => flags.has(f))) return 'SkylakeX';
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return undefined;
}

/**
 * The one thread count of every native kernel — OpenBLAS, oneDNN and the OpenMP loops of native/ —:
 * LATENT_THREADS, a whole number from 1 to 1024, or by default the cores this process may use
 * (`os.availableParallelism()`, which honours taskset and cgroup affinity).
 *
 * @example
 * // LATENT_THREADS=2 node train.js   → 2;   unset → os.availableParallelism()
 */
export function latentThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LATENT_THREADS;
  if (raw === undefined || raw.trim() === '') return os.availableParallelism();
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || n < 1 || n > 1024) {
    throw new Error(`LATENT_THREADS must be a whole number of threads from 1 to 1024 (unset: the ${os.availableParallelism()} cores this process may use), got '${raw}'`);
  }
  return n;
}

let addon: Addon | undefined;
let coreSource = '';

/**
 * Loads the addon once. OPENBLAS_CORETYPE must be set before libopenblas loads with it:
 * LATENT_BLAS_CORETYPE=<core> forces one; LATENT_BLAS_CORETYPE=env keeps the environment's
 * OPENBLAS_CORETYPE; otherwise the core is chosen from /proc/cpuinfo (and replaces the
 * environment's, which on this course's machines pins the slower Haswell kernels). OpenMP's
 * threads sleep at barriers (OMP_WAIT_POLICY=passive) unless the environment says otherwise.
 */
export function loadAddon(): Addon {
  if (addon) return addon;
  if (process.platform !== 'linux') throw new Error(`no native kernels for ${process.platform}`);
  if (!fs.existsSync(ADDON_PATH)) throw new Error(`the addon is not built (${ADDON_PATH}); bash scripts/setup.sh builds it when libopenblas-dev and a compiler are present`);
  const wish = process.env.LATENT_BLAS_CORETYPE;
  const inherited = process.env.OPENBLAS_CORETYPE;
  if (wish && wish !== 'env' && wish !== 'auto') {
    process.env.OPENBLAS_CORETYPE = wish;
    coreSource = 'LATENT_BLAS_CORETYPE';
  } else if (wish === 'env' && inherited) {
    coreSource = 'OPENBLAS_CORETYPE from the environment';
  } else {
    const core = fs.existsSync('/proc/cpuinfo') ? chooseCoreType(fs.readFileSync('/proc/cpuinfo', 'utf8')) : undefined;
    if (core) process.env.OPENBLAS_CORETYPE = core;
    else if (!inherited) delete process.env.OPENBLAS_CORETYPE;
    coreSource = core
      ? `chosen from /proc/cpuinfo${inherited && inherited !== core ? ` over OPENBLAS_CORETYPE=${inherited}; LATENT_BLAS_CORETYPE=env keeps that` : ''}`
      : inherited ? 'OPENBLAS_CORETYPE from the environment' : "OpenBLAS's own detection";
  }
  // libgomp's threads spin at every barrier before they sleep; on a shared 2-core machine the spinning
  // thread holds the core its partner needs: under load ~3 the U-Net step took 877 ms on 2 threads
  // against 407 ms on 1, and 456 against 468 with threads that sleep at once. A set value wins.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  addon = require(ADDON_PATH) as Addon;
  return addon;
}

/** How the OpenBLAS core type was decided (after loadAddon). */
export function coreTypeSource(): string {
  return coreSource;
}
