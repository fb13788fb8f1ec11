// Argument helpers shared by the addon's functions: typed arrays are read without copying.
#ifndef LATENT_NAPI_ARGS_H
#define LATENT_NAPI_ARGS_H
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "latent_blas: N-API call failed: " #call); return NULL; } } while (0)

// Float32Array data (NULL with a pending TypeError when v is not one; NULL and length 0 when empty).
static inline float *typed_f32(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "latent_blas: expected a Float32Array");
    *length = 1;  // so that `!p && length` reports the error
    return NULL;
  }
  return (float *)data;
}

static inline const int32_t *typed_i32(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "latent_blas: expected an Int32Array");
    *length = 1;
    return NULL;
  }
  return (const int32_t *)data;
}

static inline bool is_null(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

#endif
