// The reparameterized diagonal-Gaussian sample with its analytic KL to N(0, I), and the gradient
// (lecture 001 and 004; D17, D30). Input: the encoder's output [B, 2M] = (μ, log σ), and ε [B, M]:
//   z = μ + σ ε,   KL = Σ_j ½(μ_j² + σ_j² − 1) − log σ_j
//   ∂/∂μ = dz + dKL·μ,   ∂/∂log σ = dz ⊙ σε + dKL·(σ² − 1)
// B·M is small (128·16 in the lectures): plain loops, libm's expf.
#include "kernels.h"
#include "napi-args.h"
#include <math.h>

static bool read_sizes(napi_env env, napi_value *argv, int32_t *B, int32_t *M) {
  return napi_get_value_int32(env, argv[0], B) == napi_ok && napi_get_value_int32(env, argv[1], M) == napi_ok && *B >= 0 && *M >= 0;
}

// reparameterizeForward(B, M, meanLogStd [B·2M], eps [B·M], z [B·M], kl [B])
napi_value latent_reparameterize_forward(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t B, M;
  if (argc != 6 || !read_sizes(env, argv, &B, &M)) { napi_throw_error(env, NULL, "latent_blas.reparameterizeForward: expected (B, M, meanLogStd, eps, z, kl)"); return NULL; }
  size_t lp, le, lz, lk;
  const float *p = typed_f32(env, argv[2], &lp); if (!p && lp) return NULL;
  const float *eps = typed_f32(env, argv[3], &le); if (!eps && le) return NULL;
  float *z = typed_f32(env, argv[4], &lz); if (!z && lz) return NULL;
  float *kl = typed_f32(env, argv[5], &lk); if (!kl && lk) return NULL;
  const size_t n = (size_t)B * M;
  if (lp != 2 * n || le != n || lz != n || lk != (size_t)B) { napi_throw_range_error(env, NULL, "latent_blas.reparameterizeForward: inconsistent sizes"); return NULL; }
  for (size_t b = 0; b < (size_t)B; b++) {
    const float *mu = p + 2 * b * M, *ls = mu + M;
    float s = 0.f;
    for (size_t j = 0; j < (size_t)M; j++) {
      const float sigma = expf(ls[j]);
      z[b * M + j] = mu[j] + sigma * eps[b * M + j];
      s += 0.5f * (mu[j] * mu[j] + sigma * sigma - 1.f) - ls[j];
    }
    kl[b] = s;
  }
  return NULL;
}

// reparameterizeBackward(B, M, meanLogStd [B·2M], eps [B·M], dz [B·M], dkl [B], out [B·2M])
napi_value latent_reparameterize_backward(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t B, M;
  if (argc != 7 || !read_sizes(env, argv, &B, &M)) { napi_throw_error(env, NULL, "latent_blas.reparameterizeBackward: expected (B, M, meanLogStd, eps, dz, dkl, out)"); return NULL; }
  size_t lp, le, ldz, ldk, lo;
  const float *p = typed_f32(env, argv[2], &lp); if (!p && lp) return NULL;
  const float *eps = typed_f32(env, argv[3], &le); if (!eps && le) return NULL;
  const float *dz = typed_f32(env, argv[4], &ldz); if (!dz && ldz) return NULL;
  const float *dkl = typed_f32(env, argv[5], &ldk); if (!dkl && ldk) return NULL;
  float *out = typed_f32(env, argv[6], &lo); if (!out && lo) return NULL;
  const size_t n = (size_t)B * M;
  if (lp != 2 * n || le != n || ldz != n || ldk != (size_t)B || lo != 2 * n) { napi_throw_range_error(env, NULL, "latent_blas.reparameterizeBackward: inconsistent sizes"); return NULL; }
  for (size_t b = 0; b < (size_t)B; b++) {
    const float *mu = p + 2 * b * M, *ls = mu + M;
    float *dmu = out + 2 * b * M, *dls = dmu + M;
    for (size_t j = 0; j < (size_t)M; j++) {
      const float sigma = expf(ls[j]), g = dz[b * M + j];
      dmu[j] = g + dkl[b] * mu[j];
      dls[j] = g * sigma * eps[b * M + j] + dkl[b] * (sigma * sigma - 1.f);
    }
  }
  return NULL;
}
