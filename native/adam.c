// adam: one Adam step for every variable in one call (lecture 002's adaptive step sizes), in place:
//   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  w ← w − lr · (m/c₁) / (√(v/c₂) + ε),  c₁ = 1−β₁ᵗ, c₂ = 1−β₂ᵗ
// the same float32 operations, in the same order, as tf.train.adam (1 − β computed before rounding, as there).
#include "kernels.h"
#include "napi-args.h"
#include <math.h>

// tf.train.adam's kernels round after every multiply and add (wasm has no fused multiply-add): so do we
#pragma GCC optimize("fp-contract=off")

LATENT_VECTOR_CLONES
static void adam_update(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, size_t n,
                        float lr, float b1, float b2, float a1, float a2, float eps, float c1, float c2) {
#pragma omp simd
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * a1;
    const float vi = v[i] * b2 + gi * gi * a2;
    m[i] = mi;
    v[i] = vi;
    w[i] = (mi / c1) / (sqrtf(vi / c2) + eps) * -lr + w[i];
  }
}

static float *element(napi_env env, napi_value array, uint32_t k, size_t *length) {
  napi_value item;
  if (napi_get_element(env, array, k, &item) != napi_ok) { napi_throw_error(env, NULL, "latent_blas.adam: cannot read an array element"); *length = 1; return NULL; }
  return typed_f32(env, item, length);
}

// adam([w…], [g…], [m…], [v…], lr, β₁, β₂, ε, c₁, c₂): the four arrays list Float32Arrays of equal lengths.
napi_value latent_adam(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 10) { napi_throw_error(env, NULL, "latent_blas.adam: expected 10 arguments"); return NULL; }
  double h[6];
  for (int i = 0; i < 6; i++) CHECK(napi_get_value_double(env, argv[4 + i], &h[i]));
  uint32_t count[4];
  for (int a = 0; a < 4; a++) {
    bool isArray = false;
    CHECK(napi_is_array(env, argv[a], &isArray));
    if (!isArray) { napi_throw_type_error(env, NULL, "latent_blas.adam: the first four arguments must be arrays of Float32Arrays"); return NULL; }
    CHECK(napi_get_array_length(env, argv[a], &count[a]));
  }
  if (count[1] != count[0] || count[2] != count[0] || count[3] != count[0]) {
    napi_throw_range_error(env, NULL, "latent_blas.adam: weights, gradients and moments differ in number");
    return NULL;
  }
  // every argument is checked before the first weight changes: an error leaves the model as it was
  for (int pass = 0; pass < 2; pass++) {
    for (uint32_t k = 0; k < count[0]; k++) {
      size_t n[4];
      float *p[4];
      for (int a = 0; a < 4; a++) { p[a] = element(env, argv[a], k, &n[a]); if (!p[a] && n[a]) return NULL; }
      if (n[1] != n[0] || n[2] != n[0] || n[3] != n[0]) {
        napi_throw_range_error(env, NULL, "latent_blas.adam: a weight, its gradient and its moments differ in length");
        return NULL;
      }
      if (pass == 1) adam_update(p[0], p[1], p[2], p[3], n[0], (float)h[0], (float)h[1], (float)h[2], (float)(1.0 - h[1]), (float)(1.0 - h[2]),
                                (float)h[3], (float)h[4], (float)h[5]);
    }
  }
  return NULL;
}
