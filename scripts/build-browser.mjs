/**
 * The browser build (issue 21), run by `npm run build` after tsc:
 *
 * - dist/browser/index.js, operators.js (+ shared chunks): `rxtrain` and `rxtrain/operators` from
 *   lib/browser.ts and operators/browser.ts, ES modules with rxjs and tfjs left as bare imports, so a
 *   bundler (the `browser` export condition) resolves them once for the whole app;
 * - dist/browser/vendor/: rxjs and the tfjs packages as ES modules built in one run (one tfjs-core
 *   instance shared by all), for a plain `<script type="module">` whose import map points the bare
 *   names there (see docs/browser.md), with the wasm backend's .wasm files beside them.
 *
 * The dashboard's modules (`mountDashboard()`) are bundled with the rest: their markup and CSS as text,
 * and the third-party files they import (uPlot) from node_modules (./dashboard-bundling.mjs).
 *
 * The few Node-only files the core reaches (a folder's model files, the native BLAS add-on) are replaced
 * by browser ones through package.json's `browser` map, which esbuild (as every bundler) applies.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardBundling } from './dashboard-bundling.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/browser');
// Built in a folder of its own, then moved into dist/browser file by file (a rename replaces a file
// at once): a page served from dist/browser while this runs (the browser tests build it, several at a
// time) never reads a half-written file or finds the folder gone, as it did when this emptied it first.
const staging = join(root, `dist/browser.build-${process.pid}`);

/** What the vendor folder holds: import-map name → the module it is built from. */
export const VENDOR = {
  rxjs: 'rxjs',
  'tfjs-core': '@tensorflow/tfjs-core',
  'tfjs-layers': '@tensorflow/tfjs-layers',
  'tfjs-backend-cpu': '@tensorflow/tfjs-backend-cpu',
  'tfjs-backend-cpu-shared': '@tensorflow/tfjs-backend-cpu/dist/shared',
  'tfjs-backend-wasm': '@tensorflow/tfjs-backend-wasm',
  'tfjs-backend-webgl': '@tensorflow/tfjs-backend-webgl',
  'tfjs-backend-webgpu': '@tensorflow/tfjs-backend-webgpu',
};

const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', splitting: true, sourcemap: true, logLevel: 'warning', absWorkingDir: root };

rmSync(staging, { recursive: true, force: true });
await build({
  ...common,
  ...dashboardBundling,
  entryPoints: { index: 'lib/browser.ts', operators: 'operators/browser.ts' },
  outdir: staging,
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
});
await build({
  ...common,
  entryPoints: VENDOR,
  outdir: join(staging, 'vendor'),
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
});
const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
mkdirSync(join(staging, 'vendor'), { recursive: true });
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(staging, 'vendor', f));

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}
const built = filesUnder(staging);
for (const f of built) {
  mkdirSync(dirname(join(out, f)), { recursive: true });
  renameSync(join(staging, f), join(out, f));
}
// What an earlier build left that this one did not make (chunks of changed sources) goes.
const keep = new Set(built);
for (const f of filesUnder(out)) if (!keep.has(f)) rmSync(join(out, f), { force: true });
rmSync(staging, { recursive: true, force: true });
