// conv: tfjs's Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter (NHWC activations, [KH, KW, Cin, Cout]
// filters) on oneDNN's convolution primitives. Measured on this course's shapes (batch 128, 28×28, 32–64
// channels, 3×3) oneDNN's AVX-512 kernels ran 3–7× faster than im2col + OpenBLAS sgemm, but only with the
// filter in oneDNN's own blocked layout (with the plain [KH, KW, Cin, Cout] layout it picks a gemm path as
// slow as im2col): so the filter, which is small, is reordered on every call; activations stay NHWC and are
// read and written in place. Built only when oneDNN is installed (binding.gyp defines LATENT_HAVE_DNNL);
// the functions return false for a shape oneDNN declines, and the caller then uses the stock kernel.
#include "kernels.h"
#include "napi-args.h"

#ifdef LATENT_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

// params: B, H, W, Cin, OH, OW, Cout, KH, KW, strideH, strideW, dilationH, dilationW, padTop, padLeft,
// padBottom, padRight (tfjs's dilations: 1 = none; bottom/right as oneDNN wants them: (OH−1)·s + effK − H − top)
enum { P_B, P_H, P_W, P_CI, P_OH, P_OW, P_CO, P_KH, P_KW, P_SH, P_SW, P_DH, P_DW, P_PT, P_PL, P_PB, P_PR, N_PARAMS };
enum { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS };

typedef struct {
  int kind, has_bias, relu;
  int threads;  // oneDNN fixes a primitive's work split when it is created: one built for 1 thread stays on 1
  int32_t p[N_PARAMS];
  dnnl_primitive_t prim;
  dnnl_primitive_t reorder;   // user filter → blocked (forward, backward data); blocked → user (backward weights)
  dnnl_memory_t act_a, act_b;  // the two NHWC operands (handles set per call)
  dnnl_memory_t user_w, blocked_w, bias;
} conv_entry;

#define CACHE_SIZE 64
static conv_entry cache[CACHE_SIZE];
static int cache_used = 0, cache_next = 0;
static dnnl_engine_t engine = NULL;
static dnnl_stream_t stream = NULL;
static int current_threads = 0;  // setThreads's last value (0: OpenMP's default)
static int built_total = 0;      // primitives built since load (cache misses)

static void release(conv_entry *e) {
  if (e->prim) dnnl_primitive_destroy(e->prim);
  if (e->reorder) dnnl_primitive_destroy(e->reorder);
  dnnl_memory_t ms[] = {e->act_a, e->act_b, e->user_w, e->blocked_w, e->bias};
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) if (ms[i]) dnnl_memory_destroy(ms[i]);
  memset(e, 0, sizeof *e);
}

// Builds the primitive for one kind and shape; false (and nothing kept) when oneDNN declines it.
static bool build(conv_entry *e) {
  const int32_t *p = e->p;
  dnnl_memory_desc_t src, dst, wany, wuser, bias;
  dnnl_dims_t sd = {p[P_B], p[P_CI], p[P_H], p[P_W]}, dd = {p[P_B], p[P_CO], p[P_OH], p[P_OW]};
  dnnl_dims_t wd = {p[P_CO], p[P_CI], p[P_KH], p[P_KW]}, bd = {p[P_CO]};
  dnnl_dims_t strides = {p[P_SH], p[P_SW]}, dil = {p[P_DH] - 1, p[P_DW] - 1};
  dnnl_dims_t pl = {p[P_PT], p[P_PL]}, pr = {p[P_PB], p[P_PR]};
  if (dnnl_memory_desc_init_by_tag(&src, 4, sd, dnnl_f32, dnnl_nhwc) || dnnl_memory_desc_init_by_tag(&dst, 4, dd, dnnl_f32, dnnl_nhwc) ||
      dnnl_memory_desc_init_by_tag(&wany, 4, wd, dnnl_f32, dnnl_format_tag_any) || dnnl_memory_desc_init_by_tag(&wuser, 4, wd, dnnl_f32, dnnl_hwio) ||
      dnnl_memory_desc_init_by_tag(&bias, 1, bd, dnnl_f32, dnnl_a)) return false;
  dnnl_convolution_desc_t fwd_d, d;
  dnnl_primitive_desc_t fwd_pd = NULL, pd = NULL;
  dnnl_primitive_attr_t attr = NULL;
  bool ok = false;
  if (dnnl_dilated_convolution_forward_desc_init(&fwd_d, dnnl_forward_training, dnnl_convolution_direct, &src, &wany,
                                                 e->kind == FORWARD && e->has_bias ? &bias : NULL, &dst, strides, dil, pl, pr)) goto done;
  if (e->kind == FORWARD && e->relu) {
    dnnl_post_ops_t ops;
    if (dnnl_post_ops_create(&ops)) goto done;
    dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
    dnnl_primitive_attr_create(&attr);
    dnnl_primitive_attr_set_post_ops(attr, ops);
    dnnl_post_ops_destroy(ops);
  }
  if (dnnl_primitive_desc_create(&fwd_pd, &fwd_d, attr, engine, NULL)) goto done;
  if (e->kind == FORWARD) {
    pd = fwd_pd;
    fwd_pd = NULL;
  } else {
    if (e->kind == BACKWARD_DATA
            ? dnnl_dilated_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &src, &wany, &dst, strides, dil, pl, pr)
            : dnnl_dilated_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &src, &wany, NULL, &dst, strides, dil, pl, pr)) goto done;
    if (dnnl_primitive_desc_create(&pd, &d, NULL, engine, fwd_pd)) goto done;
  }
  const dnnl_memory_desc_t *wblocked = dnnl_primitive_desc_query_md(pd, e->kind == BACKWARD_WEIGHTS ? dnnl_query_diff_weights_md : dnnl_query_weights_md, 0);
  dnnl_primitive_desc_t rpd = NULL;
  if (dnnl_primitive_create(&e->prim, pd) ||
      dnnl_memory_create(&e->act_a, e->kind == BACKWARD_WEIGHTS ? &src : e->kind == FORWARD ? &src : &dst, engine, DNNL_MEMORY_NONE) ||
      dnnl_memory_create(&e->act_b, e->kind == BACKWARD_WEIGHTS ? &dst : e->kind == FORWARD ? &dst : &src, engine, DNNL_MEMORY_NONE) ||
      dnnl_memory_create(&e->user_w, &wuser, engine, DNNL_MEMORY_NONE) ||
      dnnl_memory_create(&e->blocked_w, wblocked, engine, DNNL_MEMORY_ALLOCATE) ||
      (e->has_bias && dnnl_memory_create(&e->bias, &bias, engine, DNNL_MEMORY_NONE))) goto done;
  if (e->kind == BACKWARD_WEIGHTS ? dnnl_reorder_primitive_desc_create(&rpd, wblocked, engine, &wuser, engine, NULL)
                                  : dnnl_reorder_primitive_desc_create(&rpd, &wuser, engine, wblocked, engine, NULL)) goto done;
  ok = dnnl_primitive_create(&e->reorder, rpd) == dnnl_success;
  dnnl_primitive_desc_destroy(rpd);
