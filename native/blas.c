// vadapter's optional native matrix product for the wasm backend: OpenBLAS's sgemm on float32
// matrices that live on the WebAssembly heap, reached through a Float32Array over that heap, so no
// operand is copied in or out. src/backend/wasm/blas.ts loads it; scripts/build-native.mjs builds it.
//
//   gemm(heap, batch, aOffset, aStride, bOffset, bStride, cOffset, m, n, k, transposeA, transposeB)
//     for i < batch: C_i[m, n] = op(A_i) @ op(B_i), where A_i starts at element aOffset + i * aStride
//     of heap (stride 0 broadcasts one matrix), is stored [m, k] ([k, m] when transposed), and
//     likewise B_i ([k, n], or [n, k]); C_i starts at cOffset + i * m * n. Every range is checked
//     against the heap first: a bad call throws a RangeError instead of writing outside it.
//   setThreads(n): OpenBLAS's thread count.
//   config(): OpenBLAS's build and the kernel it picked for this CPU, e.g. "OpenBLAS 0.3.21 ... (Zen)".
#include <node_api.h>
#include <cblas.h>
#include <stdbool.h>
#include <stdint.h>
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

static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 12) {
    napi_throw_type_error(env, NULL, "gemm: expected 12 arguments");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  CHECK(napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL));
  if (type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "gemm: the heap must be a Float32Array");
    return NULL;
  }
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
  int64_t total = (int64_t)length;
  if (!fits(aOffset, aStride, batch, m * k, total) || !fits(bOffset, bStride, batch, k * n, total) ||
      !fits(cOffset, m * n, batch, m * n, total)) {
    napi_throw_range_error(env, NULL, "gemm: an operand lies outside the heap");
    return NULL;
  }
  float *heap = (float *)data;
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, 1.0f, heap + aOffset + i * aStride, (int)(transposeA ? m : k),
                heap + bOffset + i * bStride, (int)(transposeB ? k : n), 0.0f, heap + cOffset + i * m * n, (int)n);
  }
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
  const struct { const char *name; napi_callback fn; } exported[] = {{"gemm", gemm}, {"setThreads", setThreads}, {"config", config}};
  for (size_t i = 0; i < sizeof exported / sizeof exported[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, exported[i].name, NAPI_AUTO_LENGTH, exported[i].fn, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, exported[i].name, fn) != napi_ok) return NULL;
  }
  return exports;
}
