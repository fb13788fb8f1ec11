{
  "targets": [
    {
      "target_name": "latent_blas",
      "sources": ["gemm.c"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "libraries": ["-lopenblas"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