done:
  if (attr) dnnl_primitive_attr_destroy(attr);
  if (fwd_pd) dnnl_primitive_desc_destroy(fwd_pd);
  if (pd) dnnl_primitive_desc_destroy(pd);
  if (!ok) release(e);
  return ok;
}

static conv_entry *lookup(int kind, const int32_t *p, int has_bias, int relu) {
  for (int i = 0; i < cache_used; i++) {
    conv_entry *e = &cache[i];
    if (e->kind == kind && e->has_bias == has_bias && e->relu == relu && e->threads == current_threads && memcmp(e->p, p, sizeof e->p) == 0) return e;
  }
  conv_entry *e = &cache[cache_next];
  if (cache_used == CACHE_SIZE) release(e); else cache_used++;
  cache_next = (cache_next + 1) % CACHE_SIZE;
  e->kind = kind; e->has_bias = has_bias; e->relu = relu; e->threads = current_threads;
  memcpy(e->p, p, sizeof e->p);
  if (build(e)) built_total++;
  else {
    // an empty slot: undo the bookkeeping so that the failed shape is tried again (and declined) next time
    cache_next = (cache_next + CACHE_SIZE - 1) % CACHE_SIZE;
    if (cache_used < CACHE_SIZE) cache_used--;
    return NULL;
  }
  return e;
}

static bool execute(napi_env env, dnnl_primitive_t prim, int n, const dnnl_exec_arg_t *args) {
  if (dnnl_primitive_execute(prim, stream, n, args) || dnnl_stream_wait(stream)) {
    napi_throw_error(env, NULL, "latent_blas.conv: oneDNN failed to execute a primitive");
    return false;
  }
  return true;
}

