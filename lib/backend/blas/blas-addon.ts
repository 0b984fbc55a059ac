/**
 * rxtrain's optional native add-on (native/rxtrain_blas.cc, built by `npm install` against the
 * system's CBLAS when it can be): sgemm, a bias + activation pass, im2col/col2im, max pooling and its
 * gradient, a sum over leading axes and Adam's update, all working in place on the wasm backend's
 * heap. Loaded once per thread; when it is not built, or cannot load, the reason is kept
 * and everything runs on wasm's own kernels.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What native/rxtrain_blas.cc exports. Offsets are in bytes, sizes and strides in floats. */
export interface BlasAddon {
  sgemm(
    heap: ArrayBuffer,
    transposeA: boolean,
    transposeB: boolean,
    m: number,
    n: number,
    k: number,
    aOffset: number,
    bOffset: number,
    cOffset: number,
    batch: number,
    strideA: number,
    strideB: number,
    strideC: number,
  ): void;
  /** x[r, j] = act(x[r, j] + bias[j]) in place; biasOffset −1: no bias. act numbered as tfjs-wasm's FusableActivation. */
  biasActivation(heap: ArrayBuffer, offset: number, rows: number, n: number, biasOffset: number, activation: number, alpha: number): void;
  /**
   * cols[(b, i, j), (a, bb, ch)] = x[b, i·sh + a·dh − top, j·sw + bb·dw − left, ch] (0 outside): the
   * patches of an NHWC convolution as rows, in the order of an HWIO filter's rows.
   */
  im2col(heap: ArrayBuffer, xOffset: number, ...geometryAndCols: ConvGeometryArgs): void;
  /** The adjoint of im2col: dx = 0, then each column value added back where im2col read it. */
  col2im(heap: ArrayBuffer, dxOffset: number, ...geometryAndCols: ConvGeometryArgs): void;
  /**
   * y = the largest value of each window of an NHWC x (cpu's rule: strictly larger than the best so
   * far, from -Infinity; NaN passed over).
   */
  maxPool(heap: ArrayBuffer, xOffset: number, ...geometryAndY: PoolGeometryArgs): void;
  /** dx = 0, then each dy value added at the first maximum of its window in row-major order (cpu's rule). */
  maxPoolGrad(heap: ArrayBuffer, xOffset: number, ...geometryDyDx: [...PoolGeometryArgs, number]): void;
  /** out[j] = Σ_r x[r, j] for x [rows, cols], accumulated in double. */
  sumRows(heap: ArrayBuffer, xOffset: number, rows: number, cols: number, outOffset: number): void;
  /**
   * tfjs-core's Adam update of one float32 variable, in place on value, m and v, every operation
   * rounded to float32 in tfjs's order. The scalars: β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, ε, −lr.
   */
  adam(heap: ArrayBuffer, valueOffset: number, mOffset: number, vOffset: number, gradOffset: number, size: number, ...scalars: AdamScalars): void;
  /** Sets the BLAS's own thread count; false when the library has no setter this add-on knows. */
  setThreads(threads: number): boolean;
  threads(): number;
  /** A line naming the library, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH ... Cooperlake MAX_THREADS=64`. */
  library(): string;
}

/** n, h, w, c, kh, kw, sh, sw, dh, dw, top, left, outH, outW, colsOffset. */
export type ConvGeometryArgs = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

/** n, h, w, c, fh, fw, sh, sw, top, left, outH, outW, then y's (or dy's) offset. */
export type PoolGeometryArgs = [number, number, number, number, number, number, number, number, number, number, number, number, number];

/** β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, ε, −lr, each already rounded to float32. */
export type AdamScalars = [number, number, number, number, number, number, number, number];

export type AddonLoad = { readonly addon: BlasAddon } | { readonly reason: string };

/** Where node-gyp puts it: the package root's build/Release, from lib/ (source) or dist/lib/ (built). */
const candidates = ['../../../build/Release/rxtrain_blas.node', '../../../../build/Release/rxtrain_blas.node'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

let loaded: AddonLoad | undefined;

/** Load the add-on (once); the reason when there is none. */
export function loadBlasAddon(): AddonLoad {
  if (loaded) return loaded;
  const file = candidates.find((f) => existsSync(f));
  if (file === undefined) {
    loaded = { reason: 'the add-on is not built (no build/Release/rxtrain_blas.node: npm install builds it where a C++ compiler and a CBLAS are installed)' };
    return loaded;
  }
  try {
    // A plain copy: the exports object N-API makes is read-only, and tests count calls through it.
    const addon = { ...(createRequire(import.meta.url)(file) as BlasAddon) };
    loaded = { addon };
  } catch (err) {
    loaded = { reason: `the add-on does not load (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
  }
  return loaded;
}
