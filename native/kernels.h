// The addon's functions, one file each; addon.c registers them.
#ifndef LATENT_KERNELS_H
#define LATENT_KERNELS_H
#include <node_api.h>

// below this many elements an OpenMP loop runs on the calling thread only (~10 µs of work): one threshold for
// every threaded kernel
#define PARALLEL_MIN 32768

// Hot loops are compiled for AVX-512, AVX2 and plain x86-64, chosen when the addon loads (GCC's ifunc):
// the addon runs on the machine that built it and on older ones alike.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LATENT_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LATENT_VECTOR_CLONES
#endif
napi_value latent_gemm(napi_env env, napi_callback_info info);
napi_value latent_adam(napi_env env, napi_callback_info info);
napi_value latent_bernoulli_forward(napi_env env, napi_callback_info info);
napi_value latent_bernoulli_backward(napi_env env, napi_callback_info info);
napi_value latent_reparameterize_forward(napi_env env, napi_callback_info info);
napi_value latent_reparameterize_backward(napi_env env, napi_callback_info info);
napi_value latent_sum_leading(napi_env env, napi_callback_info info);
napi_value latent_set_threads(napi_env env, napi_callback_info info);
napi_value latent_blas_info(napi_env env, napi_callback_info info);
// conv.c: only when built with oneDNN (LATENT_HAVE_DNNL); the thread setting and library name exist either way
napi_value latent_conv_forward(napi_env env, napi_callback_info info);
napi_value latent_conv_backward_data(napi_env env, napi_callback_info info);
napi_value latent_conv_backward_weights(napi_env env, napi_callback_info info);
void latent_conv_set_threads(int n);
int latent_conv_built(void);  // primitives built since load (cached per kind, shape and thread count)
// group-norm.c
napi_value latent_group_norm_forward(napi_env env, napi_callback_info info);
napi_value latent_group_norm_backward(napi_env env, napi_callback_info info);
napi_value latent_silu_forward(napi_env env, napi_callback_info info);
napi_value latent_silu_backward(napi_env env, napi_callback_info info);
// resample.c
napi_value latent_avg_pool2(napi_env env, napi_callback_info info);
napi_value latent_avg_pool2_grad(napi_env env, napi_callback_info info);
napi_value latent_upsample2(napi_env env, napi_callback_info info);
napi_value latent_upsample2_grad(napi_env env, napi_callback_info info);
napi_value latent_concat_last(napi_env env, napi_callback_info info);
napi_value latent_split_last(napi_env env, napi_callback_info info);
// elementwise.c
napi_value latent_binary(napi_env env, napi_callback_info info);
napi_value latent_unary(napi_env env, napi_callback_info info);
napi_value latent_tile_leading(napi_env env, napi_callback_info info);
napi_value latent_leaky_relu_grad(napi_env env, napi_callback_info info);
napi_value latent_sum_trailing(napi_env env, napi_callback_info info);
// affine-coupling.c
napi_value latent_affine_coupling_forward(napi_env env, napi_callback_info info);
napi_value latent_affine_coupling_backward(napi_env env, napi_callback_info info);
const char *latent_conv_library(void);
#endif
