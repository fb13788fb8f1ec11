// sumLeading: tfjs's Sum over leading axes, viewed as [rows, cols] → [cols]. The gradient of a
// broadcast (a bias, a batch) is this reduction; tfjs's wasm kernel transposes before reducing it.
#include "kernels.h"
#include "napi-args.h"

LATENT_VECTOR_CLONES
static void add_row(float *restrict out, const float *restrict row, size_t cols) {
#pragma omp simd
  for (size_t j = 0; j < cols; j++) out[j] += row[j];
}

// sumLeading(rows, cols, x [rows·cols], out [cols]): out[j] = Σ_i x[i·cols + j]
napi_value latent_sum_leading(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t rows, cols;
  if (argc != 4 || napi_get_value_int32(env, argv[0], &rows) != napi_ok || napi_get_value_int32(env, argv[1], &cols) != napi_ok) {
    napi_throw_error(env, NULL, "latent_blas.sumLeading: expected (rows, cols, x, out)");
    return NULL;
  }
  size_t lx, lo;
  const float *x = typed_f32(env, argv[2], &lx); if (!x && lx) return NULL;
  float *out = typed_f32(env, argv[3], &lo); if (!out && lo) return NULL;
  if (rows < 0 || cols < 0 || lx != (size_t)rows * cols || lo != (size_t)cols) {
    napi_throw_range_error(env, NULL, "latent_blas.sumLeading: inconsistent sizes");
    return NULL;
  }
  for (size_t j = 0; j < (size_t)cols; j++) out[j] = 0.f;
  for (size_t i = 0; i < (size_t)rows; i++) add_row(out, x + i * (size_t)cols, cols);
  return NULL;
}
