// latent_memory: the kernel's own addon (kernel/memory-addon.ts), separate from the library's kernels so that
// the kernel and its compiler process load no BLAS: memory the process holds and no longer needs goes back
// to the system.
#include <errno.h>
#include <malloc.h>
#include <node_api.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/**
 * trimMemory(): malloc_trim(0). The native kernels (OpenBLAS, oneDNN, the library's addon) free their work
 * buffers to glibc's malloc, which keeps the pages for the next allocation; a kernel between cells gives them
 * back (kernel/native-heap.ts; measured after lecture notebook 07, 375 → 352 MB). True when any were.
 */
static napi_value trim_memory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, malloc_trim(0) == 1, &result);
  return result;
}

/**
 * releasePages(address, length): madvise(MADV_DONTNEED) over whole pages of [address, address + length) in a
 * private anonymous mapping: the pages leave the resident set, and reading them again would give zeros. For
 * a region the process never reads again (kernel/snapshot-copy.ts). Throws on an unaligned or refused range.
 */
static napi_value release_pages(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  double address = 0, length = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_double(env, argv[0], &address) != napi_ok || napi_get_value_double(env, argv[1], &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "releasePages(address, length): two numbers");
    return NULL;
  }
  const long page = sysconf(_SC_PAGESIZE);
  if (address <= 0 || length <= 0 || (uint64_t)address % page != 0 || (uint64_t)length % page != 0) {
    napi_throw_range_error(env, NULL, "releasePages: address and length must be positive multiples of the page size");
    return NULL;
  }
  if (madvise((void *)(uintptr_t)address, (size_t)length, MADV_DONTNEED) != 0) {
    napi_throw_error(env, NULL, errno == EINVAL ? "releasePages: madvise refused the range (EINVAL)" : "releasePages: madvise failed");
    return NULL;
  }
  napi_value result;
  napi_get_boolean(env, 1, &result);
  return result;
}

int latent_low_memory_notification(void); /* v8-memory.cc */

/**
 * lowMemoryNotification(): V8's collection for low memory in the calling thread's isolate — full collections
 * until nothing more is freed, the young generation shrunk, pooled pages freed. False without an isolate.
 */
static napi_value low_memory_notification(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_get_boolean(env, latent_low_memory_notification() == 1, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"trimMemory", NULL, trim_memory, NULL, NULL, NULL, napi_default, NULL},
    {"releasePages", NULL, release_pages, NULL, NULL, NULL, napi_default, NULL},
    {"lowMemoryNotification", NULL, low_memory_notification, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
