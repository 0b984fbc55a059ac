// rxtrain's optional BLAS add-on: sgemm, and the plain loops around it (bias + activation, im2col and
// col2im, max pooling and its gradient, a sum over leading axes, Adam's update), that work in place on
// a WebAssembly memory's ArrayBuffer (the tfjs wasm backend's heap), at byte offsets the caller takes
// from the backend's tensor table. Nothing is copied: the wasm tensors are the BLAS operands.
//
// Plain N-API (node_api.h), so the add-on needs no npm dependency and one build serves every Node
// version with N-API 8. Every offset and size is checked against the buffer before BLAS touches it:
// a wrong offset is a JavaScript exception, never a write outside the heap.
#include <node_api.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(RXTRAIN_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

namespace {

// Thread control differs between BLAS libraries; look the known setters up at run time so that the
// same source links against OpenBLAS, BLIS, MKL or a reference CBLAS.
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*get_config_fn)(void);

// The first of `names` (null-terminated) that the loaded libraries define, as a function pointer.
template <typename Fn>
Fn find_first(const char *const *names) {
  for (int i = 0; names[i]; i++)
    if (void *f = dlsym(RTLD_DEFAULT, names[i])) return reinterpret_cast<Fn>(f);
  return nullptr;
}

set_threads_fn find_set_threads() {
  static const char *const names[] = {"openblas_set_num_threads", "bli_thread_set_num_threads", "MKL_Set_Num_Threads", nullptr};
  return find_first<set_threads_fn>(names);
}

get_threads_fn find_get_threads() {
  static const char *const names[] = {"openblas_get_num_threads", "bli_thread_get_num_threads", "MKL_Get_Max_Threads", nullptr};
  return find_first<get_threads_fn>(names);
}

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, "RXTRAIN_BLAS", "rxtrain BLAS: N-API call failed: " #call); \
      return nullptr;                                                 \
    }                                                                 \
  } while (0)

bool fail(napi_env env, const char *message) {
  napi_throw_range_error(env, "RXTRAIN_BLAS", message);
  return false;
}

// The buffer argument: an ArrayBuffer (a wasm Memory's buffer), seen as bytes.
bool get_buffer(napi_env env, napi_value v, uint8_t **data, size_t *length) {
  bool is_ab = false;
  if (napi_is_arraybuffer(env, v, &is_ab) != napi_ok || !is_ab) return fail(env, "rxtrain BLAS: the first argument must be an ArrayBuffer (the wasm heap)");
  void *p = nullptr;
  if (napi_get_arraybuffer_info(env, v, &p, length) != napi_ok) return fail(env, "rxtrain BLAS: cannot read the ArrayBuffer");
  if (p == nullptr && *length > 0) return fail(env, "rxtrain BLAS: the ArrayBuffer is detached (the wasm heap grew: take its buffer again)");
  *data = static_cast<uint8_t *>(p);
  return true;
}

bool get_int(napi_env env, napi_value v, int64_t *out, const char *name) {
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d == floor(d)) || d < -1 || d > 9.0e15) {
    char message[160];
    snprintf(message, sizeof message, "rxtrain BLAS: '%s' must be an integer, got something else", name);
    return fail(env, message);
  }
  *out = static_cast<int64_t>(d);
  return true;
}

// Exactly `expected` arguments into argv.
bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv, const char *what) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != expected) {
    char message[120];
    snprintf(message, sizeof message, "rxtrain BLAS: %s takes %zu arguments", what, expected);
    napi_throw_type_error(env, "RXTRAIN_BLAS", message);
    return false;
  }
  return true;
}

// argv[0] is the heap; argv[first + i] the integer names[i], for i < count.
bool get_heap_and_ints(napi_env env, napi_value *argv, int first, int count, const char *const *names, uint8_t **heap, size_t *length, int64_t *v) {
  if (!get_buffer(env, argv[0], heap, length)) return false;
  for (int i = 0; i < count; i++)
    if (!get_int(env, argv[first + i], &v[i], names[i])) return false;
  return true;
}

