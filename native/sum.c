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
  int32_t n[2];
  float *a[2];
  size_t len[2];
  if (!read_args(env, info, "latent_blas.sumLeading: expected (rows, cols, x, out)", 2, n, 2, a, len)) return NULL;
  const size_t rows = n[0], cols = n[1];
  if (len[0] != rows * cols || len[1] != cols) {
    napi_throw_range_error(env, NULL, "latent_blas.sumLeading: inconsistent sizes");
    return NULL;
  }
  // threads take blocks of columns; each column is still summed over the rows in order, whatever the thread count
  const size_t block = 256, blocks = (cols + block - 1) / block;
#pragma omp parallel for schedule(static) if (rows * cols >= PARALLEL_MIN && blocks > 1)
  for (size_t k = 0; k < blocks; k++) {
    const size_t c0 = k * block, w = cols - c0 < block ? cols - c0 : block;
    float *out = a[1] + c0;
    for (size_t j = 0; j < w; j++) out[j] = 0.f;
    for (size_t i = 0; i < rows; i++) add_row(out, a[0] + i * cols + c0, w);
  }
  return NULL;
}
