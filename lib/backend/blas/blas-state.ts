/**
 * Whether rxtrain's wasm matMul, convolution, pooling and Sum kernels (and the Adam of blas-adam.ts)
 * run on the native add-on, in this thread. The kernels stay the ones registered (lib/backend/kernels/,
 * and blas-kernels.ts for the stock ones taken over: Conv2D, MaxPool, Sum); they ask blas-active.ts
 * on every call, so turning BLAS on or off needs no re-registration, and a benchmark can compare both
 * in one process.
 */
import { loadBlasAddon } from './blas-addon.js';
import { activeBlas, setActiveBlas } from './blas-active.js';
import { installBlasKernels } from './blas-kernels.js';

export { activeBlas };

export interface BlasInfo {
  /** The library, as it names itself (e.g. `OpenBLAS 0.3.21 ... MAX_THREADS=64`). */
  readonly library: string;
  /** The BLAS's own threads for each call. */
  readonly threads: number;
}

export interface BlasChoice {
  /** Use the add-on if it loads. `false` (or `RXTRAIN_BLAS=0`) keeps wasm's own kernels. Default true. */
  readonly enabled?: boolean;
  /**
   * BLAS threads per call. Default 1: trials and `dataParallel` workers already run one per core, and
   * a BLAS that starts its own threads in each of them oversubscribes the cores. Give more (or set
   * `RXTRAIN_BLAS_THREADS`) for a single run that should use every core.
   */
  readonly threads?: number;
}

let why: string | undefined = 'not enabled yet (useBackend(\'wasm\') enables it)';

/**
 * Turn the BLAS path on (when the add-on loads) or off. Returns what runs: the library and threads,
 * or undefined (then {@link blasUnavailable} says why).
 */
export function chooseBlas(choice: BlasChoice = {}): BlasInfo | undefined {
  if (choice.enabled === false) {
    setActiveBlas(undefined);
    why = 'turned off (RXTRAIN_BLAS=0 or enabled: false)';
    return undefined;
  }
  const load = loadBlasAddon();
  if ('reason' in load) {
    setActiveBlas(undefined);
    why = load.reason;
    return undefined;
  }
  const threads = choice.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`BLAS threads must be a positive integer, got ${threads}`);
  load.addon.setThreads(threads);
  // Conv2D, MaxPool and Sum are stock wasm kernels rxtrain leaves alone without BLAS: taken over here.
  installBlasKernels();
  setActiveBlas(load.addon);
  why = undefined;
  return blasInfo();
}

/** What the BLAS path is now, or undefined when wasm's own kernels run. */
export function blasInfo(): BlasInfo | undefined {
  const active = activeBlas();
  return active ? { library: active.library(), threads: active.threads() } : undefined;
}

/** Why the BLAS path is not running (undefined when it is). */
export function blasUnavailable(): string | undefined {
  return why;
}