// A call's arguments: the heap (argv[0]) and its integers v[i] = argv[first + i].
struct Call {
  napi_value argv[17];
  uint8_t *heap;
  size_t length;
  int64_t v[16];
};

// Exactly `argc` arguments (at most 17) into c->argv, the heap and `count` integers named `names`.
bool read_call(napi_env env, napi_callback_info info, size_t argc, const char *what, int first, int count, const char *const *names, Call *c) {
  return get_args(env, info, argc, c->argv, what) && get_heap_and_ints(env, c->argv, first, count, names, &c->heap, &c->length, c->v);
}

// A float32 operand: `count` floats from byte `offset` must lie inside the buffer, 4-byte aligned.
bool in_bounds(napi_env env, size_t length, int64_t offset, int64_t count, const char *name) {
  if (offset < 0 || offset % 4 != 0 || count < 0 || static_cast<uint64_t>(offset) + static_cast<uint64_t>(count) * 4 > length) {
    char message[200];
    snprintf(message, sizeof message, "rxtrain BLAS: operand '%s' (%lld floats at byte %lld) is not inside the heap (%zu bytes) or not aligned",
             name, static_cast<long long>(count), static_cast<long long>(offset), length);
    return fail(env, message);
  }
  return true;
}

// sgemm(heap, transA, transB, m, n, k, aOffset, bOffset, cOffset, batch, strideA, strideB, strideC)
// For each of `batch` problems i: C_i[m,n] = op(A_i)·op(B_i), row-major, where A_i starts strideA
// floats after A_{i-1} (0: the same A for every i), and so on. op(A) is A[m,k], or Aᵀ of A[k,m].
napi_value Sgemm(napi_env env, napi_callback_info info) {
  const char *names[] = {"m", "n", "k", "aOffset", "bOffset", "cOffset", "batch", "strideA", "strideB", "strideC"};
  Call call;
  if (!read_call(env, info, 13, "sgemm", 3, 10, names, &call)) return nullptr;
  napi_value *argv = call.argv;
  uint8_t *heap = call.heap;
  const size_t length = call.length;
  const int64_t *v = call.v;
  bool ta = false, tb = false;
  CHECK(napi_get_value_bool(env, argv[1], &ta));
  CHECK(napi_get_value_bool(env, argv[2], &tb));
  const int64_t m = v[0], n = v[1], k = v[2], batch = v[6], sa = v[7], sb = v[8], sc = v[9];
  if (m < 0 || n < 0 || k < 0 || batch < 0 || sa < 0 || sb < 0 || sc < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    fail(env, "rxtrain BLAS: sizes and strides must be non-negative and fit in 32 bits");
    return nullptr;
  }
  if (batch == 0 || m == 0 || n == 0) return nullptr;
  const int64_t last = batch - 1;
  if (!in_bounds(env, length, v[3], sa * last + m * k, "a") || !in_bounds(env, length, v[4], sb * last + k * n, "b") ||
      !in_bounds(env, length, v[5], sc * last + m * n, "c"))
    return nullptr;
  float *a = reinterpret_cast<float *>(heap + v[3]);
  float *b = reinterpret_cast<float *>(heap + v[4]);
  float *c = reinterpret_cast<float *>(heap + v[5]);
  if (k == 0) {
    for (int64_t i = 0; i < batch; i++) memset(c + i * sc, 0, static_cast<size_t>(m * n) * 4);
    return nullptr;
  }
  const int lda = static_cast<int>(ta ? m : k), ldb = static_cast<int>(tb ? k : n);
  for (int64_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m),
                static_cast<int>(n), static_cast<int>(k), 1.0f, a + i * sa, lda, b + i * sb, ldb, 0.0f, c + i * sc,
                static_cast<int>(n));
  }
  return nullptr;
}

