// exp and log in float32 written so that the compiler vectorizes loops that call them (glibc's expf
// and logf are scalar calls). Cephes's range reductions and polynomials: within 2 ulp of the
// float64 result on their ranges (test/backend/bernoulli.test.ts checks the functions built on them).
#ifndef LATENT_FAST_MATH_H
#define LATENT_FAST_MATH_H
#include <stdint.h>
#include <string.h>

static inline float bits_to_float(int32_t i) { float f; memcpy(&f, &i, sizeof f); return f; }
static inline int32_t float_to_bits(float f) { int32_t i; memcpy(&i, &f, sizeof i); return i; }

// e^x for x ≤ 0 (all callers pass −|ℓ|): x = n ln 2 + r, |r| ≤ ½ ln 2, e^x = 2ⁿ · p(r).
// Below −87.33 (e^x under the smallest normal float) the result is 0: subnormals are flushed.
static inline float exp_nonpositive(float x) {
  const float xc = x < -87.0f ? -87.0f : x;
  const float n = __builtin_floorf(xc * 1.44269504088896341f + 0.5f);
  const float r = (xc - n * 0.693359375f) + n * 2.12194440e-4f;
  const float p = ((((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
                   + 1.6666665459e-1f) * r + 5.0000001201e-1f) * r * r + r) + 1.0f;
  const float e = p * bits_to_float(((int32_t)n + 127) << 23);
  return x < -87.33654475f ? 0.0f : e;
}

// log x for normal positive x: x = m · 2ᵉ with m in [√½, √2), log x = log m + e ln 2.
static inline float log_positive(float x) {
  const int32_t i = float_to_bits(x);
  float e = (float)(((i >> 23) & 0xff) - 126);
  float m = bits_to_float((i & 0x007fffff) | 0x3f000000);  // in [½, 1)
  const int small = m < 0.707106781186547524f;
  e = small ? e - 1.0f : e;
  m = small ? (m + m) - 1.0f : m - 1.0f;
  const float z = m * m;
  float y = ((((((((7.0376836292e-2f * m - 1.1514610310e-1f) * m + 1.1676998740e-1f) * m - 1.2420140846e-1f) * m
              + 1.4249322787e-1f) * m - 1.6668057665e-1f) * m + 2.0000714765e-1f) * m - 2.4999993993e-1f) * m
              + 3.3333331174e-1f) * m * z;
  y += -2.12194440e-4f * e;
  y += -0.5f * z;
  return (m + y) + 0.693359375f * e;
}

// log(1 + u) for u in [0, 1], accurate for small u too: log(w)·u/(w − 1) with w = 1 + u (Goldberg's trick).
static inline float log1p_unit(float u) {
  const float w = 1.0f + u;
  const float d = w - 1.0f;
  const float d1 = d == 0.0f ? 1.0f : d;  // both sides are computed: no branch, so loops vectorize
  const float goldberg = log_positive(w) * (u / d1);
  return d == 0.0f ? u : goldberg;
}

// e^x for every float x, vectorizable (libm's expf is a scalar call): x = n ln 2 + r as in exp_nonpositive
// above, 2ⁿ applied in two halves so that n from −150 to 128 stays exact (subnormal results
// rounded once, overflow to +inf); NaN stays NaN.
static inline float exp_any(float x) {
  const float xc = x < -104.0f ? -104.0f : x > 88.7228394f ? 88.7228394f : x;
  const float n = __builtin_floorf(xc * 1.44269504088896341f + 0.5f);
  const float r = (xc - n * 0.693359375f) + n * 2.12194440e-4f;
  const float p = ((((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
                   + 1.6666665459e-1f) * r + 5.0000001201e-1f) * r * r + r) + 1.0f;
  const int32_t ni = (int32_t)n, n1 = ni / 2, n2 = ni - n1;
  const float e = (p * bits_to_float((n1 + 127) << 23)) * bits_to_float((n2 + 127) << 23);
  return x != x ? x : x > 88.7228394f ? __builtin_inff() : e;
}

// tanh x, vectorizable: Cephes's odd polynomial below |x| = 0.625, (1 − e)/(1 + e) with e = e^(−2|x|) ≤ 0.29
// above it (no cancellation), the sign restored; NaN stays NaN.
static inline float tanh_any(float x) {
  const float a = __builtin_fabsf(x), z = x * x;
  const float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z
                       - 3.33332819422e-1f) * z * x + x;
  const float e = exp_nonpositive(-2.0f * (a > 44.0f ? 44.0f : a));
  const float big = __builtin_copysignf((1.0f - e) / (1.0f + e), x);
  return x != x ? x : a < 0.625f ? small : big;
}

#endif
