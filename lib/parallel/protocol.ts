/**
 * Messages between a worker pool and its worker threads. Plain, structured-clone-able data only; and
 * what both ends of a thread boundary share: errors as data, loading a task's module.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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

/** An error from the other thread, rebuilt with its name, message, `code` and stack. */
export function fromWire(e: WireError): Error {
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * The URL to import a user's module by, from a `file:` or `data:` URL (kept) or a path (relative paths
 * against the current directory, as on a command line). Resolved where the user named it, so a worker
 * thread or process started elsewhere imports the same file.
 */
export function moduleUrl(spec: string): string {
  return /^(file|data):/.test(spec) ? spec : pathToFileURL(resolve(spec)).href;
}

/**
 * Import `module` (a path or a `file:`/`data:` URL: see {@link moduleUrl}) in this thread and return its export `exportName`,
 * which must be a function. `who` prefixes the error (`worker:`, `pbt():`).
 */
export async function importFunction<F>(who: string, module: string, exportName: string): Promise<F> {
  const mod = (await import(moduleUrl(module))) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`${who} module '${module}' has no function export '${exportName}' (exports: ${Object.keys(mod).join(', ') || 'none'})`);
  return fn as F;
}
