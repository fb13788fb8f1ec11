// The U-Net's resolution changes and skip connections on NHWC images, as tfjs kernels: 2×2 average
// pooling (AvgPool, AvgPoolGrad), nearest-neighbour upsampling by 2 (ResizeNearestNeighbor and its Grad),
// and concatenation / splitting along the channel axis (Concat, SplitV, the latter being Concat's
// gradient). tfjs-backend-wasm runs these as JavaScript loops over the whole activation or with
// transposes; here each is one pass of contiguous copies.
#include "kernels.h"
#include "napi-args.h"
#include <string.h>

// avgPool2(B, H, W, C, x [B,H,W,C], y [B,H/2,W/2,C]) with H, W even: y = ¼ Σ of each 2×2 block
napi_value latent_avg_pool2(napi_env env, napi_callback_info info) {
  int32_t n[4];
  float *a[2];
  size_t len[2];
  if (!read_args(env, info, "latent_blas.avgPool2: expected (B, H, W, C, x, y)", 4, n, 2, a, len)) return NULL;
  const size_t B = n[0], H = n[1], W = n[2], C = n[3], OH = H / 2, OW = W / 2;
  if (H % 2 || W % 2 || len[0] != B * H * W * C || len[1] != B * OH * OW * C) { napi_throw_range_error(env, NULL, "latent_blas.avgPool2: inconsistent sizes"); return NULL; }
  const float *x = a[0];
  float *y = a[1];
#pragma omp parallel for schedule(static)
  for (size_t r = 0; r < B * OH; r++) {
    const size_t b = r / OH, i = r % OH;
    const float *x0 = x + ((b * H + 2 * i) * W) * C, *x1 = x0 + W * C;
    float *yr = y + r * OW * C;
    for (size_t j = 0; j < OW; j++) {
      const float *p = x0 + 2 * j * C, *q = x1 + 2 * j * C;
#pragma omp simd
      for (size_t c = 0; c < C; c++) yr[j * C + c] = 0.25f * ((p[c] + p[C + c]) + (q[c] + q[C + c]));
    }
  }
  return NULL;
}

// avgPool2Grad(B, H, W, C, dy [B,H/2,W/2,C], dx [B,H,W,C]): dx = ¼ dy of its block
napi_value latent_avg_pool2_grad(napi_env env, napi_callback_info info) {
  int32_t n[4];
  float *a[2];
  size_t len[2];
  if (!read_args(env, info, "latent_blas.avgPool2Grad: expected (B, H, W, C, dy, dx)", 4, n, 2, a, len)) return NULL;
  const size_t B = n[0], H = n[1], W = n[2], C = n[3], OH = H / 2, OW = W / 2;
  if (H % 2 || W % 2 || len[0] != B * OH * OW * C || len[1] != B * H * W * C) { napi_throw_range_error(env, NULL, "latent_blas.avgPool2Grad: inconsistent sizes"); return NULL; }
  const float *dy = a[0];
  float *dx = a[1];
#pragma omp parallel for schedule(static)
  for (size_t r = 0; r < B * H; r++) {
    const size_t b = r / H, i = r % H;
    const float *d = dy + (b * OH + i / 2) * OW * C;
    float *o = dx + r * W * C;
    for (size_t j = 0; j < W; j++) {
#pragma omp simd
      for (size_t c = 0; c < C; c++) o[j * C + c] = 0.25f * d[(j / 2) * C + c];
    }
  }
  return NULL;
}

// upsample2(B, H, W, C, x [B,H,W,C], y [B,2H,2W,C]): y[b, i, j] = x[b, ⌊i/2⌋, ⌊j/2⌋]
napi_value latent_upsample2(napi_env env, napi_callback_info info) {
  int32_t n[4];
  float *a[2];
  size_t len[2];
  if (!read_args(env, info, "latent_blas.upsample2: expected (B, H, W, C, x, y)", 4, n, 2, a, len)) return NULL;
  const size_t B = n[0], H = n[1], W = n[2], C = n[3];
  if (len[0] != B * H * W * C || len[1] != 4 * B * H * W * C) { napi_throw_range_error(env, NULL, "latent_blas.upsample2: inconsistent sizes"); return NULL; }
  const float *x = a[0];
  float *y = a[1];
#pragma omp parallel for schedule(static)
  for (size_t r = 0; r < B * 2 * H; r++) {
    const size_t b = r / (2 * H), i = r % (2 * H);
    const float *s = x + (b * H + i / 2) * W * C;
    float *o = y + r * 2 * W * C;
    for (size_t j = 0; j < W; j++) {
      memcpy(o + 2 * j * C, s + j * C, C * sizeof(float));
      memcpy(o + (2 * j + 1) * C, s + j * C, C * sizeof(float));
    }
  }
  return NULL;
}

