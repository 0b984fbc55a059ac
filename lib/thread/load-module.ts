/**
 * Loading a user's module by name, as everything that runs user code elsewhere does (a worker pool's
 * tasks, PBT members in threads, data-parallel replicas' `imports`, the `rxtrain worker` command and
 * its PBT segments): what cannot cross a thread or a process is a function, so a function is named by
 * its module and export, and loaded where it runs.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RxtrainError } from '../errors.js';

/**
 * The URL to import a user's module by, from a `file:` or `data:` URL (kept) or a path (relative paths
 * against the current directory, as on a command line). Resolved where the user named it, so a worker
 * thread or process started elsewhere imports the same file.
 */
export function moduleUrl(spec: string): string {
  return /^(file|data):/.test(spec) ? spec : pathToFileURL(resolve(spec)).href;
}

/** Import `module` (a path or a `file:`/`data:` URL: see {@link moduleUrl}) in this thread. */
export async function importModule(module: string): Promise<Readonly<Record<string, unknown>>> {
  const mod: unknown = await import(moduleUrl(module));
  return mod as Readonly<Record<string, unknown>>;
}

/**
 * Import `module` in this thread and return its export `exportName`, which must be a function. `who`
 * prefixes the error (`worker:`, `pbt():`, `rxtrain worker:`).
 *
 * @throws RxtrainError `INVALID_CONFIG` naming the module, the export and the exports it has.
 */
export async function loadFunction<F>(who: string, module: string, exportName: string): Promise<F> {
  const mod = await importModule(module);
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    const has = Object.keys(mod);
    throw new RxtrainError('INVALID_CONFIG', `${who} module '${module}' has no function export '${exportName}' (exports: ${has.join(', ') || 'none'})`, { module, export: exportName, exports: has });
  }
  return fn as F;
}
