// The reparameterized diagonal-Gaussian sample with its analytic KL to N(0, I), and the gradient
// (lecture 001 and 004; D17, D30). Input: the encoder's output [B, 2M] = (μ, log σ), and ε [B, M]:
//   z = μ + σ ε,   KL = Σ_j ½(μ_j² + σ_j² − 1) − log σ_j
//   ∂/∂μ = dz + dKL·μ,   ∂/∂log σ = dz ⊙ σε + dKL·(σ² − 1)
// B·M is small (128·16 in the lectures): plain loops, libm's expf.
#include "kernels.h"
#include "napi-args.h"
#include <math.h>

// reparameterizeForward(B, M, meanLogStd [B·2M], eps [B·M], z [B·M], kl [B])
napi_value latent_reparameterize_forward(napi_env env, napi_callback_info info) {
  int32_t n[2];
  float *a[4];
  size_t len[4];
  if (!read_args(env, info, "latent_blas.reparameterizeForward: expected (B, M, meanLogStd, eps, z, kl)", 2, n, 4, a, len)) return NULL;
  const size_t B = n[0], M = n[1];
  if (len[0] != 2 * B * M || len[1] != B * M || len[2] != B * M || len[3] != B) {
    napi_throw_range_error(env, NULL, "latent_blas.reparameterizeForward: inconsistent sizes");
    return NULL;
  }
  const float *eps = a[1];
  float *z = a[2], *kl = a[3];
  for (size_t b = 0; b < B; b++) {
    const float *mu = a[0] + 2 * b * M, *ls = mu + M;
    float s = 0.f;
    for (size_t j = 0; j < M; j++) {
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
  int32_t n[2];
  float *a[5];
  size_t len[5];
  if (!read_args(env, info, "latent_blas.reparameterizeBackward: expected (B, M, meanLogStd, eps, dz, dkl, out)", 2, n, 5, a, len)) return NULL;
  const size_t B = n[0], M = n[1];
  if (len[0] != 2 * B * M || len[1] != B * M || len[2] != B * M || len[3] != B || len[4] != 2 * B * M) {
    napi_throw_range_error(env, NULL, "latent_blas.reparameterizeBackward: inconsistent sizes");
    return NULL;
  }
  const float *eps = a[1], *dz = a[2], *dkl = a[3];
  for (size_t b = 0; b < B; b++) {
    const float *mu = a[0] + 2 * b * M, *ls = mu + M;
    float *dmu = a[4] + 2 * b * M, *dls = dmu + M;
    for (size_t j = 0; j < M; j++) {
      const float sigma = expf(ls[j]), g = dz[b * M + j];
      dmu[j] = g + dkl[b] * mu[j];
      dls[j] = g * sigma * eps[b * M + j] + dkl[b] * (sigma * sigma - 1.f);
    }
  }
  return NULL;
}
