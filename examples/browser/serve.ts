/**
 * The browser example's server (`npm run demo`): static files with the headers that make the page
 * cross-origin isolated (COOP + COEP), so that wasm's threaded SIMD build can run a training step on
 * every core. It serves the page, main.ts compiled to JS as it is asked for (esbuild's transform, no
 * bundling: the page imports `rxtrain` through its import map), the browser build (dist/browser/,
 * made by `node scripts/build-browser.mjs`), the bundled digits and the dashboard's chart (with uPlot,
 * which it draws with, from uPlot's own package: /uplot.js, /uplot.css); mounted.html is the second
 * page, the whole dashboard mounted in the page (`mountDashboard()`).
 *
 *   npm run demo            # then open the printed URL
 *   PORT=8080 npm run demo
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';
import { dependencyFile } from '../../lib/monitor/dashboard-assets.js';
import { dashboardBundling } from '../../scripts/dashboard-bundling.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** URL prefix → folder of the repository. Nothing outside these is served. */
const MOUNTS: ReadonlyArray<readonly [string, string]> = [
  ['/rxtrain/', 'dist/browser/'],
  ['/data/', 'data/'],
  ['/dashboard/', 'lib/monitor/dashboard/'],
  ['/', 'examples/browser/'],
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
  '.css': 'text/css',
};

export interface DemoServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Start the example's server on 127.0.0.1.
 *
 * @param port 0 (the default) for any free port.
 * @param isolated Send COOP/COEP (default true); false serves a page that is not cross-origin isolated.
 */
export async function startDemoServer(port = 0, isolated = true): Promise<DemoServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolveFile(path === '/' ? '/index.html' : path);
    const headers: Record<string, string> = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    if (!file) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const ts = file.endsWith('.ts');
    readFile(file)
      .then(async (body) => {
        const out = !ts ? body : file.endsWith('-worker.ts') ? await bundle(file) : (await transform(body.toString(), { loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'inline' })).code;
        res.writeHead(200, { ...headers, 'Content-Type': ts ? TYPES['.js']! : (TYPES[extname(file)] ?? 'application/octet-stream'), 'Cache-Control': 'no-store' }).end(out);
      })
      .catch(() => res.writeHead(404, headers).end('not found'));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A worker module, bundled with rxtrain's browser sources and tfjs: a module worker has no import map.
 * One bundle per request (the demo's workers ask once each); package.json's `browser` map applies.
 */
async function bundle(file: string): Promise<string> {
  const out = await build({ entryPoints: [file], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', conditions: ['browser', 'rxtrain-source'], write: false, logLevel: 'warning', ...dashboardBundling });
  return out.outputFiles[0]!.text;
}

/**
 * The file a URL path names: main.js is main.ts (mounted.js mounted.ts: a page's module in TypeScript), *-worker.js a bundle of *-worker.ts; chart.js and the
 * modules it imports (./ticks.js, ...) the dashboard's; paths that leave their mount are refused.
 */
function resolveFile(path: string): string | undefined {
  const dependency = dependencyFile(path);
  if (dependency !== undefined) return dependency;
  for (const [prefix, folder] of MOUNTS) {
    if (!path.startsWith(prefix)) continue;
    let rest = path.slice(prefix.length);
    if (folder === 'examples/browser/' && /^[a-z-]+\.js$/.test(rest) && existsSync(join(root, folder, rest.replace(/\.js$/, '.ts')))) rest = rest.replace(/\.js$/, '.ts');
    const dashboardModule = join(root, 'lib/monitor/dashboard', rest);
    if (folder === 'examples/browser/' && /^[a-z-]+\.js$/.test(rest) && !existsSync(join(root, folder, rest.replace(/\.js$/, '.ts'))) && existsSync(dashboardModule)) return dashboardModule;
    const base = join(root, folder);
    const file = normalize(join(base, rest));
    return file.startsWith(base.endsWith(sep) ? base : base + sep) ? file : undefined;
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startDemoServer(Number(process.env.PORT ?? 8000));
  console.log(`rxtrain in the browser: ${server.url}  (cross-origin isolated: wasm runs on every core)`);
}
