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

static bool read_sizes(napi_env env, napi_value *argv, int32_t *B, int32_t *D) {
  return napi_get_value_int32(env, argv[0], B) == napi_ok && napi_get_value_int32(env, argv[1], D) == napi_ok;
}

// bernoulliForward(B, D, x [B·D], logits [R·D], out [R])
napi_value latent_bernoulli_forward(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t B, D;
  if (argc != 5 || !read_sizes(env, argv, &B, &D)) { napi_throw_error(env, NULL, "latent_blas.bernoulliForward: expected (B, D, x, logits, out)"); return NULL; }
  size_t lx, ll, lo;
  const float *x = typed_f32(env, argv[2], &lx); if (!x && lx) return NULL;
  const float *l = typed_f32(env, argv[3], &ll); if (!l && ll) return NULL;
  float *out = typed_f32(env, argv[4], &lo); if (!out && lo) return NULL;
  if (B < 1 || D < 0 || lx != (size_t)B * D || ll != lo * (size_t)D || lo % B != 0) {
    napi_throw_range_error(env, NULL, "latent_blas.bernoulliForward: inconsistent sizes");
    return NULL;
  }
  for (size_t r = 0; r < lo; r++) out[r] = row_log_likelihood(x + (r % B) * D, l + r * D, D);
  return NULL;
}

// bernoulliBackward(B, D, x [B·D], logits [R·D], dy [R], out [R·D])
napi_value latent_bernoulli_backward(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t B, D;
  if (argc != 6 || !read_sizes(env, argv, &B, &D)) { napi_throw_error(env, NULL, "latent_blas.bernoulliBackward: expected (B, D, x, logits, dy, out)"); return NULL; }
  size_t lx, ll, ldy, lo;
  const float *x = typed_f32(env, argv[2], &lx); if (!x && lx) return NULL;
  const float *l = typed_f32(env, argv[3], &ll); if (!l && ll) return NULL;
  const float *dy = typed_f32(env, argv[4], &ldy); if (!dy && ldy) return NULL;
  float *out = typed_f32(env, argv[5], &lo); if (!out && lo) return NULL;
  if (B < 1 || D < 0 || lx != (size_t)B * D || ll != ldy * (size_t)D || lo != ll || ldy % B != 0) {
    napi_throw_range_error(env, NULL, "latent_blas.bernoulliBackward: inconsistent sizes");
    return NULL;
  }
  for (size_t r = 0; r < ldy; r++) row_gradient(x + (r % B) * D, l + r * D, dy[r], out + r * D, D);
  return NULL;
}
