/**
 * Start a worker thread on one of rxtrain's own entry modules, from the compiled package or from the
 * TypeScript sources alike. Compiled (dist/), the entry is plain JavaScript. From the sources (tests,
 * examples, `--conditions=rxtrain-source`), a worker does not inherit the parent's tsx loader for its
 * entry, so a one-line bootstrap registers tsx in the thread first.
 */
import { Worker, type Transferable } from 'node:worker_threads';

/** Whether this code runs from its TypeScript sources (then entries are `.ts`). */
export const fromSource = import.meta.url.endsWith('.ts');

/** The URL of the entry module `name` (without extension) next to `base` (an `import.meta.url`). */
export function entryUrl(name: string, base: string): URL {
  return new URL(`./${name}${fromSource ? '.ts' : '.js'}`, base);
}

export function startThread(entry: URL, workerData: unknown, transferList: readonly Transferable[] = []): Worker {
  const options = { workerData, transferList: [...transferList] };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}
