// V8's own way to give memory back, for the kernel's compiler process (kernel/compiler-process.ts): a plain
// gc() leaves the young generation at its grown size and keeps freed pages pooled for reuse;
// LowMemoryNotification collects until nothing more is freed, shrinks the young generation and frees the pool.
// The one part of the kernel's addon written against V8's C++ API (the rest is N-API): it is built against the
// Node that runs it (setup), and a build for another Node fails to load, leaving the kernel without it.
#include <v8.h>

extern "C" int latent_low_memory_notification(void) {
  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  if (isolate == nullptr) return 0;
  isolate->LowMemoryNotification();
  return 1;
}
