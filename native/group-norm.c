// Group normalization and SiLU on NHWC images, forward and backward, one pass or two over the data each.
// Composed of tfjs ops they take a dozen kernel launches over the whole activation (moments, subtract,
// scale, shift, sigmoid, multiply, and as many again for the gradients, with broadcasts): in a U-Net
// training step those launches cost several times the convolutions themselves.
// Statistics are accumulated in double: E[x²] − E[x]² in float loses the variance of offset data.
#include "kernels.h"
#include "napi-args.h"
#include "fast-math.h"
#include <math.h>
#include <stdlib.h>

// per-channel Σx and Σx² of one image [HW, C] into s1, s2 [C] (double)
static void channel_sums(const float *x, size_t HW, size_t C, double *s1, double *s2) {
  for (size_t c = 0; c < C; c++) s1[c] = s2[c] = 0;
  for (size_t i = 0; i < HW; i++) {
    const float *row = x + i * C;
    for (size_t c = 0; c < C; c++) { const double v = row[c]; s1[c] += v; s2[c] += v * v; }
  }
}

// mean and 1/√(var + ε) per group from per-channel sums
static void group_stats(const double *s1, const double *s2, size_t HW, size_t C, size_t G, double eps, float *mean, float *rstd) {
  const size_t Cg = C / G;
  const double n = (double)HW * Cg;
  for (size_t g = 0; g < G; g++) {
    double a = 0, b = 0;
    for (size_t c = g * Cg; c < (g + 1) * Cg; c++) { a += s1[c]; b += s2[c]; }
    const double m = a / n, var = b / n - m * m;
    mean[g] = (float)m;
    rstd[g] = (float)(1.0 / sqrt((var > 0 ? var : 0) + eps));
  }
}

// groupNormForward(B, HW, C, G, x, gamma, beta, eps [1], y): y = γ_c (x − μ_bg) rstd_bg + β_c
napi_value latent_group_norm_forward(napi_env env, napi_callback_info info) {
  int32_t n[4];
  float *a[5];
  size_t len[5];
  if (!read_args(env, info, "latent_blas.groupNormForward: expected (B, HW, C, G, x, gamma, beta, eps, y)", 4, n, 5, a, len)) return NULL;
  const size_t B = n[0], HW = n[1], C = n[2], G = n[3];
  if (G == 0 || C % G || len[0] != B * HW * C || len[1] != C || len[2] != C || len[3] != 1 || len[4] != B * HW * C) {
    napi_throw_range_error(env, NULL, "latent_blas.groupNormForward: inconsistent sizes");
    return NULL;
  }
  const float *x = a[0], *gamma = a[1], *beta = a[2];
  const double eps = a[3][0];
  float *y = a[4];
  const size_t Cg = C / G;
#pragma omp parallel
  {
    double *s = malloc(2 * C * sizeof(double));
    float *scale = malloc(2 * C * sizeof(float)), *shift = scale + C;
    float mean[G], rstd[G];
#pragma omp for schedule(static)
    for (size_t b = 0; b < B; b++) {
      const float *xb = x + b * HW * C;
      float *yb = y + b * HW * C;
      channel_sums(xb, HW, C, s, s + C);
      group_stats(s, s + C, HW, C, G, eps, mean, rstd);
      // y = x·scale_c + shift_c with scale = γ rstd, shift = β − μ γ rstd: one multiply-add per entry
      for (size_t c = 0; c < C; c++) { const size_t g = c / Cg; scale[c] = gamma[c] * rstd[g]; shift[c] = beta[c] - mean[g] * scale[c]; }
      for (size_t i = 0; i < HW; i++) {
        const float *xr = xb + i * C;
        float *yr = yb + i * C;
#pragma omp simd
        for (size_t c = 0; c < C; c++) yr[c] = xr[c] * scale[c] + shift[c];
      }
    }
    free(s);
    free(scale);
  }
  return NULL;
}

