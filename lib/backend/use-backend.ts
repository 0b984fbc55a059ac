/**
 * Choosing the TensorFlow.js backend. `auto` takes the fastest one that loads here: tfjs-node-gpu
 * (CUDA), tfjs-node (libtensorflow), then wasm (XNNPACK, with rxtrain's training kernels registered),
 * then the pure-JS cpu backend. The two node packages are optional peer dependencies: their install
 * step downloads libtensorflow, which only works where that host is reachable.
 */
import type { EventEmitter } from 'node:events';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { RxtrainError, configError } from '../errors.js';
import { registerWasmTrainingKernels, replaceStockWasmKernels } from './register-wasm-kernels.js';
import { backendChosen } from './backend-choice.js';
import { blasUnavailable, chooseBlas, type BlasChoice, type BlasInfo } from './blas/blas-state.js';

// Importing the wasm backend registers it above cpu, and tfjs then picks it for the first tensor op
// made before any setBackend; but wasm initialises asynchronously, so that op throws ("The highest
// priority backend 'wasm' has not yet been initialized"). Re-register it below cpu: until useBackend()
// runs, tensors go to cpu, which starts synchronously; useBackend('auto') still prefers wasm.
// (Checked through the engine's registry: tf.findBackend would start wasm's initialisation itself.)
const wasmFactory = tf.findBackendFactory('wasm');
const initialised = tf.engine().registry;
if (wasmFactory && !('wasm' in initialised)) {
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', withoutProcessHandlers(wasmFactory), 0);
}

// The cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js ... install our node
// backend" at its first tensor. In a program that uses rxtrain, cpu is either the backend a user chose
// or where tensors wait until useBackend() (or the first training call) chooses; and useBackend('auto')
// already takes tfjs-node when it is installed. So the advice is noise here.
const cpuFactory = tf.findBackendFactory('cpu');
if (cpuFactory && !('cpu' in initialised)) {
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => quiet(cpuFactory()), 1);
} else if ('cpu' in initialised) {
  quiet(initialised.cpu);
}

function quiet<T>(backend: T): T {
  if (backend && typeof backend === 'object' && 'firstUse' in backend) (backend as { firstUse: boolean }).firstUse = false;
  return backend;
}

type Factory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

/**
 * The wasm backend's Emscripten runtime adds process-level `uncaughtException` and
 * `unhandledRejection` handlers that rethrow from its own one-line source: any later uncaught error of
 * the user's program was printed after 38 KB of minified tfjs-backend-wasm.js, and Node exited with 7
 * instead of 1. The handlers serve only Emscripten's own exit, which the backend never uses: remove
 * those added while the backend starts, whoever starts it (useBackend, tf.setBackend, a worker).
 */
function withoutProcessHandlers(factory: Factory): Factory {
  return async () => {
    if (!inNode()) return factory(); // a page or a Web Worker: no process, no handlers to remove
    const emitter: EventEmitter = process;
    const events = ['uncaughtException', 'unhandledRejection'];
    const before = events.map((e) => new Set(emitter.listeners(e)));
    try {
      return await factory();
    } finally {
      events.forEach((e, i) => {
        for (const l of emitter.listeners(e)) if (!before[i]!.has(l)) emitter.removeListener(e, l as (...args: unknown[]) => void);
      });
    }
  };
}

