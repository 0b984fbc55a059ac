/**
 * Small tools shared by rxtrain's wasm kernels. A kernel runs inside the engine, below the level of
 * tensors: it works on `TensorInfo`s, calls the wasm backend's own kernels directly (so the work runs
 * in XNNPACK/C++, not in JavaScript), and must free every intermediate it makes. The rule here: each
 * helper returns a `TensorInfo` the caller owns (one reference), except `view`, which borrows.
 *
 * These rely on engine internals of @tensorflow/tfjs-backend-wasm 4.22.0 (`dataIdMap`, `makeOutput`,
 * `typedArrayFromHeap`); the version is pinned and the gradient-check suite guards them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The backend a wasm kernel receives; tfjs types it as `{}`. */
export function asWasm(backend: unknown): BackendWasm {
  const b = backend as Partial<BackendWasm> | null;
  if (b === null || typeof b !== 'object' || b.dataIdMap === undefined || typeof b.makeOutput !== 'function') {
    throw new Error('rxtrain wasm kernel: called with a backend that is not the wasm backend');
  }
  return b as BackendWasm;
}

/** Where a tensor's data starts in the wasm heap, in bytes (what the native BLAS add-on is given). */
export function heapOffset(backend: BackendWasm, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/**
 * The wasm heap's ArrayBuffer. Read it after the last allocation of the kernel (`makeOutput`): an
 * allocation may grow the memory and replace the buffer.
 */
export function heapBuffer(backend: BackendWasm, t: tf.TensorInfo): ArrayBuffer {
  return backend.typedArrayFromHeap(t).buffer as ArrayBuffer;
}

const stockKernels = new Map<string, tf.KernelConfig>();

/** Keep a stock wasm kernel that rxtrain replaces, so the replacement can still call it. */
export function rememberStock(config: tf.KernelConfig): void {
  if (!stockKernels.has(config.kernelName)) stockKernels.set(config.kernelName, config);
}

/** The stock wasm kernel that rxtrain replaced, if it did. */
export function stockKernel(name: string): tf.KernelConfig | undefined {
  return stockKernels.get(name);
}

/** All the stock kernels that rxtrain replaced. */
export function stockKernelConfigs(): tf.KernelConfig[] {
  return [...stockKernels.values()];
}

/** For each backend instance, the stock kernels whose setup (binding their C++ entry) has run. */
const setUp = new WeakMap<BackendWasm, Set<string>>();

/**
 * Run the stock wasm kernel `name`, even when rxtrain's replacement is the registered one. The engine
 * runs a kernel's setup only for kernels registered when the backend starts, so a stock kernel that
 * was replaced before that (or a backend started again) is set up here, once per backend.
 */
export function runStock(
  name: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = stockKernels.get(name) ?? tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`rxtrain wasm kernel: the wasm backend has no '${name}' kernel`);
  return runConfig(config, backend, inputs, attrs);
}

/** Run a (stock) kernel config that may not be the registered one, setting it up once per backend. */
export function runConfig(
  config: tf.KernelConfig,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const name = config.kernelName;
  let done = setUp.get(backend);
  if (done === undefined) setUp.set(backend, (done = new Set()));
  if (!done.has(name)) {
    config.setupFunc?.(backend);
    done.add(name);
  }
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`rxtrain wasm kernel: '${name}' returned several outputs`);
  return out;
}

/** Run one of the wasm backend's own kernels; the result is a new tensor the caller owns. */
export function runWasm(
  name: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`rxtrain wasm kernel: the wasm backend has no '${name}' kernel`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`rxtrain wasm kernel: '${name}' returned several outputs`);
  return out;
}

/**
 * The same data seen with another shape of the same size (a free reshape). It borrows: it must not be
 * released, and it is only valid while `t` is.
 */
export function view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  if (tf.util.sizeFromShape(shape) !== tf.util.sizeFromShape(t.shape)) {
    throw new Error(`rxtrain wasm kernel: cannot view shape [${t.shape}] as [${shape}]`);
  }
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/**
 * Hand an owned intermediate out as a kernel's result with another shape: the engine takes over the
 * one reference we hold, so nothing is copied and nothing is freed.
 */
export function giveAs(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return view(t, shape);
}

/** Drop our reference to owned intermediates (freed when no one else holds them). */
export function release(backend: BackendWasm, ...ts: Array<tf.TensorInfo | undefined>): void {
  for (const t of ts) if (t !== undefined) backend.disposeData(t.dataId);
}

export function transpose(backend: BackendWasm, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runWasm('Transpose', backend, { x }, { perm });
}

/** Sum over `axis`, dropping it. */
export function sumAxis(backend: BackendWasm, x: tf.TensorInfo, axis: number): tf.TensorInfo {
  return runWasm('Sum', backend, { x }, { axis: [axis], keepDims: false });
}

/**
 * Copy of the window [top, top + h) × [left, left + w) of an NHWC tensor. Written against the heap
 * because the wasm `Slice` kernel first copies the whole input out of the heap.
 */
export function cropNhwc(
  backend: BackendWasm,
  x: tf.TensorInfo,
  top: number,
  left: number,
  h: number,
  w: number,
): tf.TensorInfo {
  const [n, inH, inW, c] = x.shape as [number, number, number, number];
  const out = backend.makeOutput([n, h, w, c], x.dtype);
  // Views are taken after makeOutput: an allocation may grow (and so replace) the heap buffer.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rowOut = w * c;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let r = top; r < top + h; r++) {
      const start = ((b * inH + r) * inW + left) * c;
      dst.set(src.subarray(start, start + rowOut), o);
      o += rowOut;
    }
  }
  return out;
}

/**
 * The explicit padding for a convolution whose output along one axis must be `outSize`, given the
 * padding in front, the input size, the (dilated) window extent and the stride. What is left at the
 * end may be negative: then the input must first be cropped by that much (`crop` > 0).
 */
export function endPadding(
  inSize: number,
  front: number,
  outSize: number,
  windowExtent: number,
  stride: number,
): { back: number; crop: number } {
  const back = (outSize - 1) * stride + windowExtent - front - inSize;
  return back >= 0 ? { back, crop: 0 } : { back: 0, crop: -back };
}

export function pair(v: number | [number, number] | number[]): [number, number] {
  if (typeof v === 'number') return [v, v];
  const [a, b] = v;
  if (a === undefined) throw new Error('rxtrain wasm kernel: empty strides/dilations');
  return [a, b ?? a];
}