// The activations of tfjs's fused kernels, numbered as tfjs-backend-wasm numbers them
// (FusableActivation); prelu (3) is left to the caller. NaN stays NaN in every one, as on cpu.
enum Activation { kLinear = 0, kRelu = 1, kRelu6 = 2, kLeakyRelu = 4, kSigmoid = 5, kElu = 6 };

// biasActivation(heap, offset, rows, n, biasOffset, activation, alpha): x[r, j] = act(x[r, j] + bias[j])
// in place; biasOffset -1 means no bias.
napi_value BiasActivation(napi_env env, napi_callback_info info) {
  const char *names[] = {"offset", "rows", "n", "biasOffset", "activation"};
  Call call;
  if (!read_call(env, info, 7, "biasActivation", 1, 5, names, &call)) return nullptr;
  uint8_t *heap = call.heap;
  const size_t length = call.length;
  const int64_t *v = call.v;
  double alpha_d = 0;
  CHECK(napi_get_value_double(env, call.argv[6], &alpha_d));
  const int64_t rows = v[1], n = v[2], act = v[4];
  if (rows < 0 || n < 0) {
    fail(env, "rxtrain BLAS: rows and n must be non-negative");
    return nullptr;
  }
  if (act != kLinear && act != kRelu && act != kRelu6 && act != kLeakyRelu && act != kSigmoid && act != kElu) {
    fail(env, "rxtrain BLAS: unknown activation");
    return nullptr;
  }
  if (!in_bounds(env, length, v[0], rows * n, "x")) return nullptr;
  if (v[3] != -1 && !in_bounds(env, length, v[3], n, "bias")) return nullptr;
  float *x = reinterpret_cast<float *>(heap + v[0]);
  const float *bias = v[3] == -1 ? nullptr : reinterpret_cast<const float *>(heap + v[3]);
  const float alpha = static_cast<float>(alpha_d);
  for (int64_t r = 0; r < rows; r++) {
    float *row = x + r * n;
    if (bias)
      for (int64_t j = 0; j < n; j++) row[j] += bias[j];
    switch (act) {
      case kRelu:  // (NaN < 0) is false: NaN stays
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0 ? 0.0f : row[j];
        break;
      case kRelu6:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0 ? 0.0f : (row[j] > 6 ? 6.0f : row[j]);
        break;
      case kLeakyRelu:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0 ? alpha * row[j] : row[j];
        break;
      case kSigmoid:
        for (int64_t j = 0; j < n; j++) row[j] = 1.0f / (1.0f + expf(-row[j]));
        break;
      case kElu:
        for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0 ? expm1f(row[j]) : row[j];
        break;
      default:
        break;
    }
  }
  return nullptr;
}

// The geometry of a 2-D convolution over NHWC data, as im2col and col2im take it.
struct ConvGeometry {
  int64_t n, h, w, c, kh, kw, sh, sw, dh, dw, top, left, out_h, out_w;
};

