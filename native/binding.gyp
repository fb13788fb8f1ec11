{
  "targets": [
    {
      "target_name": "latent_blas",
      "sources": ["addon.c", "gemm.c", "adam.c", "bernoulli.c", "sum.c", "reparameterize.c"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "libraries": ["-lopenblas", "-lm"],
      "cflags": ["-O3", "-Wall", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd"]
    }
  ]
}
