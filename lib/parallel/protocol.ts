/**
 * Messages between a worker pool and its worker threads. Plain, structured-clone-able data only.
 */

/** Parent → worker. */
export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly module: string; readonly exportName: string; readonly input: unknown }
  | { readonly type: 'cancel'; readonly id: number };

/** An error as it crosses the thread boundary. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** Worker → parent. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'event'; readonly id: number; readonly event: unknown }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError }
  | { readonly type: 'fatal'; readonly error: WireError };

export function toWire(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}), ...(err.stack ? { stack: err.stack } : {}) };
  }
  return { name: 'Error', message: String(err) };
}