// Reads (heap, xOffset, n, h, w, c, kh, kw, sh, sw, dh, dw, top, left, outH, outW, colsOffset) and
// checks both operands against the heap.
bool conv_args(napi_env env, napi_callback_info info, uint8_t **heap, ConvGeometry *g, float **x, float **cols) {
  const char *names[] = {"xOffset", "n", "h", "w", "c", "kh", "kw", "sh", "sw", "dh", "dw", "top", "left", "outH", "outW", "colsOffset"};
  Call call;
  if (!read_call(env, info, 17, "im2col/col2im", 1, 16, names, &call)) return false;
  *heap = call.heap;
  const size_t length = call.length;
  const int64_t *v = call.v;
  *g = {v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  for (int i = 1; i < 15; i++)
    if (v[i] < 0 || v[i] > INT32_MAX) return fail(env, "rxtrain BLAS: convolution sizes must be non-negative");
  if (g->sh < 1 || g->sw < 1 || g->dh < 1 || g->dw < 1) return fail(env, "rxtrain BLAS: strides and dilations must be at least 1");
  if (!in_bounds(env, length, v[0], g->n * g->h * g->w * g->c, "x")) return false;
  if (!in_bounds(env, length, v[15], g->n * g->out_h * g->out_w * g->kh * g->kw * g->c, "cols")) return false;
  *x = reinterpret_cast<float *>(*heap + v[0]);
  *cols = reinterpret_cast<float *>(*heap + v[15]);
  return true;
}

// Visits every (column block, image pixel) pair of im2col: for output position (b, i, j) and tap
// (a, bb), `col` points at the block of c values in cols and `pixel` at x's pixel, or is null where the
// tap falls in the padding.
template <typename Visit>
void for_each_tap(const ConvGeometry &g, float *x, float *cols, Visit visit) {
  const int64_t window = g.kh * g.kw * g.c;
  float *row = cols;
  for (int64_t b = 0; b < g.n; b++)
    for (int64_t i = 0; i < g.out_h; i++)
      for (int64_t j = 0; j < g.out_w; j++, row += window) {
        float *col = row;
        for (int64_t a = 0; a < g.kh; a++) {
          const int64_t r = i * g.sh + a * g.dh - g.top;
          for (int64_t bb = 0; bb < g.kw; bb++, col += g.c) {
            const int64_t c = j * g.sw + bb * g.dw - g.left;
            visit(col, r < 0 || r >= g.h || c < 0 || c >= g.w ? nullptr : x + ((b * g.h + r) * g.w + c) * g.c);
          }
        }
      }
}

// im2col(heap, xOffset, n, h, w, c, kh, kw, sh, sw, dh, dw, top, left, outH, outW, colsOffset):
// cols[(b, i, j), (a, bb, ch)] = x[b, i·sh + a·dh − top, j·sw + bb·dw − left, ch], 0 outside.
napi_value Im2col(napi_env env, napi_callback_info info) {
  uint8_t *heap;
  ConvGeometry g;
  float *x, *cols;
  if (!conv_args(env, info, &heap, &g, &x, &cols)) return nullptr;
  const size_t bytes = static_cast<size_t>(g.c) * 4;
  if (g.c == 1) for_each_tap(g, x, cols, [](float *col, const float *pixel) { *col = pixel ? *pixel : 0.0f; });
  else for_each_tap(g, x, cols, [bytes](float *col, const float *pixel) { pixel ? memcpy(col, pixel, bytes) : memset(col, 0, bytes); });
  return nullptr;
}

// col2im(heap, dxOffset, n, h, w, c, kh, kw, sh, sw, dh, dw, top, left, outH, outW, colsOffset):
// the adjoint of im2col: dx = 0, then every column value added back where im2col took it from.
napi_value Col2im(napi_env env, napi_callback_info info) {
  uint8_t *heap;
  ConvGeometry g;
  float *dx, *cols;
  if (!conv_args(env, info, &heap, &g, &dx, &cols)) return nullptr;
  memset(dx, 0, static_cast<size_t>(g.n * g.h * g.w * g.c) * 4);
  const int64_t channels = g.c;
  for_each_tap(g, dx, cols, [channels](float *col, float *pixel) {
    if (pixel)
      for (int64_t ch = 0; ch < channels; ch++) pixel[ch] += col[ch];
  });
  return nullptr;
}

// The geometry of a 2-D max pooling over NHWC data (dilation 1, as tfjs's MaxPool and MaxPoolGrad).
struct PoolGeometry {
  int64_t n, h, w, c, fh, fw, sh, sw, top, left, out_h, out_w;
};

// Reads (heap, xOffset, n, h, w, c, fh, fw, sh, sw, top, left, outH, outW, yOffset[, dxOffset]):
// x is [n, h, w, c], y (the pooled output, or dy) [n, outH, outW, c], dx (when `with_dx`) like x.
bool pool_args(napi_env env, napi_callback_info info, bool with_dx, PoolGeometry *g, float **x, float **y, float **dx) {
  const char *names[] = {"xOffset", "n", "h", "w", "c", "fh", "fw", "sh", "sw", "top", "left", "outH", "outW", "yOffset", "dxOffset"};
  const size_t argc = with_dx ? 16 : 15;
  Call call;
  if (!read_call(env, info, argc, with_dx ? "maxPoolGrad" : "maxPool", 1, static_cast<int>(argc) - 1, names, &call)) return false;
  uint8_t *heap = call.heap;
  const size_t length = call.length;
  const int64_t *v = call.v;
  *g = {v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]};
  for (int i = 1; i < 13; i++)
    if (v[i] < 0 || v[i] > INT32_MAX) return fail(env, "rxtrain BLAS: pooling sizes must be non-negative");
  if (g->sh < 1 || g->sw < 1) return fail(env, "rxtrain BLAS: pooling strides must be at least 1");
  const int64_t in_size = g->n * g->h * g->w * g->c;
  if (!in_bounds(env, length, v[0], in_size, "x") || !in_bounds(env, length, v[13], g->n * g->out_h * g->out_w * g->c, "y")) return false;
  if (with_dx && !in_bounds(env, length, v[14], in_size, "dx")) return false;
  *x = reinterpret_cast<float *>(heap + v[0]);
  *y = reinterpret_cast<float *>(heap + v[13]);
  *dx = with_dx ? reinterpret_cast<float *>(heap + v[14]) : nullptr;
  return true;
}

