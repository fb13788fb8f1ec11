// The Bernoulli log-likelihood from logits and its gradient (lecture 001, D29):
//   log p(x | ℓ) = Σ_d x_d ℓ_d − softplus(ℓ_d),   softplus(ℓ) = max(ℓ, 0) + log(1 + e^{−|ℓ|})
//   ∂/∂ℓ_d = x_d − σ(ℓ_d),   σ(ℓ) = 1/(1 + e^{−ℓ}) = e^{ℓ}/(1 + e^{ℓ}) — both written with e^{−|ℓ|} ≤ 1
// logits [R, D] with R = S·B (S samples of a batch of B), x [B, D]: row r uses x's row r mod B.
#include "kernels.h"
#include "napi-args.h"
#include "fast-math.h"

LATENT_VECTOR_CLONES
static float row_log_likelihood(const float *restrict x, const float *restrict l, size_t D) {
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (size_t d = 0; d < D; d++) {
    const float a = l[d] < 0.f ? -l[d] : l[d];
    const float relu = l[d] > 0.f ? l[d] : 0.f;
    s += x[d] * l[d] - (relu + log1p_unit(exp_nonpositive(-a)));
  }
  return s;
}

LATENT_VECTOR_CLONES
static void row_gradient(const float *restrict x, const float *restrict l, float dy, float *restrict out, size_t D) {
#pragma omp simd
  for (size_t d = 0; d < D; d++) {
    const float a = l[d] < 0.f ? -l[d] : l[d];
    const float e = exp_nonpositive(-a);
    const float sigma = l[d] >= 0.f ? 1.f / (1.f + e) : e / (1.f + e);
    out[d] = dy * (x[d] - sigma);
  }
}

// bernoulliForward(B, D, x [B·D], logits [R·D], out [R])
napi_value latent_bernoulli_forward(napi_env env, napi_callback_info info) {
  int32_t n[2];
  float *a[3];
  size_t len[3];
  if (!read_args(env, info, "latent_blas.bernoulliForward: expected (B, D, x, logits, out)", 2, n, 3, a, len)) return NULL;
  const size_t B = n[0], D = n[1], rows = len[2];
  if (B < 1 || len[0] != B * D || len[1] != rows * D || rows % B != 0) {
    napi_throw_range_error(env, NULL, "latent_blas.bernoulliForward: inconsistent sizes");
    return NULL;
  }
  for (size_t r = 0; r < rows; r++) a[2][r] = row_log_likelihood(a[0] + (r % B) * D, a[1] + r * D, D);
  return NULL;
}

// bernoulliBackward(B, D, x [B·D], logits [R·D], dy [R], out [R·D])
napi_value latent_bernoulli_backward(napi_env env, napi_callback_info info) {
  int32_t n[2];
  float *a[4];
  size_t len[4];
  if (!read_args(env, info, "latent_blas.bernoulliBackward: expected (B, D, x, logits, dy, out)", 2, n, 4, a, len)) return NULL;
  const size_t B = n[0], D = n[1], rows = len[2];
  if (B < 1 || len[0] != B * D || len[1] != rows * D || len[3] != len[1] || rows % B != 0) {
    napi_throw_range_error(env, NULL, "latent_blas.bernoulliBackward: inconsistent sizes");
    return NULL;
  }
  for (size_t r = 0; r < rows; r++) row_gradient(a[0] + (r % B) * D, a[1] + r * D, a[2][r], a[3] + r * D, D);
  return NULL;
}
