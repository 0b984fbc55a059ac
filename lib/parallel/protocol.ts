/**
 * Messages between a worker pool and its worker threads. Plain, structured-clone-able data only; errors
 * cross as {@link WireError}s (lib/thread/wire-error.ts).
 */
import type { WireError } from '../thread/wire-error.js';

/** Parent → worker. */
export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly module: string; readonly exportName: string; readonly input: unknown }
  | { readonly type: 'cancel'; readonly id: number };

/** Worker → parent. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'event'; readonly id: number; readonly event: unknown }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError }
  | { readonly type: 'fatal'; readonly error: WireError };