// Channels are pooled in blocks of this many, kept in local arrays.
const int64_t kBlock = 64;

// Visits every output position (b, i, j) of a pooling with the window's clipped bounds [r0, r1) ×
// [c0, c1) (padding excluded) and the offset of output (b, i, j, 0).
template <typename Visit>
void for_each_window(const PoolGeometry &g, Visit visit) {
  int64_t out = 0;
  for (int64_t b = 0; b < g.n; b++)
    for (int64_t i = 0; i < g.out_h; i++) {
      const int64_t r = i * g.sh - g.top;
      const int64_t r0 = r < 0 ? 0 : r, r1 = r + g.fh > g.h ? g.h : r + g.fh;
      for (int64_t j = 0; j < g.out_w; j++, out += g.c) {
        const int64_t c = j * g.sw - g.left;
        const int64_t c0 = c < 0 ? 0 : c, c1 = c + g.fw > g.w ? g.w : c + g.fw;
        visit(b, r0, r1, c0, c1, out);
      }
    }
}

// maxPool(heap, xOffset, n, h, w, c, fh, fw, sh, sw, top, left, outH, outW, yOffset): y = the largest
// value of each window, as the cpu backend: starting from -Infinity, a value replaces the best only
// when strictly larger, so NaN is passed over and an empty (all-padding) window gives -Infinity.
napi_value MaxPool(napi_env env, napi_callback_info info) {
  PoolGeometry g;
  float *x, *y, *unused;
  if (!pool_args(env, info, false, &g, &x, &y, &unused)) return nullptr;
  const int64_t channels = g.c;
  for_each_window(g, [&](int64_t b, int64_t r0, int64_t r1, int64_t c0, int64_t c1, int64_t out) {
    // Channels innermost and in blocks held in locals, so the compare-and-select loop vectorises.
    for (int64_t d0 = 0; d0 < channels; d0 += kBlock) {
      const int64_t width = channels - d0 < kBlock ? channels - d0 : kBlock;
      float best[kBlock];
      for (int64_t d = 0; d < width; d++) best[d] = -INFINITY;
      for (int64_t r = r0; r < r1; r++) {
        const float *__restrict src = x + ((b * g.h + r) * g.w + c0) * channels + d0;
        for (int64_t col = c0; col < c1; col++, src += channels)
          for (int64_t d = 0; d < width; d++) best[d] = src[d] > best[d] ? src[d] : best[d];
      }
      memcpy(y + out + d0, best, static_cast<size_t>(width) * 4);
    }
  });
  return nullptr;
}

