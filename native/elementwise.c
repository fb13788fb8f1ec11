// The elementwise and reduction kernels tfjs-backend-wasm runs on one thread, as OpenMP loops over all
// the threads (LATENT_THREADS): Add, Sub, Multiply for same-shape operands and the two broadcasts the
// models use (one operand repeated along the leading axes — a bias, a per-channel scale, a mask
// [1, H, W, C] over the batch, a scalar — or constant along the trailing axes, [B, 1, 1, 1] against
// [B, H, W, C]); Relu with its gradient in one pass, Step, Tanh, Exp; Tile along the leading axis; Sum over the
// trailing axes. Every output element is computed by one thread in a fixed order, so results do not depend
// on the thread count. Small tensors stay on one thread: waking the others costs more than the loop.
#include "kernels.h"
#include "napi-args.h"
#include "fast-math.h"
#include <math.h>
#include <string.h>

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_RELU_GRAD = 3 };
// how an operand of length len maps onto an output index i of n: full (len = n), repeated (index i mod len:
// it matches the output's trailing axes), or held (index i / (n / len): it matches the leading axes)
enum { FULL = 0, REPEATED = 1, HELD = 2 };

#define APPLY(op, x, y) ((op) == OP_ADD ? (x) + (y) : (op) == OP_SUB ? (x) - (y) : (x) * (y))

LATENT_VECTOR_CLONES
static void binary_full(int op, size_t n, const float *restrict a, const float *restrict b, float *restrict out) {
  switch (op) {
    case OP_ADD:
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (size_t i = 0; i < n; i++) out[i] = a[i] + b[i];
      break;
    case OP_SUB:
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (size_t i = 0; i < n; i++) out[i] = a[i] - b[i];
      break;
    case OP_MUL:
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (size_t i = 0; i < n; i++) out[i] = a[i] * b[i];
      break;
    default:  // OP_RELU_GRAD: ReLU's gradient dy · step(x) in one pass (tfjs: step, cast, multiply), NaN in x kept
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (size_t i = 0; i < n; i++) out[i] = b[i] * (a[i] != a[i] ? a[i] : a[i] > 0.f ? 1.f : 0.f);
  }
}

// out[r·len + j] = full[r·len + j] ∘ rep[j] (or rep[j] ∘ full[…] when swapped)
LATENT_VECTOR_CLONES
static void binary_repeated(int op, bool swapped, size_t n, const float *restrict full, const float *restrict rep, size_t len, float *restrict out) {
  const size_t rows = n / len;
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
  for (size_t r = 0; r < rows; r++) {
    const float *restrict f = full + r * len;
    float *restrict o = out + r * len;
    if (swapped) {
#pragma omp simd
      for (size_t j = 0; j < len; j++) o[j] = APPLY(op, rep[j], f[j]);
    } else {
#pragma omp simd
      for (size_t j = 0; j < len; j++) o[j] = APPLY(op, f[j], rep[j]);
    }
  }
}

// out[r·m + j] = full[r·m + j] ∘ held[r], m = n / len (or held[r] ∘ full[…] when swapped)
LATENT_VECTOR_CLONES
static void binary_held(int op, bool swapped, size_t n, const float *restrict full, const float *restrict held, size_t len, float *restrict out) {
  const size_t m = n / len;
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
  for (size_t r = 0; r < len; r++) {
    const float *restrict f = full + r * m;
    float *restrict o = out + r * m;
    const float h = held[r];
    if (swapped) {
#pragma omp simd
      for (size_t j = 0; j < m; j++) o[j] = APPLY(op, h, f[j]);
    } else {
#pragma omp simd
      for (size_t j = 0; j < m; j++) o[j] = APPLY(op, f[j], h);
    }
  }
}

// binary(op, aMode, bMode, a, b, out): out = a ∘ b with ∘ = +, −, × (op 0, 1, 2), at most one operand not FULL;
// op 3: out = b · step(a), both FULL (ReLU's gradient from its input a and the incoming gradient b)
napi_value latent_binary(napi_env env, napi_callback_info info) {
  int32_t n3[3];
  float *p[3];
  size_t len[3];
  if (!read_args(env, info, "latent_blas.binary: expected (op, aMode, bMode, a, b, out)", 3, n3, 3, p, len)) return NULL;
  const int op = n3[0], am = n3[1], bm = n3[2];
  const size_t n = len[2];
  bool ok = op <= OP_RELU_GRAD && am <= HELD && bm <= HELD && (am == FULL || bm == FULL) && (op != OP_RELU_GRAD || (am == FULL && bm == FULL));
  if (ok && am == FULL) ok = len[0] == n;
  if (ok && bm == FULL) ok = len[1] == n;
  const size_t blen = am == FULL ? len[1] : len[0];
  if (ok && (am != FULL || bm != FULL)) ok = blen > 0 && n % blen == 0;
  if (!ok) { napi_throw_range_error(env, NULL, "latent_blas.binary: inconsistent sizes or modes"); return NULL; }
  if (n == 0) return NULL;
  if (am == FULL && bm == FULL) binary_full(op, n, p[0], p[1], p[2]);
  else if (bm == REPEATED) binary_repeated(op, false, n, p[0], p[1], blen, p[2]);
  else if (am == REPEATED) binary_repeated(op, true, n, p[1], p[0], blen, p[2]);
  else if (bm == HELD) binary_held(op, false, n, p[0], p[1], blen, p[2]);
  else binary_held(op, true, n, p[1], p[0], blen, p[2]);
  return NULL;
}

enum { U_RELU = 0, U_STEP = 1, U_TANH = 2, U_EXP = 3, U_LEAKY_RELU = 4, U_SOFTPLUS = 5 };

