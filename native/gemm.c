// A small N-API addon over OpenBLAS's cblas_sgemm, for tfjs's BatchMatMul and _FusedMatMul kernels.
// JavaScript hands over Float32Array views (over the wasm heap, or tfjs-cpu's arrays), so no data is
// copied; this file only loops over the batch and calls sgemm.
#include <node_api.h>
#include <cblas.h>
#include <stdbool.h>
#include <stdint.h>

extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern char *openblas_get_corename(void);
extern char *openblas_get_config(void);

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "latent_blas: N-API call failed: " #call); return NULL; } } while (0)

static float *typed_f32(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "latent_blas: expected a Float32Array");
    return NULL;
  }
  return (float *)data;
}

static const int32_t *typed_i32(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "latent_blas: expected an Int32Array");
    return NULL;
  }
  return (const int32_t *)data;
}

// gemm(transA, transB, M, N, K, A, B, C, offsetsA, offsetsB): for each batch i,
// C[i*M*N ...] = op(A)[offsetsA[i] ...] · op(B)[offsetsB[i] ...], row-major, op = transpose or not.
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 10) { napi_throw_error(env, NULL, "latent_blas.gemm: expected 10 arguments"); return NULL; }
  bool ta, tb;
  int32_t M, N, K;
  CHECK(napi_get_value_bool(env, argv[0], &ta));
  CHECK(napi_get_value_bool(env, argv[1], &tb));
  CHECK(napi_get_value_int32(env, argv[2], &M));
  CHECK(napi_get_value_int32(env, argv[3], &N));
  CHECK(napi_get_value_int32(env, argv[4], &K));
  size_t la, lb, lc, loa, lob;
  float *A = typed_f32(env, argv[5], &la); if (!A && la) return NULL;
  float *B = typed_f32(env, argv[6], &lb); if (!B && lb) return NULL;
  float *C = typed_f32(env, argv[7], &lc); if (!C && lc) return NULL;
  const int32_t *oa = typed_i32(env, argv[8], &loa); if (!oa && loa) return NULL;
  const int32_t *ob = typed_i32(env, argv[9], &lob); if (!ob && lob) return NULL;
  if (M < 0 || N < 0 || K < 0 || loa != lob || lc < loa * (size_t)M * (size_t)N) {
    napi_throw_range_error(env, NULL, "latent_blas.gemm: inconsistent sizes");
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
    if (K == 0) { for (size_t j = 0; j < (size_t)M * N; j++) c[j] = 0.f; continue; }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f,
                A + oa[i], ta ? M : K, B + ob[i], tb ? K : N, 0.0f, c, N);
  }
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &n));
  if (n < 1) { napi_throw_range_error(env, NULL, "latent_blas.setThreads: n must be at least 1"); return NULL; }
  openblas_set_num_threads(n);
  return NULL;
}

static napi_value blas_info(napi_env env, napi_callback_info info) {
  napi_value obj, core, config, threads;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_string_utf8(env, openblas_get_corename(), NAPI_AUTO_LENGTH, &core));
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &config));
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &threads));
  CHECK(napi_set_named_property(env, obj, "core", core));
  CHECK(napi_set_named_property(env, obj, "config", config));
  CHECK(napi_set_named_property(env, obj, "threads", threads));
  return obj;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"info", NULL, blas_info, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, 3, props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