// maxPoolGrad(heap, xOffset, n, h, w, c, fh, fw, sh, sw, top, left, outH, outW, dyOffset, dxOffset):
// dx = 0, then each dy value added at the first maximum of its window in row-major order (strictly
// larger than -Infinity: a window of -Infinity or NaN passes nothing on): the cpu backend's rule.
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  PoolGeometry g;
  float *x, *dy, *dx;
  if (!pool_args(env, info, true, &g, &x, &dy, &dx)) return nullptr;
  memset(dx, 0, static_cast<size_t>(g.n * g.h * g.w * g.c) * 4);
  const int64_t channels = g.c;
  for_each_window(g, [&](int64_t b, int64_t r0, int64_t r1, int64_t c0, int64_t c1, int64_t out) {
    for (int64_t d0 = 0; d0 < channels; d0 += kBlock) {
      const int64_t width = channels - d0 < kBlock ? channels - d0 : kBlock;
      float best[kBlock];
      // Where the maximum is: x's index of channel d0 at that pixel (a wasm heap holds under 2^30
      // floats, so it fits), or -1. No division afterwards: it cost more than the whole pass.
      int32_t where[kBlock];
      for (int64_t d = 0; d < width; d++) best[d] = -INFINITY, where[d] = -1;
      for (int64_t r = r0; r < r1; r++) {
        int32_t pixel = static_cast<int32_t>(((b * g.h + r) * g.w + c0) * channels + d0);
        for (int64_t col = c0; col < c1; col++, pixel += static_cast<int32_t>(channels)) {
          const float *__restrict src = x + pixel;
          for (int64_t d = 0; d < width; d++) {
            // A max and a select by mask, with no branch: a loop the compiler vectorises.
            const float v = src[d], bd = best[d];
            const int32_t larger = -static_cast<int32_t>(v > bd);
            best[d] = v > bd ? v : bd;
            where[d] = (where[d] & ~larger) | (pixel & larger);
          }
        }
      }
      for (int64_t d = 0; d < width; d++)
        if (where[d] >= 0) dx[where[d] + d] += dy[out + d0 + d];
    }
  });
  return nullptr;
}

// sumRows(heap, xOffset, rows, cols, outOffset): out[j] = Σ_r x[r, j], accumulated in double (as the
// cpu backend does), in blocks of columns so that x is read once, row after row.
napi_value SumRows(napi_env env, napi_callback_info info) {
  const char *names[] = {"xOffset", "rows", "cols", "outOffset"};
  Call call;
  if (!read_call(env, info, 5, "sumRows", 1, 4, names, &call)) return nullptr;
  const int64_t *v = call.v;
  const int64_t rows = v[1], cols = v[2];
  if (rows < 0 || cols < 0) {
    fail(env, "rxtrain BLAS: rows and cols must be non-negative");
    return nullptr;
  }
  if (!in_bounds(env, call.length, v[0], rows * cols, "x") || !in_bounds(env, call.length, v[3], cols, "out")) return nullptr;
  const float *x = reinterpret_cast<const float *>(call.heap + v[0]);
  float *out = reinterpret_cast<float *>(call.heap + v[3]);
  const int64_t block = 512;
  double acc[block];
  for (int64_t j0 = 0; j0 < cols; j0 += block) {
    const int64_t width = cols - j0 < block ? cols - j0 : block;
    for (int64_t j = 0; j < width; j++) acc[j] = 0;
    for (int64_t r = 0; r < rows; r++) {
      const float *row = x + r * cols + j0;
      for (int64_t j = 0; j < width; j++) acc[j] += row[j];
    }
    for (int64_t j = 0; j < width; j++) out[j0 + j] = static_cast<float>(acc[j]);
  }
  return nullptr;
}