// unary(op, alpha, x, out): ReLU (NaN stays NaN, as tfjs's), Step (1 where x > 0, alpha elsewhere, NaN for NaN),
// tanh, exp (within 2 float32 ulps of the exact values), leaky ReLU with slope alpha below 0, softplus
LATENT_VECTOR_CLONES
static void unary_loop(int op, float alpha, size_t n, const float *restrict x, float *restrict y) {
  switch (op) {
    case U_RELU:
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (size_t i = 0; i < n; i++) y[i] = x[i] < 0.f ? 0.f : x[i];
      break;
    case U_STEP:
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (size_t i = 0; i < n; i++) y[i] = x[i] != x[i] ? x[i] : x[i] > 0.f ? 1.f : alpha;
      break;
    case U_LEAKY_RELU:  // tfjs's: alpha·x below 0, x elsewhere (NaN stays NaN)
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
      for (size_t i = 0; i < n; i++) y[i] = x[i] < 0.f ? alpha * x[i] : x[i];
      break;
    case U_SOFTPLUS:  // log(1 + eˣ) = max(x, 0) + log1p(e^−|x|): no overflow, no cancellation; NaN stays NaN
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN / 4)
      for (size_t i = 0; i < n; i++) {
        const float v = x[i], sp = (v > 0.f ? v : 0.f) + log1p_unit(exp_nonpositive(-__builtin_fabsf(v)));
        y[i] = v != v ? v : sp;
      }
      break;
    case U_TANH:
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN / 4)
      for (size_t i = 0; i < n; i++) y[i] = tanh_any(x[i]);
      break;
    default:
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN / 4)
      for (size_t i = 0; i < n; i++) y[i] = exp_any(x[i]);
  }
}

napi_value latent_unary(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t op;
  double alpha;
  if (argc != 4 || napi_get_value_int32(env, argv[0], &op) != napi_ok || op < 0 || op > U_SOFTPLUS || napi_get_value_double(env, argv[1], &alpha) != napi_ok) {
    napi_throw_error(env, NULL, "latent_blas.unary: expected (op, alpha, x, out)");
    return NULL;
  }
  size_t lx, ly;
  float *x = typed_f32(env, argv[2], &lx), *y = typed_f32(env, argv[3], &ly);
  if ((!x && lx) || (!y && ly)) return NULL;
  if (lx != ly) { napi_throw_range_error(env, NULL, "latent_blas.unary: inconsistent sizes"); return NULL; }
  if (lx) unary_loop(op, (float)alpha, lx, x, y);
  return NULL;
}

// leakyReluGrad(alpha, x, dy, out): out = dy where x > 0, alpha·dy elsewhere (tfjs: greater, multiply, select)
LATENT_VECTOR_CLONES
static void leaky_grad_loop(float alpha, size_t n, const float *restrict x, const float *restrict dy, float *restrict out) {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
  for (size_t i = 0; i < n; i++) out[i] = x[i] > 0.f ? dy[i] : alpha * dy[i];
}

napi_value latent_leaky_relu_grad(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double alpha;
  if (argc != 4 || napi_get_value_double(env, argv[0], &alpha) != napi_ok) {
    napi_throw_error(env, NULL, "latent_blas.leakyReluGrad: expected (alpha, x, dy, out)");
    return NULL;
  }
  size_t lx, ld, lo;
  float *x = typed_f32(env, argv[1], &lx), *dy = typed_f32(env, argv[2], &ld), *out = typed_f32(env, argv[3], &lo);
  if ((!x && lx) || (!dy && ld) || (!out && lo)) return NULL;
  if (lx != ld || lx != lo) { napi_throw_range_error(env, NULL, "latent_blas.leakyReluGrad: inconsistent sizes"); return NULL; }
  if (lx) leaky_grad_loop((float)alpha, lx, x, dy, out);
  return NULL;
}

// tileLeading(x, out): out = x repeated length(out) / length(x) times (tile with reps [k, 1, …, 1])
napi_value latent_tile_leading(napi_env env, napi_callback_info info) {
  float *p[2];
  size_t len[2];
  if (!read_args(env, info, "latent_blas.tileLeading: expected (x, out)", 0, NULL, 2, p, len)) return NULL;
  if (len[0] == 0 || len[1] % len[0]) { napi_throw_range_error(env, NULL, "latent_blas.tileLeading: inconsistent sizes"); return NULL; }
  const size_t k = len[1] / len[0], m = len[0];
#pragma omp parallel for schedule(static) if (len[1] >= PARALLEL_MIN)
  for (size_t r = 0; r < k; r++) memcpy(p[1] + r * m, p[0], m * sizeof(float));
  return NULL;
}

// sumTrailing(rows, cols, x [rows·cols], out [rows]): out[r] = Σ_j x[r·cols + j], summed in double in j's order
napi_value latent_sum_trailing(napi_env env, napi_callback_info info) {
  int32_t n[2];
  float *a[2];
  size_t len[2];
  if (!read_args(env, info, "latent_blas.sumTrailing: expected (rows, cols, x, out)", 2, n, 2, a, len)) return NULL;
  const size_t rows = n[0], cols = n[1];
  if (len[0] != rows * cols || len[1] != rows) { napi_throw_range_error(env, NULL, "latent_blas.sumTrailing: inconsistent sizes"); return NULL; }
  const float *x = a[0];
  float *out = a[1];
#pragma omp parallel for schedule(static) if (rows * cols >= PARALLEL_MIN && rows > 1)
  for (size_t r = 0; r < rows; r++) {
    const float *row = x + r * cols;
    double s = 0;
    for (size_t j = 0; j < cols; j++) s += row[j];
    out[r] = (float)s;
  }
  return NULL;
}
