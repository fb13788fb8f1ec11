// gemm: tfjs's BatchMatMul and _FusedMatMul over OpenBLAS's cblas_sgemm, with the bias and ReLU of a
// dense layer applied in the same call (one pass over the output instead of two kernel launches).
#include "kernels.h"
#include "napi-args.h"
#include <cblas.h>

extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern char *openblas_get_corename(void);
extern char *openblas_get_config(void);

LATENT_VECTOR_CLONES
static void relu_inplace(float *c, size_t n) {
#pragma omp simd
  for (size_t j = 0; j < n; j++) c[j] = c[j] < 0.f ? 0.f : c[j];  // NaN stays NaN, as in tfjs
}

// gemm(transA, transB, M, N, K, A, B, C, offsetsA, offsetsB, bias, relu): for each batch i,
//   C[i·M·N …] = op(A)[offsetsA[i] …] · op(B)[offsetsB[i] …] (+ bias, broadcast over rows: length N or 1)
// then max(·, 0) when relu; row-major, op = transpose or not.
napi_value latent_gemm(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 12) { napi_throw_error(env, NULL, "latent_blas.gemm: expected 12 arguments"); return NULL; }
  bool ta, tb, relu;
  int32_t M, N, K;
  CHECK(napi_get_value_bool(env, argv[0], &ta));
  CHECK(napi_get_value_bool(env, argv[1], &tb));
  CHECK(napi_get_value_int32(env, argv[2], &M));
  CHECK(napi_get_value_int32(env, argv[3], &N));
  CHECK(napi_get_value_int32(env, argv[4], &K));
  CHECK(napi_get_value_bool(env, argv[11], &relu));
  size_t la, lb, lc, loa, lob, lbias = 0;
  float *A = typed_f32(env, argv[5], &la); if (!A && la) return NULL;
  float *B = typed_f32(env, argv[6], &lb); if (!B && lb) return NULL;
  float *C = typed_f32(env, argv[7], &lc); if (!C && lc) return NULL;
  const int32_t *oa = typed_i32(env, argv[8], &loa); if (!oa && loa) return NULL;
  const int32_t *ob = typed_i32(env, argv[9], &lob); if (!ob && lob) return NULL;
  const float *bias = NULL;
  if (!is_null(env, argv[10])) { bias = typed_f32(env, argv[10], &lbias); if (!bias && lbias) return NULL; }
  if (M < 0 || N < 0 || K < 0 || loa != lob || lc < loa * (size_t)M * (size_t)N) {
    napi_throw_range_error(env, NULL, "latent_blas.gemm: inconsistent sizes");
    return NULL;
  }
  if (bias && lbias != 1 && lbias != (size_t)N) {
    napi_throw_range_error(env, NULL, "latent_blas.gemm: the bias must have 1 or N entries");
    return NULL;
  }
  for (size_t i = 0; i < loa; i++) {
    if (oa[i] < 0 || ob[i] < 0 || (size_t)oa[i] + (size_t)M * K > la || (size_t)ob[i] + (size_t)K * N > lb) {
      napi_throw_range_error(env, NULL, "latent_blas.gemm: an operand offset is out of range");
      return NULL;
    }
  }
  if (M == 0 || N == 0) return NULL;
  for (size_t i = 0; i < loa; i++) {
    float *c = C + i * (size_t)M * N;
    // the bias goes in first and sgemm adds to it (beta = 1): one pass over C fewer
    for (size_t r = 0; r < (size_t)M; r++) {
      float *row = c + r * N;
      if (!bias) for (size_t j = 0; j < (size_t)N; j++) row[j] = 0.f;
      else if (lbias == 1) for (size_t j = 0; j < (size_t)N; j++) row[j] = bias[0];
      else for (size_t j = 0; j < (size_t)N; j++) row[j] = bias[j];
    }
    if (K > 0) {
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f,
                  A + oa[i], ta ? M : K, B + ob[i], tb ? K : N, 1.0f, c, N);
    }
    if (relu) relu_inplace(c, (size_t)M * N);
  }
  return NULL;
}

napi_value latent_set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &n));
  if (n < 1) { napi_throw_range_error(env, NULL, "latent_blas.setThreads: n must be at least 1"); return NULL; }
  openblas_set_num_threads(n);
  latent_conv_set_threads(n);
  return NULL;
}

napi_value latent_blas_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, core, config, threads;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_string_utf8(env, openblas_get_corename(), NAPI_AUTO_LENGTH, &core));
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &config));
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &threads));
  CHECK(napi_set_named_property(env, obj, "core", core));
  CHECK(napi_set_named_property(env, obj, "config", config));
  CHECK(napi_set_named_property(env, obj, "threads", threads));
  napi_value conv;  // "" when built without oneDNN
  CHECK(napi_create_string_utf8(env, latent_conv_library(), NAPI_AUTO_LENGTH, &conv));
  CHECK(napi_set_named_property(env, obj, "conv", conv));
  napi_value built;
  CHECK(napi_create_int32(env, latent_conv_built(), &built));
  CHECK(napi_set_named_property(env, obj, "convBuilt", built));
  return obj;
}
