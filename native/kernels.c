// vadapter's optional native kernels for the wasm backend, on float32 tensors that live on the
// WebAssembly heap, reached through a Float32Array over that heap, so no operand is copied in or
// out: the matrix product (OpenBLAS's sgemm), one parameter's AdamW update, and GELU and layer norm
// with their gradients.
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
//   gelu(heap, size, x, y) and geluGrad(heap, size, x, dy, dx): GELU's tanh form and its gradient.
//   layerNorm(heap, rows, width, x, gain, bias, y, mean, rstd, eps) and
//   layerNormGrad(heap, rows, width, x, gain, mean, rstd, dy, dx, dgain, dbias): layer norm over the
//   last axis and its gradient.
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

// A kernel's arguments after the heap: `ints` integers (sizes, then operand offsets), then `doubles`
// numbers. Returns the heap's floats (its length in *length), or NULL with an error thrown.
static float *kernelArgs(napi_env env, napi_callback_info info, const char *name, int ints, int doubles, int64_t *intValues,
                         double *doubleValues, int64_t *length) {
  char message[128];
  size_t expected = 1 + ints + doubles, argc = 24;
  napi_value argv[24];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != expected) {
    snprintf(message, sizeof message, "%s: expected %zu arguments", name, expected);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  float *heap = floatHeap(env, argv[0]);
  if (!heap) return NULL;
  int ok = 1;
  for (int i = 0; i < ints; i++) ok = ok && napi_get_value_int64(env, argv[1 + i], &intValues[i]) == napi_ok;
  for (int i = 0; i < doubles; i++) ok = ok && napi_get_value_double(env, argv[1 + ints + i], &doubleValues[i]) == napi_ok;
  if (!ok) {
    snprintf(message, sizeof message, "%s: sizes, offsets and settings must be numbers", name);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  *length = heapLength(env, argv[0]);
  return heap;
}

// Whether `n` operands (offsets and sizes; the last `outputs` are outputs) lie in the heap with no
// output overlapping another operand; else false with a RangeError thrown.
static int operandsFit(napi_env env, const char *name, int64_t length, const int64_t *offsets, const int64_t *sizes, int n, int outputs) {
  const char *problem = NULL;
  for (int i = 0; i < n && !problem; i++) {
    if (sizes[i] < 1) problem = "sizes must be positive";
    else if (!fits(offsets[i], 0, 1, sizes[i], length)) problem = "an operand lies outside the heap";
    for (int j = 0; j < n && !problem; j++) {
      if (i >= n - outputs && j != i && offsets[i] < offsets[j] + sizes[j] && offsets[j] < offsets[i] + sizes[i]) problem = "an output overlaps another operand";
    }
  }
  if (!problem) return 1;
  char message[128];
  snprintf(message, sizeof message, "%s: %s", name, problem);
  napi_throw_range_error(env, NULL, message);
  return 0;
}

// An elementwise kernel's arguments: (heap, size, `operands` offsets, the last `outputs` outputs,
// then `doubles` numbers). Fills `at` with pointers into the heap; returns the size, or 0 with an
// error thrown.
static int64_t elementwiseArgs(napi_env env, napi_callback_info info, const char *name, int operands, int outputs, int doubles,
                               float **at, double *values) {
  int64_t ints[16], sizes[16], length;
  float *heap = kernelArgs(env, info, name, 1 + operands, doubles, ints, values, &length);
  if (!heap) return 0;
  for (int i = 0; i < operands; i++) sizes[i] = ints[0];
  if (!operandsFit(env, name, length, ints + 1, sizes, operands, outputs)) return 0;
  for (int i = 0; i < operands; i++) at[i] = heap + ints[1 + i];
  return ints[0];
}

static napi_value adamw(napi_env env, napi_callback_info info) {
  float *at[7];
  double v[7]; // lr, beta1, beta2, epsilon, weight decay, correction1, correction2
  int64_t size = elementwiseArgs(env, info, "adamw", 7, 3, 7, at, v);
  if (size == 0) return NULL;
  const float s[9] = {(float)v[0], (float)v[1], (float)(1.0 - v[1]), (float)v[2], (float)(1.0 - v[2]), (float)v[3], (float)v[4], (float)v[5], (float)v[6]};
  adamwUpdate(size, at[0], at[1], at[2], at[3], at[4], at[5], at[6], s);
  return NULL;
}

// GELU's tanh form: y = x/2 (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3), and its derivative
// dy/dx = (1 + t)/2 + x/2 (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(u); float32 throughout.
static const float GELU_K = 0.7978845608028654f, GELU_C = 0.044715f;

// tanh(u) as 1 - 2 / (e^2u + 1): about 4x faster here than glibc's tanhf, and exact to about 1e-7
// absolute, which is what GELU's 1 + tanh needs (+-1 at the tails, where e^2u under- or overflows).
static inline float tanhViaExp(float u) { return 1.0f - 2.0f / (expf(2.0f * u) + 1.0f); }

static napi_value gelu(napi_env env, napi_callback_info info) {
  float *at[2];
  int64_t size = elementwiseArgs(env, info, "gelu", 2, 1, 0, at, NULL);
  if (size == 0) return NULL;
  const float *restrict x = at[0];
  float *restrict y = at[1];
  for (int64_t i = 0; i < size; i++) y[i] = 0.5f * x[i] * (1.0f + tanhViaExp(GELU_K * (x[i] + GELU_C * x[i] * x[i] * x[i])));
  return NULL;
}

static napi_value geluGrad(napi_env env, napi_callback_info info) {
  float *at[3];
  int64_t size = elementwiseArgs(env, info, "geluGrad", 3, 1, 0, at, NULL);
  if (size == 0) return NULL;
  const float *restrict x = at[0], *restrict dy = at[1];
  float *restrict dx = at[2];
  for (int64_t i = 0; i < size; i++) {
    const float xi = x[i], t = tanhViaExp(GELU_K * (xi + GELU_C * xi * xi * xi));
    dx[i] = dy[i] * (0.5f * (1.0f + t) + 0.5f * xi * (1.0f - t * t) * GELU_K * (1.0f + 3.0f * GELU_C * xi * xi));
  }
  return NULL;
}

// Layer norm over the last axis of x [rows, width]: y = (x - mean) rstd gain + bias with the
// population variance, rstd = 1 / sqrt(variance + eps); row sums in double. Also writes each row's
// mean and rstd, which the gradient takes.
static napi_value layerNorm(napi_env env, napi_callback_info info) {
  int64_t v[8], length; // rows, width, then offsets: x, gain, bias, y, mean, rstd
  double eps;
  float *heap = kernelArgs(env, info, "layerNorm", 8, 1, v, &eps, &length);
  if (!heap) return NULL;
  const int64_t rows = v[0], width = v[1], sizes[6] = {rows * width, width, width, rows * width, rows, rows};
  if (!operandsFit(env, "layerNorm", length, v + 2, sizes, 6, 3)) return NULL;
  const float *x = heap + v[2], *gain = heap + v[3], *bias = heap + v[4];
  float *y = heap + v[5], *mean = heap + v[6], *rstd = heap + v[7];
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * width;
    double sum = 0, squares = 0;
    for (int64_t j = 0; j < width; j++) sum += xr[j];
    const float mu = (float)(sum / width);
    for (int64_t j = 0; j < width; j++) squares += (double)(xr[j] - mu) * (xr[j] - mu);
    const float rs = (float)(1.0 / sqrt(squares / width + eps));
    mean[r] = mu;
    rstd[r] = rs;
    for (int64_t j = 0; j < width; j++) y[r * width + j] = (xr[j] - mu) * rs * gain[j] + bias[j];
  }
  return NULL;
}