// upsample2Grad(B, H, W, C, dy [B,2H,2W,C], dx [B,H,W,C]): dx = Σ of dy over the 2×2 block it was copied to
napi_value latent_upsample2_grad(napi_env env, napi_callback_info info) {
  int32_t n[4];
  float *a[2];
  size_t len[2];
  if (!read_args(env, info, "latent_blas.upsample2Grad: expected (B, H, W, C, dy, dx)", 4, n, 2, a, len)) return NULL;
  const size_t B = n[0], H = n[1], W = n[2], C = n[3];
  if (len[0] != 4 * B * H * W * C || len[1] != B * H * W * C) { napi_throw_range_error(env, NULL, "latent_blas.upsample2Grad: inconsistent sizes"); return NULL; }
  const float *dy = a[0];
  float *dx = a[1];
#pragma omp parallel for schedule(static)
  for (size_t r = 0; r < B * H; r++) {
    const size_t b = r / H, i = r % H;
    const float *p = dy + (b * 2 * H + 2 * i) * 2 * W * C, *q = p + 2 * W * C;
    float *o = dx + r * W * C;
    for (size_t j = 0; j < W; j++) {
#pragma omp simd
      for (size_t c = 0; c < C; c++) o[j * C + c] = (p[2 * j * C + c] + p[(2 * j + 1) * C + c]) + (q[2 * j * C + c] + q[(2 * j + 1) * C + c]);
    }
  }
  return NULL;
}

// Reads k Float32Arrays from a JavaScript array into ptrs/lens (k ≤ 64).
static bool float_arrays(napi_env env, napi_value array, float **ptrs, size_t *lens, uint32_t *k) {
  if (napi_get_array_length(env, array, k) != napi_ok || *k > 64) { napi_throw_error(env, NULL, "latent_blas: expected an array of at most 64 Float32Arrays"); return false; }
  for (uint32_t i = 0; i < *k; i++) {
    napi_value item;
    if (napi_get_element(env, array, i, &item) != napi_ok) { napi_throw_error(env, NULL, "latent_blas: cannot read an array element"); return false; }
    ptrs[i] = typed_f32(env, item, &lens[i]);
    if (!ptrs[i] && lens[i]) return false;
  }
  return true;
}

// concatLast(rows, parts [Float32Array…], out) / splitLast(rows, x, parts): part k is [rows, w_k] and the
// whole [rows, Σ w_k], w_k = length_k / rows; concat copies the parts in, split copies them out.
static napi_value concat_or_split(napi_env env, napi_callback_info info, bool concat) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t rows;
  if (argc != 3 || napi_get_value_int32(env, argv[0], &rows) != napi_ok || rows <= 0) { napi_throw_error(env, NULL, "latent_blas.concatLast/splitLast: expected (rows, …)"); return NULL; }
  float *parts[64];
  size_t lens[64], lwhole;
  uint32_t k;
  if (!float_arrays(env, argv[concat ? 1 : 2], parts, lens, &k)) return NULL;
  float *whole = typed_f32(env, argv[concat ? 2 : 1], &lwhole);
  if (!whole && lwhole) return NULL;
  size_t widths[64], total = 0;
  for (uint32_t i = 0; i < k; i++) {
    if (lens[i] % rows) { napi_throw_range_error(env, NULL, "latent_blas.concatLast/splitLast: a part is not [rows, w]"); return NULL; }
    widths[i] = lens[i] / rows;
    total += widths[i];
  }
  if (total * rows != lwhole) { napi_throw_range_error(env, NULL, "latent_blas.concatLast/splitLast: inconsistent sizes"); return NULL; }
#pragma omp parallel for schedule(static)
  for (size_t r = 0; r < (size_t)rows; r++) {
    size_t off = r * total;
    for (uint32_t i = 0; i < k; i++) {
      if (concat) memcpy(whole + off, parts[i] + r * widths[i], widths[i] * sizeof(float));
      else memcpy(parts[i] + r * widths[i], whole + off, widths[i] * sizeof(float));
      off += widths[i];
    }
  }
  return NULL;
}

napi_value latent_concat_last(napi_env env, napi_callback_info info) { return concat_or_split(env, info, true); }
napi_value latent_split_last(napi_env env, napi_callback_info info) { return concat_or_split(env, info, false); }
