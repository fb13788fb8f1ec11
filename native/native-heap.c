// The process's C heap after the native kernels have run: OpenBLAS's and oneDNN's work buffers and the
// addon's own are freed to glibc's malloc, which keeps the pages for the next allocation. A kernel left
// between cells gives them back (kernel/native-heap.ts): measured after lecture notebook 07, 375 → 352 MB.
#include <malloc.h>
#include "kernels.h"

/** trimMemory(): malloc_trim(0) — free pages of every arena back to the system; true when any were. */
napi_value latent_trim_memory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, malloc_trim(0) == 1, &result);
  return result;
}