/** Whether this runs in Node (not in a page or a Web Worker, where there is no `process`). */
function inNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** What a user asks for. `tensorflow-gpu` and `tensorflow` both run as tfjs's `tensorflow` backend. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const backendNames: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** What was chosen. */
  readonly name: BackendName;
  /** tfjs's own name for the active backend (`tf.getBackend()`). */
  readonly tfjsName: string;
  /** Where the choice came from. */
  readonly requestedBy: 'argument' | 'RXTRAIN_BACKEND' | 'auto';
  /** Kernels rxtrain registered to make this backend train (wasm only). */
  readonly addedKernels: readonly string[];
  /** Stock kernels rxtrain replaced because they are wrong or slow (wasm only; see docs/wasm-backend.md). */
  readonly replacedKernels: readonly string[];
  /**
   * `'wasm+blas'` when wasm's matMuls and convolutions run on the native BLAS add-on, else the same as `name`.
   * docs/wasm-backend.md#native-blas says how to get it.
   */
  readonly runsOn: string;
  /** The BLAS that wasm's matMuls and convolutions run on (wasm only), or undefined. */
  readonly blas: BlasInfo | undefined;
  /** On wasm without BLAS: why (not built, does not load, turned off). */
  readonly blasUnavailable?: string;
}

export interface UseBackendOptions {
  /** Environment to read `RXTRAIN_BACKEND` from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Loads a module by name; injectable so tests can simulate missing packages. Defaults to `import()`. */
  readonly importModule?: (name: string) => Promise<unknown>;
  /**
   * On wasm: whether its matMuls and convolutions run on the native BLAS add-on, when it is built, and with how many
   * BLAS threads (default 1). `RXTRAIN_BLAS=0` and `RXTRAIN_BLAS_THREADS` in `env` override these.
   */
  readonly blas?: BlasChoice;
}

const nodePackage: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

const installHint: Record<BackendName, string> = {
  'tensorflow-gpu': "install it with 'npm install @tensorflow/tfjs-node-gpu@4.22.0' (needs CUDA and a network that reaches libtensorflow's download host during install)",
  tensorflow: "install it with 'npm install @tensorflow/tfjs-node@4.22.0' (its install step downloads libtensorflow)",
  wasm: "reinstall rxtrain's dependency '@tensorflow/tfjs-backend-wasm@4.22.0' (its .wasm files must be in node_modules)",
  cpu: "reinstall rxtrain's dependency '@tensorflow/tfjs-backend-cpu@4.22.0'",
};

/**
 * Select the tfjs backend for everything that follows. The environment variable `RXTRAIN_BACKEND`
 * overrides the argument. An explicit name that cannot load fails with an error saying how to install it.
 *
 * @example
 * ```ts
 * import { useBackend } from 'rxtrain';
 * const info = await useBackend('auto'); // e.g. { name: 'wasm', tfjsName: 'wasm', ... }
 * ```
 * @param name A backend name, or `'auto'` (the default) for the fastest one that loads.
 * @returns What was chosen.
 */
export async function useBackend(name: BackendName | 'auto' = 'auto', options: UseBackendOptions = {}): Promise<BackendInfo> {
  const env = options.env ?? (inNode() ? process.env : {});
  const load = options.importModule ?? ((m: string) => import(m));
  const fromEnv = env.RXTRAIN_BACKEND?.trim();
  let requested: BackendName | 'auto' = name;
  let requestedBy: BackendInfo['requestedBy'] = name === 'auto' ? 'auto' : 'argument';
  if (fromEnv) {
    if (fromEnv !== 'auto' && !(backendNames as readonly string[]).includes(fromEnv)) {
      throw configError('useBackend()', 'RXTRAIN_BACKEND', `must be 'auto' or one of ${backendNames.join(', ')}`, fromEnv);
    }
    requested = fromEnv as BackendName | 'auto';
    requestedBy = fromEnv === 'auto' ? 'auto' : 'RXTRAIN_BACKEND';
  } else if (name !== 'auto' && !(backendNames as readonly string[]).includes(name)) {
    throw configError('useBackend()', 'name', `must be 'auto' or one of ${backendNames.join(', ')}`, name);
  }

  const blas = blasChoice(options.blas ?? {}, env);

  if (requested !== 'auto') {
    const failure = await tryBackend(requested, load);
    if (failure) {
      throw new RxtrainError('BACKEND_UNAVAILABLE', `useBackend(): backend '${requested}' cannot be loaded here (${failure}); ${installHint[requested]}`, { backend: requested, cause: failure });
    }
    return info(requested, requestedBy, blas);
  }
  const failures: string[] = [];
  for (const candidate of backendNames) {
    const failure = await tryBackend(candidate, load);
    if (!failure) return info(candidate, 'auto', blas);
    failures.push(`${candidate}: ${failure}`);
  }
  throw new RxtrainError('BACKEND_UNAVAILABLE', `useBackend(): no backend could be loaded (${failures.join('; ')})`, { failures });
}

