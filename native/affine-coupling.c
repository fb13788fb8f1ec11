// RealNVP's affine coupling after its s, t network, as one pass each way (src/ops/affine-coupling.ts):
//   s = a ⊙ tanh(r_s) ⊙ f,  t = r_t ⊙ f,  y = x ⊙ eˢ + t,  log|det| per example = Σ s
// with r = [r_s, r_t] the network's output [B, P, 2C] (split along channels), a [C] the learned bound,
// f the free-entries mask [P, C] (1 − b; one entry 1 for a channel mask). tfjs composes this of ~10 kernels
// forward and ~20 backward, each a pass over the activation. Examples are split among the threads; the
// gradient of a is summed per example and then over examples in order: the same result on any thread count.
#include "kernels.h"
#include "napi-args.h"
#include "fast-math.h"
#include <stdlib.h>

// One example's P·C entries, i = q·C + c: r_s at q·2C + c, r_t at q·2C + C + c, f at (q·C + c)·fstride. The
// loops are written once for each channel count the course's RealNVP has (C = 1, 2, 4: divisions by a
// constant vectorize) and once for any C; each is compiled for AVX-512, AVX2 and plain x86-64.
#define FORWARD_ROW(NAME, CC)                                                                                  \
  LATENT_VECTOR_CLONES                                                                                         \
  static float NAME(size_t P, size_t Cr, const float *restrict x, const float *restrict r, const float *restrict a, \
                    const float *restrict f, size_t fstride, float *restrict y) {                              \
    const size_t C = CC ? CC : Cr;                                                                             \
    float part = 0;                                                                                            \
    _Pragma("omp simd reduction(+ : part)")                                                                    \
    for (size_t i = 0; i < P * C; i++) {                                                                       \
      const size_t q = i / C, c = i - q * C;                                                                   \
      const float fc = f[i * fstride];                                                                         \
      const float s = (tanh_any(r[q * 2 * C + c]) * a[c]) * fc, t = r[q * 2 * C + C + c] * fc;                \
      y[i] = x[i] * exp_any(s) + t;                                                                            \
      part += s;                                                                                               \
    }                                                                                                          \
    return part;                                                                                               \
  }
FORWARD_ROW(forward_row1, 1)
FORWARD_ROW(forward_row2, 2)
FORWARD_ROW(forward_row4, 4)
FORWARD_ROW(forward_rowC, 0)

// ∂s = dy x eˢ + dlogdet, dx = dy eˢ, dr_s = ∂s f a (1 − tanh²), dr_t = dy f; pa[c] += ∂s f tanh (in double, in order)
#define BACKWARD_ROW(NAME, CC)                                                                                 \
  LATENT_VECTOR_CLONES                                                                                         \
  static void NAME(size_t P, size_t Cr, const float *restrict x, const float *restrict r, const float *restrict a, \
                   const float *restrict f, size_t fstride, const float *restrict g, float dld,                \
                   float *restrict dx, float *restrict dr, float *restrict tmp) {                              \
    const size_t C = CC ? CC : Cr;                                                                             \
    _Pragma("omp simd")                                                                                        \
    for (size_t i = 0; i < P * C; i++) {                                                                       \
      const size_t q = i / C, c = i - q * C;                                                                   \
      const float fc = f[i * fstride], th = tanh_any(r[q * 2 * C + c]);                                        \
      const float e = exp_any((th * a[c]) * fc);                                                               \
      const float ds = g[i] * x[i] * e + dld;                                                                  \
      dx[i] = g[i] * e;                                                                                        \
      dr[q * 2 * C + c] = ds * fc * a[c] * (1.0f - th * th);                                                   \
      dr[q * 2 * C + C + c] = g[i] * fc;                                                                       \
      tmp[i] = ds * fc * th;                                                                                   \
    }                                                                                                          \
  }
BACKWARD_ROW(backward_row1, 1)
BACKWARD_ROW(backward_row2, 2)
BACKWARD_ROW(backward_row4, 4)
BACKWARD_ROW(backward_rowC, 0)