// conv(kind, params Int32Array, a, w, b[, bias, relu]) with
//   forward:          a = x [B,H,W,Ci], w = filter, b = y [B,OH,OW,Co] (written), bias [Co] or null, relu
//   backward data:    a = dy [B,OH,OW,Co], w = filter, b = dx [B,H,W,Ci] (written)
//   backward weights: a = x, w = dfilter (written), b = dy
// Returns whether oneDNN ran it (false: it declines this shape; nothing was written).
static napi_value conv(napi_env env, napi_callback_info info, int kind) {
  size_t argc = 6;
  napi_value argv[6], result;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != (kind == FORWARD ? 6u : 4u)) { napi_throw_error(env, NULL, "latent_blas.conv: wrong number of arguments"); return NULL; }
  size_t lp, la, lw, lb, lbias = 0;
  const int32_t *p = typed_i32(env, argv[0], &lp); if (!p && lp) return NULL;
  float *a = typed_f32(env, argv[1], &la); if (!a && la) return NULL;
  float *w = typed_f32(env, argv[2], &lw); if (!w && lw) return NULL;
  float *b = typed_f32(env, argv[3], &lb); if (!b && lb) return NULL;
  float *bias = NULL;
  bool relu = false;
  if (kind == FORWARD) {
    if (!is_null(env, argv[4])) { bias = typed_f32(env, argv[4], &lbias); if (!bias && lbias) return NULL; }
    CHECK(napi_get_value_bool(env, argv[5], &relu));
  }
  if (lp != N_PARAMS) { napi_throw_range_error(env, NULL, "latent_blas.conv: expected 17 parameters"); return NULL; }
  for (int i = 0; i < N_PARAMS; i++) {
    if (p[i] < (i >= P_PT ? -(1 << 20) : 1)) { napi_throw_range_error(env, NULL, "latent_blas.conv: sizes must be positive"); return NULL; }
  }
  const size_t in = (size_t)p[P_B] * p[P_H] * p[P_W] * p[P_CI], out = (size_t)p[P_B] * p[P_OH] * p[P_OW] * p[P_CO];
  const size_t filt = (size_t)p[P_KH] * p[P_KW] * p[P_CI] * p[P_CO];
  const size_t want_a = kind == BACKWARD_DATA ? out : in, want_b = kind == FORWARD ? out : kind == BACKWARD_DATA ? in : out;
  if (la != want_a || lw != filt || lb != want_b || (bias && lbias != (size_t)p[P_CO])) {
    napi_throw_range_error(env, NULL, "latent_blas.conv: inconsistent sizes");
    return NULL;
  }
  if (!engine) {
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) || dnnl_stream_create(&stream, engine, dnnl_stream_default_flags)) {
      napi_throw_error(env, NULL, "latent_blas.conv: could not create oneDNN's CPU engine");
      return NULL;
    }
  }
  conv_entry *e = lookup(kind, p, bias != NULL, relu);
  if (e) {
    dnnl_memory_set_data_handle(e->act_a, a);
    dnnl_memory_set_data_handle(e->act_b, b);
    dnnl_memory_set_data_handle(e->user_w, w);
    if (e->bias) dnnl_memory_set_data_handle(e->bias, bias);
    if (kind == FORWARD) {
      dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, e->user_w}, {DNNL_ARG_TO, e->blocked_w}};
      dnnl_exec_arg_t c[] = {{DNNL_ARG_SRC, e->act_a}, {DNNL_ARG_WEIGHTS, e->blocked_w}, {DNNL_ARG_DST, e->act_b}, {DNNL_ARG_BIAS, e->bias}};
      if (!execute(env, e->reorder, 2, r) || !execute(env, e->prim, e->bias ? 4 : 3, c)) return NULL;
    } else if (kind == BACKWARD_DATA) {
      dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, e->user_w}, {DNNL_ARG_TO, e->blocked_w}};
      dnnl_exec_arg_t c[] = {{DNNL_ARG_DIFF_DST, e->act_a}, {DNNL_ARG_WEIGHTS, e->blocked_w}, {DNNL_ARG_DIFF_SRC, e->act_b}};
      if (!execute(env, e->reorder, 2, r) || !execute(env, e->prim, 3, c)) return NULL;
    } else {
      dnnl_exec_arg_t c[] = {{DNNL_ARG_SRC, e->act_a}, {DNNL_ARG_DIFF_WEIGHTS, e->blocked_w}, {DNNL_ARG_DIFF_DST, e->act_b}};
      dnnl_exec_arg_t r[] = {{DNNL_ARG_FROM, e->blocked_w}, {DNNL_ARG_TO, e->user_w}};
      if (!execute(env, e->prim, 3, c) || !execute(env, e->reorder, 2, r)) return NULL;
    }
  }
  CHECK(napi_get_boolean(env, e != NULL, &result));
  return result;
}

napi_value latent_conv_forward(napi_env env, napi_callback_info info) { return conv(env, info, FORWARD); }
napi_value latent_conv_backward_data(napi_env env, napi_callback_info info) { return conv(env, info, BACKWARD_DATA); }
napi_value latent_conv_backward_weights(napi_env env, napi_callback_info info) { return conv(env, info, BACKWARD_WEIGHTS); }

// Primitives are cached per thread count too: a cached one keeps the split it was built for (measured: a
// RealNVP step's backward-weights primitives built at 1 thread ran on 1 after setThreads(2)).
void latent_conv_set_threads(int n) {
  omp_set_num_threads(n);
  current_threads = n;
}
int latent_conv_built(void) { return built_total; }
const char *latent_conv_library(void) {
  static char text[64];
  const dnnl_version_t *v = dnnl_version();
  snprintf(text, sizeof text, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
  return text;
}
#else
void latent_conv_set_threads(int n) { (void)n; }
int latent_conv_built(void) { return 0; }
const char *latent_conv_library(void) { return ""; }
#endif