// adam(heap, valueOffset, mOffset, vOffset, gradOffset, size, beta1, 1-beta1, beta2, 1-beta2,
// 1-accBeta1, 1-accBeta2, epsilon, -lr): tfjs-core's Adam update of one variable, in place, with
// every operation rounded to float32 in tfjs's order, so the result is bit for bit tfjs's own:
//   m = m·β1 + g·(1−β1);  v = v·β2 + (g·g)·(1−β2)
//   value = ((m / (1−β1ᵗ)) / (sqrt(v / (1−β2ᵗ)) + ε))·(−lr) + value
// The scalars come rounded to float32 already (as tfjs makes them scalar tensors).
napi_value Adam(napi_env env, napi_callback_info info) {
  const char *names[] = {"valueOffset", "mOffset", "vOffset", "gradOffset", "size"};
  Call call;
  if (!read_call(env, info, 14, "adam", 1, 5, names, &call)) return nullptr;
  const int64_t *v = call.v;
  const int64_t size = v[4];
  if (size < 0) {
    fail(env, "rxtrain BLAS: size must be non-negative");
    return nullptr;
  }
  if (!in_bounds(env, call.length, v[0], size, "value") || !in_bounds(env, call.length, v[1], size, "m") ||
      !in_bounds(env, call.length, v[2], size, "v") || !in_bounds(env, call.length, v[3], size, "gradient"))
    return nullptr;
  float s[8];
  for (int i = 0; i < 8; i++) {
    double d = 0;
    CHECK(napi_get_value_double(env, call.argv[6 + i], &d));
    s[i] = static_cast<float>(d);
  }
  const float b1 = s[0], c1 = s[1], b2 = s[2], c2 = s[3], bias1 = s[4], bias2 = s[5], eps = s[6], neg_lr = s[7];
  float *value = reinterpret_cast<float *>(call.heap + v[0]);
  float *m = reinterpret_cast<float *>(call.heap + v[1]);
  float *sq = reinterpret_cast<float *>(call.heap + v[2]);
  const float *g = reinterpret_cast<const float *>(call.heap + v[3]);
  for (int64_t i = 0; i < size; i++) {
    // One float32 rounding per operation (binding.gyp passes -ffp-contract=off: no fused multiply-add).
    const float gi = g[i];
    const float mi = m[i] * b1 + gi * c1;
    const float g2 = gi * gi;
    const float vi = sq[i] * b2 + g2 * c2;
    m[i] = mi;
    sq[i] = vi;
    const float mhat = mi / bias1;
    const float vhat = vi / bias2;
    const float denom = sqrtf(vhat) + eps;
    const float step = (mhat / denom) * neg_lr;
    value[i] = step + value[i];
  }
  return nullptr;
}

// setThreads(n): the BLAS's own thread count (where the library has a setter); returns whether set.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t n = 0;
  if (argc != 1 || !get_int(env, argv[0], &n, "threads")) return nullptr;
  if (n < 1 || n > 1024) {
    fail(env, "rxtrain BLAS: threads must be between 1 and 1024");
    return nullptr;
  }
  set_threads_fn set = find_set_threads();
  if (set) set(static_cast<int>(n));
  napi_value result;
  CHECK(napi_get_boolean(env, set != nullptr, &result));
  return result;
}

napi_value Threads(napi_env env, napi_callback_info) {
  get_threads_fn get = find_get_threads();
  napi_value result;
  CHECK(napi_create_int32(env, get ? get() : 1, &result));
  return result;
}

// A line naming the library, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
napi_value Library(napi_env env, napi_callback_info) {
  const char *name = "CBLAS";
  void *f = dlsym(RTLD_DEFAULT, "openblas_get_config");
#if defined(RXTRAIN_ACCELERATE)
  name = "Accelerate";
#endif
  if (f) name = reinterpret_cast<get_config_fn>(f)();
  else if (dlsym(RTLD_DEFAULT, "bli_info_get_version_str")) name = "BLIS";
  else if (dlsym(RTLD_DEFAULT, "MKL_Get_Version_String")) name = "MKL";
  napi_value result;
  CHECK(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &result));
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"biasActivation", nullptr, BiasActivation, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"im2col", nullptr, Im2col, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"col2im", nullptr, Col2im, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"maxPool", nullptr, MaxPool, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sumRows", nullptr, SumRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"library", nullptr, Library, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return nullptr;
  return exports;
}