// groupNormBackward(B, HW, C, G, x, gamma, dy, eps [1], dx, dgamma, dbeta), with x̂ = (x − μ) rstd:
//   dβ_c = Σ dy, dγ_c = Σ dy x̂, dx = rstd (γ dy − mean_g(γ dy) − x̂ mean_g(γ dy x̂))
napi_value latent_group_norm_backward(napi_env env, napi_callback_info info) {
  int32_t n[4];
  float *a[7];
  size_t len[7];
  if (!read_args(env, info, "latent_blas.groupNormBackward: expected (B, HW, C, G, x, gamma, dy, eps, dx, dgamma, dbeta)", 4, n, 7, a, len)) return NULL;
  const size_t B = n[0], HW = n[1], C = n[2], G = n[3];
  if (G == 0 || C % G || len[0] != B * HW * C || len[1] != C || len[2] != B * HW * C || len[3] != 1 || len[4] != B * HW * C || len[5] != C || len[6] != C) {
    napi_throw_range_error(env, NULL, "latent_blas.groupNormBackward: inconsistent sizes");
    return NULL;
  }
  const float *x = a[0], *gamma = a[1], *dy = a[2];
  const double eps = a[3][0];
  float *dx = a[4], *dgamma = a[5], *dbeta = a[6];
  const size_t Cg = C / G;
  double *partial = calloc(2 * B * C, sizeof(double));  // per image: Σ dy, Σ dy x̂ per channel
#pragma omp parallel
  {
    double *s = malloc(2 * C * sizeof(double));
    float *k1 = malloc(3 * C * sizeof(float)), *k2 = k1 + C, *k3 = k2 + C;
    float mean[G], rstd[G];
#pragma omp for schedule(static)
    for (size_t b = 0; b < B; b++) {
      const float *xb = x + b * HW * C, *dyb = dy + b * HW * C;
      float *dxb = dx + b * HW * C;
      channel_sums(xb, HW, C, s, s + C);
      group_stats(s, s + C, HW, C, G, eps, mean, rstd);
      // per channel: Σ dy and Σ dy·x (x̂ follows from them per group)
      double *sdy = partial + 2 * b * C, *sdyx = sdy + C;
      for (size_t i = 0; i < HW; i++) {
        const float *xr = xb + i * C, *dr = dyb + i * C;
        for (size_t c = 0; c < C; c++) { sdy[c] += dr[c]; sdyx[c] += (double)dr[c] * xr[c]; }
      }
      // Σ dy x̂ = rstd (Σ dy x − μ Σ dy) per channel; then the group means of γ dy and γ dy x̂
      double mg[G], mgx[G];
      for (size_t g = 0; g < G; g++) mg[g] = mgx[g] = 0;
      for (size_t c = 0; c < C; c++) {
        const size_t g = c / Cg;
        sdyx[c] = rstd[g] * (sdyx[c] - mean[g] * sdy[c]);
        mg[g] += gamma[c] * sdy[c];
        mgx[g] += gamma[c] * sdyx[c];
      }
      const double count = (double)HW * Cg;
      // dx = rstd γ_c dy − rstd mg − x̂ rstd mgx = k1_c dy + k2_c x + k3_c
      for (size_t c = 0; c < C; c++) {
        const size_t g = c / Cg;
        const double r = rstd[g], A = mg[g] / count, Bx = mgx[g] / count;
        k1[c] = (float)(r * gamma[c]);
        k2[c] = (float)(-r * r * Bx);
        k3[c] = (float)(-r * A + r * r * Bx * mean[g]);
      }
      for (size_t i = 0; i < HW; i++) {
        const float *xr = xb + i * C, *dr = dyb + i * C;
        float *o = dxb + i * C;
#pragma omp simd
        for (size_t c = 0; c < C; c++) o[c] = k1[c] * dr[c] + k2[c] * xr[c] + k3[c];
      }
    }
    free(s);
    free(k1);
  }
  for (size_t c = 0; c < C; c++) {
    double db = 0, dg = 0;
    for (size_t b = 0; b < B; b++) { db += partial[2 * b * C + c]; dg += partial[2 * b * C + C + c]; }
    dbeta[c] = (float)db;
    dgamma[c] = (float)dg;
  }
  free(partial);
  return NULL;
}

// σ(v) with one exp of a non-positive argument (no overflow)
static inline float sigmoid(float v) {
  const float e = exp_nonpositive(-fabsf(v));
  const float r = 1.0f / (1.0f + e);
  return v >= 0 ? r : e * r;
}

LATENT_VECTOR_CLONES
static void silu_range(const float *restrict x, float *restrict y, size_t n) {
#pragma omp simd
  for (size_t i = 0; i < n; i++) y[i] = x[i] * sigmoid(x[i]);
}

LATENT_VECTOR_CLONES
static void silu_grad_range(const float *restrict x, const float *restrict dy, float *restrict dx, size_t n) {
#pragma omp simd
  for (size_t i = 0; i < n; i++) {
    const float s = sigmoid(x[i]);
    dx[i] = dy[i] * (s + x[i] * s * (1.0f - s));
  }
}

#define CHUNK 16384  // entries per parallel task: large enough that a thread's start-up is amortized

// siluForward(x, y): y = x σ(x)
napi_value latent_silu_forward(napi_env env, napi_callback_info info) {
  float *a[2];
  size_t len[2];
  if (!read_args(env, info, "latent_blas.siluForward: expected (x, y)", 0, NULL, 2, a, len)) return NULL;
  if (len[0] != len[1]) { napi_throw_range_error(env, NULL, "latent_blas.siluForward: inconsistent sizes"); return NULL; }
  const size_t n = len[0];
#pragma omp parallel for schedule(static) if (n > 4 * CHUNK)
  for (size_t i = 0; i < n; i += CHUNK) silu_range(a[0] + i, a[1] + i, n - i < CHUNK ? n - i : CHUNK);
  return NULL;
}

// siluBackward(x, dy, dx): dx = dy (σ(x) + x σ(x)(1 − σ(x)))
napi_value latent_silu_backward(napi_env env, napi_callback_info info) {
  float *a[3];
  size_t len[3];
  if (!read_args(env, info, "latent_blas.siluBackward: expected (x, dy, dx)", 0, NULL, 3, a, len)) return NULL;
  if (len[0] != len[1] || len[0] != len[2]) { napi_throw_range_error(env, NULL, "latent_blas.siluBackward: inconsistent sizes"); return NULL; }
  const size_t n = len[0];
#pragma omp parallel for schedule(static) if (n > 4 * CHUNK)
  for (size_t i = 0; i < n; i += CHUNK) silu_grad_range(a[0] + i, a[1] + i, a[2] + i, n - i < CHUNK ? n - i : CHUNK);
  return NULL;
}
