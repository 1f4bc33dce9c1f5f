// vadapter's optional native kernels for the wasm backend, on float32 tensors that live on the
// WebAssembly heap, reached through a Float32Array over that heap, so no operand is copied in or
// out: the matrix product (OpenBLAS's sgemm) and one parameter's AdamW update.
// src/backend/wasm/native.ts loads it; scripts/build-native.mjs builds it.
//
//   gemm(heap, batch, aOffset, aStride, bOffset, bStride, cOffset, m, n, k, transposeA, transposeB)
//     for i < batch: C_i[m, n] = op(A_i) @ op(B_i), where A_i starts at element aOffset + i * aStride
//     of heap (stride 0 broadcasts one matrix), is stored [m, k] ([k, m] when transposed), and
//     likewise B_i ([k, n], or [n, k]); C_i starts at cOffset + i * m * n. Every range is checked
//     against the heap first: a bad call throws a RangeError instead of writing outside it.
//   adamw(heap, size, p, m, v, g, pOut, mOut, vOut, lr, beta1, beta2, epsilon, weightDecay, correction1, correction2)
//     one AdamW step of `size` elements, the operands' offsets in elements (src/backend/fused-adamw.ts
//     gives the formula); the outputs must not overlap the inputs.
//   setThreads(n): OpenBLAS's thread count.
//   config(): OpenBLAS's build and the kernel it picked for this CPU, e.g. "OpenBLAS 0.3.21 ... (Zen)".
#include <node_api.h>
#include <cblas.h>
#include <stdbool.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "vadapter blas: N-API call failed"); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

static int fits(int64_t offset, int64_t stride, int64_t count, int64_t size, int64_t length) {
  if (offset < 0 || stride < 0 || size < 0) return 0;
  int64_t last = offset + stride * (count - 1) + size;
  return last <= length;
}

// The heap's floats, or NULL with a TypeError thrown when `value` is not a Float32Array.
static float *floatHeap(napi_env env, napi_value value) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "the heap must be a Float32Array");
    return NULL;
  }
  return (float *)data;
}

static int64_t heapLength(napi_env env, napi_value value) {
  size_t length = 0;
  napi_get_typedarray_info(env, value, NULL, &length, NULL, NULL, NULL);
  return (int64_t)length;
}

static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 12) {
    napi_throw_type_error(env, NULL, "gemm: expected 12 arguments");
    return NULL;
  }
  float *heap = floatHeap(env, argv[0]);
  if (!heap) return NULL;
  int64_t total = heapLength(env, argv[0]);
  int64_t v[11];
  for (int i = 0; i < 9; i++) CHECK(napi_get_value_int64(env, argv[i + 1], &v[i]));
  bool transposeA, transposeB;
  CHECK(napi_get_value_bool(env, argv[10], &transposeA));
  CHECK(napi_get_value_bool(env, argv[11], &transposeB));
  int64_t batch = v[0], aOffset = v[1], aStride = v[2], bOffset = v[3], bStride = v[4], cOffset = v[5];
  int64_t m = v[6], n = v[7], k = v[8];
  if (batch < 1 || m < 1 || n < 1 || k < 1 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    napi_throw_range_error(env, NULL, "gemm: batch, m, n and k must be positive 32-bit sizes");
    return NULL;
  }
  if (!fits(aOffset, aStride, batch, m * k, total) || !fits(bOffset, bStride, batch, k * n, total) ||
      !fits(cOffset, m * n, batch, m * n, total)) {
    napi_throw_range_error(env, NULL, "gemm: an operand lies outside the heap");
    return NULL;
  }
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, 1.0f, heap + aOffset + i * aStride, (int)(transposeA ? m : k),
                heap + bOffset + i * bStride, (int)(transposeB ? k : n), 0.0f, heap + cOffset + i * m * n, (int)n);
  }
  return NULL;
}

