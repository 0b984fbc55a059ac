/**
 * Choosing the TensorFlow.js backend in a browser (lib/browser.ts exports this as `useBackend`).
 * `auto` takes the fastest that starts here: WebGPU (where the browser has `navigator.gpu`), WebGL,
 * wasm (XNNPACK; its threaded SIMD build when the page is cross-origin isolated, so one run uses every
 * core), then the pure-JS cpu backend. The WebGL and WebGPU backends are imported only when tried.
 * Node's `useBackend` (lib/backend/use-backend.ts) is unchanged; the first training call without a
 * choice comes here when it does not run in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { RxtrainError, configError } from '../errors.js';
import { knownFields, positiveInt, requireObject } from '../validate.js';
import { registerWasmTrainingKernels, replaceStockWasmKernels } from './register-wasm-kernels.js';

/** What a page can ask for. */
export type BrowserBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** In the order `auto` tries them. */
export const browserBackendNames: readonly BrowserBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface UseBrowserBackendOptions {
  /**
   * Where the wasm backend's `.wasm` files are served: a folder URL ending in `/` (given to tfjs's
   * `setWasmPaths`). Default: beside the script that holds the wasm backend, which is where the build
   * (dist/browser/) puts them.
   */
  readonly wasmPaths?: string;
  /** wasm's threads when the page is cross-origin isolated. Default: every core (`navigator.hardwareConcurrency`). */
  readonly threads?: number;
}

export interface BrowserBackendInfo {
  readonly name: BrowserBackendName;
  /** tfjs's own name for the active backend (`tf.getBackend()`), as `runStart` reports it. */
  readonly tfjsName: string;
  readonly requestedBy: 'argument' | 'auto';
  /** wasm only: the threads XNNPACK runs on (1 unless the page is cross-origin isolated). */
  readonly threads?: number;
  /** Kernels rxtrain registered to make wasm train. */
  readonly addedKernels: readonly string[];
  /** Stock wasm kernels rxtrain replaced (see docs/wasm-backend.md). */
  readonly replacedKernels: readonly string[];
  /** `auto`: why each backend tried before the chosen one did not start. */
  readonly skipped: readonly string[];
}

const packages: Partial<Record<BrowserBackendName, () => Promise<unknown>>> = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
};

let wasmConfigured = false;

/**
 * Select the tfjs backend in a page, for everything that follows.
 *
 * @example
 * ```ts
 * import { useBackend } from 'rxtrain';
 * const info = await useBackend('auto', { wasmPaths: '/wasm/' }); // e.g. { name: 'webgl', ... }
 * ```
 * @param name A backend, or `'auto'` (the default) for the fastest that starts.
 * @param options Where wasm's files are, and its threads.
 * @returns What was chosen.
 */
export async function useBackend(name: BrowserBackendName | 'auto' = 'auto', options: UseBrowserBackendOptions = {}): Promise<BrowserBackendInfo> {
  const where = 'useBackend()';
  if (name !== 'auto' && !(browserBackendNames as readonly string[]).includes(name)) {
    throw configError(where, 'name', `must be 'auto' or one of ${browserBackendNames.join(', ')}`, name);
  }
  const o = requireObject(where, options, 'options');
  knownFields(where, o, ['wasmPaths', 'threads']);
  if (o.wasmPaths !== undefined && (typeof o.wasmPaths !== 'string' || !o.wasmPaths.endsWith('/'))) {
    throw configError(where, 'wasmPaths', "must be a folder URL ending in '/'", o.wasmPaths);
  }
  const threads = o.threads === undefined ? undefined : positiveInt(where, 'threads', o.threads);
  const configureWasm = (): void => {
    if (wasmConfigured || 'wasm' in tf.engine().registry) return;
    if (typeof o.wasmPaths === 'string') setWasmPaths(o.wasmPaths);
    if (threads !== undefined) setThreadsCount(threads);
    wasmConfigured = true;
  };
  if (name !== 'auto') {
    const failure = await tryBackend(name, configureWasm);
    if (failure) throw new RxtrainError('BACKEND_UNAVAILABLE', `useBackend(): backend '${name}' cannot be started in this browser (${failure})`, { backend: name, cause: failure });
    return info(name, 'argument', []);
  }
  const skipped: string[] = [];
  for (const candidate of browserBackendNames) {
    const failure = await tryBackend(candidate, configureWasm);
    if (!failure) return info(candidate, 'auto', skipped);
    skipped.push(`${candidate}: ${failure}`);
  }
  throw new RxtrainError('BACKEND_UNAVAILABLE', `useBackend(): no backend could be started (${skipped.join('; ')})`, { failures: skipped });
}

function info(name: BrowserBackendName, requestedBy: BrowserBackendInfo['requestedBy'], skipped: readonly string[]): BrowserBackendInfo {
  const wasm = name === 'wasm';
  const addedKernels = wasm ? registerWasmTrainingKernels() : [];
  const replacedKernels = wasm ? replaceStockWasmKernels() : [];
  return { name, tfjsName: tf.getBackend(), requestedBy, ...(wasm ? { threads: getThreadsCount() } : {}), addedKernels, replacedKernels, skipped };
}

/** Returns undefined on success, or why it failed. */
async function tryBackend(name: BrowserBackendName, configureWasm: () => void): Promise<string | undefined> {
  try {
    const missing = name === 'webgpu' ? await webgpuAdapterMissing() : undefined;
    if (missing) return missing;
    const load = packages[name];
    if (load) {
      const failure = await load().then(
        () => undefined,
        (err: unknown) => `@tensorflow/tfjs-backend-${name} could not be imported (${firstLine(err)}); it is an optional peer dependency: install it, or serve it in the page's import map`,
      );
      if (failure) return failure;
    }
    if (name === 'wasm') configureWasm();
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok ? undefined : `tfjs could not initialise the '${name}' backend (tfjs logged why in the console)`;
  } catch (err) {
    return firstLine(err);
  }
}

/** The part of WebGPU's `navigator.gpu` used here. */
interface Gpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<object | null>;
}

/**
 * Why WebGPU cannot start here, asked of the browser before tfjs tries: tfjs's own webgpu backend, given
 * no adapter, fails with a TypeError it only logs, so the caller would learn nothing.
 */
async function webgpuAdapterMissing(): Promise<string | undefined> {
  const gpu = Reflect.get((globalThis as { navigator?: object }).navigator ?? {}, 'gpu') as Gpu | undefined;
  if (!gpu) return 'no navigator.gpu: this browser (or this context) has no WebGPU';
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  return adapter ? undefined : 'navigator.gpu.requestAdapter() found no adapter: no WebGPU-capable GPU or driver is available to this browser, as in headless Chromium';
}

function firstLine(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
}