let autoChoice: Promise<{ readonly tfjsName: string }> | undefined;

/**
 * What the first training call runs: when no backend was chosen (no `useBackend()`, no
 * `tf.setBackend()`), choose `useBackend('auto')` rather than train on the cpu backend tfjs fell back
 * to. Concurrent callers share one choice.
 *
 * @returns `undefined` when a backend was chosen already (nothing to wait for), else the choice.
 */
export function chooseBackendIfNone(): Promise<{ readonly tfjsName: string }> | undefined {
  if (autoChoice) return autoChoice;
  if (backendChosen()) return undefined;
  // Outside Node (a page, a Web Worker) the browser's choices apply: webgpu, webgl, wasm, cpu.
  const choice = inNode() ? useBackend('auto') : import('./use-browser-backend.js').then((m) => m.useBackend('auto'));
  autoChoice = choice.finally(() => {
    autoChoice = undefined;
  });
  return autoChoice;
}

/** The BLAS choice: the option, overridden by RXTRAIN_BLAS=0|1 and RXTRAIN_BLAS_THREADS. */
function blasChoice(option: BlasChoice, env: Readonly<Record<string, string | undefined>>): BlasChoice {
  const on = env.RXTRAIN_BLAS?.trim();
  if (on !== undefined && on !== '' && on !== '0' && on !== '1') throw configError('useBackend()', 'RXTRAIN_BLAS', "must be '0' (off) or '1' (on)", on);
  const threadsText = env.RXTRAIN_BLAS_THREADS?.trim();
  const threads = threadsText ? Number(threadsText) : option.threads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 1024)) {
    throw configError('useBackend()', threadsText ? 'RXTRAIN_BLAS_THREADS' : 'blas.threads', 'must be an integer from 1 to 1024', threadsText ?? threads);
  }
  const enabled = on === '0' ? false : on === '1' ? true : option.enabled;
  return { ...(enabled !== undefined ? { enabled } : {}), ...(threads !== undefined ? { threads } : {}) };
}

function info(name: BackendName, requestedBy: BackendInfo['requestedBy'], blas: BlasChoice): BackendInfo {
  const addedKernels = name === 'wasm' ? registerWasmTrainingKernels() : [];
  // Stock wasm's MaxPoolGrad is wrong with more than one channel, and its transposed matMuls and
  // Conv2DBackpropInput are slow loops: training on wasm always uses rxtrain's versions.
  const replacedKernels = name === 'wasm' ? replaceStockWasmKernels() : [];
  if (name !== 'wasm') return { name, tfjsName: tf.getBackend(), requestedBy, addedKernels, replacedKernels, runsOn: name, blas: undefined };
  const native = chooseBlas(blas);
  const why = blasUnavailable();
  return {
    name, tfjsName: tf.getBackend(), requestedBy, addedKernels, replacedKernels,
    runsOn: native ? 'wasm+blas' : 'wasm', blas: native, ...(why !== undefined ? { blasUnavailable: why } : {}),
  };
}

/** Returns undefined on success, or why it failed. */
async function tryBackend(name: BackendName, load: (m: string) => Promise<unknown>): Promise<string | undefined> {
  try {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      await load(nodePackage[name]);
      if (!tf.findBackend('tensorflow')) return `${nodePackage[name]} loaded but registered no 'tensorflow' backend`;
      const ok = await tf.setBackend('tensorflow');
      return ok ? undefined : `the 'tensorflow' backend failed to initialise`;
    }
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok ? undefined : `the '${name}' backend failed to initialise`;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}