// The update in float32, each operation rounded as the composed tfjs ops round it; s: lr, beta1,
// 1 - beta1, beta2, 1 - beta2, epsilon, weight decay, correction1, correction2 (each rounded from
// double, as tfjs rounds a JavaScript number it multiplies by).
static void adamwUpdate(int64_t size, const float *restrict p, const float *restrict m, const float *restrict v, const float *restrict g,
                        float *restrict pOut, float *restrict mOut, float *restrict vOut, const float s[9]) {
  const float lr = s[0], beta1 = s[1], keep1 = s[2], beta2 = s[3], keep2 = s[4], epsilon = s[5], weightDecay = s[6];
  const float correction1 = s[7], correction2 = s[8];
  for (int64_t i = 0; i < size; i++) {
    const float gi = g[i];
    const float mi = m[i] * beta1 + gi * keep1;
    const float vi = v[i] * beta2 + (gi * gi) * keep2;
    const float step = (mi / correction1) / (sqrtf(vi / correction2) + epsilon) + p[i] * weightDecay;
    mOut[i] = mi;
    vOut[i] = vi;
    pOut[i] = p[i] - step * lr;
  }
}

static napi_value adamw(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 16) {
    napi_throw_type_error(env, NULL, "adamw: expected 16 arguments");
    return NULL;
  }
  float *heap = floatHeap(env, argv[0]);
  if (!heap) return NULL;
  int64_t length = heapLength(env, argv[0]);
  int64_t at[8];
  for (int i = 0; i < 8; i++) CHECK(napi_get_value_int64(env, argv[i + 1], &at[i]));
  double settings[7];
  for (int i = 0; i < 7; i++) CHECK(napi_get_value_double(env, argv[i + 9], &settings[i]));
  int64_t size = at[0];
  if (size < 1) {
    napi_throw_range_error(env, NULL, "adamw: size must be positive");
    return NULL;
  }
  for (int i = 1; i < 8; i++) {
    if (!fits(at[i], 0, 1, size, length)) {
      napi_throw_range_error(env, NULL, "adamw: an operand lies outside the heap");
      return NULL;
    }
  }
  for (int i = 5; i < 8; i++) {
    for (int j = 1; j < 8; j++) {
      if (j != i && at[i] < at[j] + size && at[j] < at[i] + size) {
        napi_throw_range_error(env, NULL, "adamw: an output overlaps another operand");
        return NULL;
      }
    }
  }
  const double lr = settings[0], beta1 = settings[1], beta2 = settings[2];
  const float s[9] = {(float)lr, (float)beta1, (float)(1.0 - beta1), (float)beta2, (float)(1.0 - beta2),
                      (float)settings[3], (float)settings[4], (float)settings[5], (float)settings[6]};
  adamwUpdate(size, heap + at[1], heap + at[2], heap + at[3], heap + at[4], heap + at[5], heap + at[6], heap + at[7], s);
  return NULL;
}

static napi_value setThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t threads;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || napi_get_value_int32(env, argv[0], &threads) != napi_ok || threads < 1) {
    napi_throw_range_error(env, NULL, "setThreads: expected a positive integer");
    return NULL;
  }
  openblas_set_num_threads(threads);
  return NULL;
}

static napi_value config(napi_env env, napi_callback_info info) {
  char text[512];
  snprintf(text, sizeof text, "%s (%s)", openblas_get_config(), openblas_get_corename());
  napi_value out;
  CHECK(napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out));
  return out;
}

NAPI_MODULE_INIT() {
  const struct { const char *name; napi_callback fn; } exported[] = {{"gemm", gemm}, {"adamw", adamw}, {"setThreads", setThreads}, {"config", config}};
  for (size_t i = 0; i < sizeof exported / sizeof exported[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, exported[i].name, NAPI_AUTO_LENGTH, exported[i].fn, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, exported[i].name, fn) != napi_ok) return NULL;
  }
  return exports;
}
