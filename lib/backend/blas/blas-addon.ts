/**
 * rxtrain's optional native add-on (native/rxtrain_blas.cc, built by `npm install` against the
 * system's CBLAS when it can be): sgemm and a bias + activation pass that work in place on the wasm
 * backend's heap. Loaded once per thread; when it is not built, or cannot load, the reason is kept
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
  /** Sets the BLAS's own thread count; false when the library has no setter this add-on knows. */
  setThreads(threads: number): boolean;
  threads(): number;
  /** A line naming the library, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH ... Cooperlake MAX_THREADS=64`. */
  library(): string;
}

/** n, h, w, c, kh, kw, sh, sw, dh, dw, top, left, outH, outW, colsOffset. */
export type ConvGeometryArgs = [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

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
