{
  "variables": {
    # oneDNN (Debian's libdnnl-dev) backs the convolution kernels (conv.c); without it they are left out
    # and tfjs's stock convolutions run.
    "have_dnnl%": "<!(test -f /usr/include/oneapi/dnnl/dnnl.h && echo 1 || echo 0)"
  },
  "targets": [
    {
      # The kernel's own (native/process-memory.c): no BLAS, so that the kernel and its compiler can load it.
      "target_name": "latent_memory",
      "sources": ["process-memory.c", "v8-memory.cc"],
      "cflags": ["-O2", "-Wall"]
    },
    {
      "target_name": "latent_blas",
      "sources": ["addon.c", "gemm.c", "adam.c", "bernoulli.c", "sum.c", "reparameterize.c", "conv.c", "group-norm.c", "resample.c", "elementwise.c", "affine-coupling.c"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "libraries": ["-lopenblas", "-lm"],
      "cflags": ["-O3", "-Wall", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd"],
      "conditions": [
        ["have_dnnl==1", {
          "defines": ["LATENT_HAVE_DNNL"],
          "libraries": ["-ldnnl", "-fopenmp"],
          "cflags": ["-fopenmp"]
        }]
      ]
    }
  ]
}