// The gradient of layerNorm: with xhat = (x - mean) rstd and g = dy gain,
//   dx = rstd (g - mean(g) - xhat mean(g xhat)),  dgain = sum over rows of dy xhat,  dbias = sum of dy.
static napi_value layerNormGrad(napi_env env, napi_callback_info info) {
  int64_t v[10], length; // rows, width, then offsets: x, gain, mean, rstd, dy, dx, dgain, dbias
  float *heap = kernelArgs(env, info, "layerNormGrad", 10, 0, v, NULL, &length);
  if (!heap) return NULL;
  const int64_t rows = v[0], width = v[1], sizes[8] = {rows * width, width, rows, rows, rows * width, rows * width, width, width};
  if (!operandsFit(env, "layerNormGrad", length, v + 2, sizes, 8, 3)) return NULL;
  const float *x = heap + v[2], *gain = heap + v[3], *mean = heap + v[4], *rstd = heap + v[5], *dy = heap + v[6];
  float *dx = heap + v[7], *dgain = heap + v[8], *dbias = heap + v[9];
  for (int64_t j = 0; j < width; j++) dgain[j] = dbias[j] = 0;
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * width, *dyr = dy + r * width, mu = mean[r], rs = rstd[r];
    double sumG = 0, sumGX = 0;
    for (int64_t j = 0; j < width; j++) {
      const float xhat = (xr[j] - mu) * rs, g = dyr[j] * gain[j];
      sumG += g;
      sumGX += (double)g * xhat;
      dgain[j] += dyr[j] * xhat;
      dbias[j] += dyr[j];
    }
    const float meanG = (float)(sumG / width), meanGX = (float)(sumGX / width);
    for (int64_t j = 0; j < width; j++) {
      const float xhat = (xr[j] - mu) * rs;
      dx[r * width + j] = rs * (dyr[j] * gain[j] - meanG - xhat * meanGX);
    }
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
  const struct { const char *name; napi_callback fn; } exported[] = {{"gemm", gemm}, {"adamw", adamw}, {"gelu", gelu}, {"geluGrad", geluGrad}, {"layerNorm", layerNorm}, {"layerNormGrad", layerNormGrad}, {"setThreads", setThreads}, {"config", config}};
  for (size_t i = 0; i < sizeof exported / sizeof exported[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, exported[i].name, NAPI_AUTO_LENGTH, exported[i].fn, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, exported[i].name, fn) != napi_ok) return NULL;
  }
  return exports;
}
