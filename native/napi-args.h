// Argument helpers shared by the addon's functions: typed arrays are read without copying.
#ifndef LATENT_NAPI_ARGS_H
#define LATENT_NAPI_ARGS_H
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "latent_blas: N-API call failed: " #call); return NULL; } } while (0)

// A typed array's data (NULL with a pending TypeError when v is not of that type; NULL and length 0 when empty).
static inline void *typed(napi_env env, napi_value v, napi_typedarray_type want, const char *what, size_t *length) {
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != want) {
    napi_throw_type_error(env, NULL, what);
    *length = 1;  // so that `!p && length` reports the error
    return NULL;
  }
  return data;
}

static inline float *typed_f32(napi_env env, napi_value v, size_t *length) {
  return (float *)typed(env, v, napi_float32_array, "latent_blas: expected a Float32Array", length);
}

static inline const int32_t *typed_i32(napi_env env, napi_value v, size_t *length) {
  return (const int32_t *)typed(env, v, napi_int32_array, "latent_blas: expected an Int32Array", length);
}

#define MAX_ARGS 12

// Reads n_ints int32 arguments, then n_arrays Float32Arrays (data and lengths). False, with a JavaScript
// error pending that shows `usage`, when the call does not have exactly that shape.
static inline bool read_args(napi_env env, napi_callback_info info, const char *usage, int n_ints, int32_t *ints, int n_arrays, float **arrays, size_t *lengths) {
  size_t argc = MAX_ARGS;
  napi_value argv[MAX_ARGS];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != (size_t)(n_ints + n_arrays)) {
    napi_throw_error(env, NULL, usage);
    return false;
  }
  for (int i = 0; i < n_ints; i++) {
    if (napi_get_value_int32(env, argv[i], &ints[i]) != napi_ok || ints[i] < 0) { napi_throw_error(env, NULL, usage); return false; }
  }
  for (int i = 0; i < n_arrays; i++) {
    arrays[i] = typed_f32(env, argv[n_ints + i], &lengths[i]);
    if (!arrays[i] && lengths[i]) return false;
  }
  return true;
}

static inline bool is_null(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

#endif
