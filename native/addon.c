// latent_blas: a small N-API addon behind TensorFlow.js kernels (src/backend/). JavaScript hands over
// Float32Array views over the tensors' own memory (the wasm heap, or tfjs-cpu's arrays): nothing is copied.
#include "kernels.h"

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"gemm", NULL, latent_gemm, NULL, NULL, NULL, napi_default, NULL},
    {"adam", NULL, latent_adam, NULL, NULL, NULL, napi_default, NULL},
    {"bernoulliForward", NULL, latent_bernoulli_forward, NULL, NULL, NULL, napi_default, NULL},
    {"bernoulliBackward", NULL, latent_bernoulli_backward, NULL, NULL, NULL, napi_default, NULL},
    {"reparameterizeForward", NULL, latent_reparameterize_forward, NULL, NULL, NULL, napi_default, NULL},
    {"reparameterizeBackward", NULL, latent_reparameterize_backward, NULL, NULL, NULL, napi_default, NULL},
    {"sumLeading", NULL, latent_sum_leading, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, latent_set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"info", NULL, latent_blas_info, NULL, NULL, NULL, napi_default, NULL},
    {"groupNormForward", NULL, latent_group_norm_forward, NULL, NULL, NULL, napi_default, NULL},
    {"groupNormBackward", NULL, latent_group_norm_backward, NULL, NULL, NULL, napi_default, NULL},
    {"siluForward", NULL, latent_silu_forward, NULL, NULL, NULL, napi_default, NULL},
    {"siluBackward", NULL, latent_silu_backward, NULL, NULL, NULL, napi_default, NULL},
    {"avgPool2", NULL, latent_avg_pool2, NULL, NULL, NULL, napi_default, NULL},
    {"avgPool2Grad", NULL, latent_avg_pool2_grad, NULL, NULL, NULL, napi_default, NULL},
    {"upsample2", NULL, latent_upsample2, NULL, NULL, NULL, napi_default, NULL},
    {"upsample2Grad", NULL, latent_upsample2_grad, NULL, NULL, NULL, napi_default, NULL},
    {"concatLast", NULL, latent_concat_last, NULL, NULL, NULL, napi_default, NULL},
    {"splitLast", NULL, latent_split_last, NULL, NULL, NULL, napi_default, NULL},
    {"binary", NULL, latent_binary, NULL, NULL, NULL, napi_default, NULL},
    {"unary", NULL, latent_unary, NULL, NULL, NULL, napi_default, NULL},
    {"leakyReluGrad", NULL, latent_leaky_relu_grad, NULL, NULL, NULL, napi_default, NULL},
    {"tileLeading", NULL, latent_tile_leading, NULL, NULL, NULL, napi_default, NULL},
    {"sumTrailing", NULL, latent_sum_trailing, NULL, NULL, NULL, napi_default, NULL},
    {"affineCouplingForward", NULL, latent_affine_coupling_forward, NULL, NULL, NULL, napi_default, NULL},
    {"affineCouplingBackward", NULL, latent_affine_coupling_backward, NULL, NULL, NULL, napi_default, NULL},
#ifdef LATENT_HAVE_DNNL
    {"convForward", NULL, latent_conv_forward, NULL, NULL, NULL, napi_default, NULL},
    {"convBackwardData", NULL, latent_conv_backward_data, NULL, NULL, NULL, napi_default, NULL},
    {"convBackwardWeights", NULL, latent_conv_backward_weights, NULL, NULL, NULL, napi_default, NULL},
#endif
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