// affineCouplingForward(B, P, C, x [B,P,C], r [B,P,2C], a [C], f [P·C or 1], y [B,P,C], logdet [B])
napi_value latent_affine_coupling_forward(napi_env env, napi_callback_info info) {
  int32_t n[3];
  float *p[6];
  size_t len[6];
  if (!read_args(env, info, "latent_blas.affineCouplingForward: expected (B, P, C, x, r, a, f, y, logdet)", 3, n, 6, p, len)) return NULL;
  const size_t B = n[0], P = n[1], C = n[2], PC = P * C;
  if (len[0] != B * PC || len[1] != 2 * B * PC || len[2] != C || (len[3] != PC && len[3] != 1) || len[4] != B * PC || len[5] != B) {
    napi_throw_range_error(env, NULL, "latent_blas.affineCouplingForward: inconsistent sizes");
    return NULL;
  }
  const float *x = p[0], *r = p[1], *a = p[2], *f = p[3];
  float *y = p[4], *logdet = p[5];
  const size_t fstride = len[3] == 1 ? 0 : 1;
  float (*row)(size_t, size_t, const float *, const float *, const float *, const float *, size_t, float *) =
    C == 1 ? forward_row1 : C == 2 ? forward_row2 : C == 4 ? forward_row4 : forward_rowC;
#pragma omp parallel for schedule(static) if (B * PC >= PARALLEL_MIN && B > 1)
  for (size_t b = 0; b < B; b++) logdet[b] = row(P, C, x + b * PC, r + 2 * b * PC, a, f, fstride, y + b * PC);
  return NULL;
}

// affineCouplingBackward(B, P, C, x, r, a, f, dy [B,P,C], dlogdet [B], dx [B,P,C], dr [B,P,2C], da [C]):
//   ∂s = dy ⊙ x ⊙ eˢ + dlogdet,  dx = dy ⊙ eˢ,  dr_s = ∂s ⊙ f ⊙ a ⊙ (1 − tanh² r_s),  dr_t = dy ⊙ f,  da = Σ ∂s ⊙ f ⊙ tanh r_s
napi_value latent_affine_coupling_backward(napi_env env, napi_callback_info info) {
  int32_t n[3];
  float *p[9];
  size_t len[9];
  if (!read_args(env, info, "latent_blas.affineCouplingBackward: expected (B, P, C, x, r, a, f, dy, dlogdet, dx, dr, da)", 3, n, 9, p, len)) return NULL;
  const size_t B = n[0], P = n[1], C = n[2], PC = P * C;
  if (len[0] != B * PC || len[1] != 2 * B * PC || len[2] != C || (len[3] != PC && len[3] != 1) || len[4] != B * PC || len[5] != B
      || len[6] != B * PC || len[7] != 2 * B * PC || len[8] != C) {
    napi_throw_range_error(env, NULL, "latent_blas.affineCouplingBackward: inconsistent sizes");
    return NULL;
  }
  const float *x = p[0], *r = p[1], *a = p[2], *f = p[3], *dy = p[4], *dld = p[5];
  float *dx = p[6], *dr = p[7], *da = p[8];
  const size_t fstride = len[3] == 1 ? 0 : 1;
  // ∂s f tanh per entry, then da summed per channel over the entries in order: the same on any thread count
  float *tmp = malloc((B * PC + 1) * sizeof(float));
  if (!tmp) { napi_throw_error(env, NULL, "latent_blas.affineCouplingBackward: out of memory"); return NULL; }
  void (*row)(size_t, size_t, const float *, const float *, const float *, const float *, size_t, const float *, float, float *, float *, float *) =
    C == 1 ? backward_row1 : C == 2 ? backward_row2 : C == 4 ? backward_row4 : backward_rowC;
#pragma omp parallel for schedule(static) if (B * PC >= PARALLEL_MIN && B > 1)
  for (size_t b = 0; b < B; b++) row(P, C, x + b * PC, r + 2 * b * PC, a, f, fstride, dy + b * PC, dld[b], dx + b * PC, dr + 2 * b * PC, tmp + b * PC);
  double sums[C > 0 ? C : 1];
  for (size_t c = 0; c < C; c++) sums[c] = 0;
  for (size_t i = 0; i < B * P; i++)
    for (size_t c = 0; c < C; c++) sums[c] += tmp[i * C + c];
  for (size_t c = 0; c < C; c++) da[c] = (float)sums[c];
  free(tmp);
  return NULL;
}
