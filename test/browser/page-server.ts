// A page for a browser test: the browser build (dist/browser/, from scripts/build-browser.mjs) served
// at /rxtrain/, and one module script of the test's in a page whose import map points `rxtrain`,
// rxjs and tfjs there, as docs/browser.md's "From a plain page" does. Its state is window.rxtrainTest
// (`done`, or `error`: an uncaught error or rejection), which the test waits on.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';

const root = new URL('../../', import.meta.url).pathname;
const dist = join(root, 'dist/browser');

/** Build dist/browser/ (scripts/build-browser.mjs), as the tests that serve it do first. */
export async function buildBrowser(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(root, 'scripts/build-browser.mjs')]);
}

const IMPORT_MAP = {
  imports: {
    rxtrain: '/rxtrain/index.js',
    'rxtrain/operators': '/rxtrain/operators.js',
    rxjs: '/rxtrain/vendor/rxjs.js',
    '@tensorflow/tfjs-core': '/rxtrain/vendor/tfjs-core.js',
    '@tensorflow/tfjs-layers': '/rxtrain/vendor/tfjs-layers.js',
    '@tensorflow/tfjs-backend-cpu': '/rxtrain/vendor/tfjs-backend-cpu.js',
    '@tensorflow/tfjs-backend-cpu/dist/shared': '/rxtrain/vendor/tfjs-backend-cpu-shared.js',
    '@tensorflow/tfjs-backend-wasm': '/rxtrain/vendor/tfjs-backend-wasm.js',
    '@tensorflow/tfjs-backend-webgl': '/rxtrain/vendor/tfjs-backend-webgl.js',
    '@tensorflow/tfjs-backend-webgpu': '/rxtrain/vendor/tfjs-backend-webgpu.js',
  },
};

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.map': 'application/json', '.wasm': 'application/wasm' };

export interface PageServer {
  /** The page's URL (`/`); query parameters reach the script as `location.search`. */
  readonly url: string;
  readonly origin: string;
  close(): Promise<void>;
}

/** Serve `script` (a module's source: it imports from 'rxtrain', 'rxjs', ...) as the page at `/`, on 127.0.0.1. */
export async function startPageServer(script: string): Promise<PageServer> {
  const page = `<!doctype html><meta charset="utf-8"><title>rxtrain test</title>
<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>
<script>
window.rxtrainTest = { done: false };
addEventListener('error', (e) => { window.rxtrainTest.error = String(e.error && e.error.stack || e.message); });
addEventListener('unhandledrejection', (e) => { window.rxtrainTest.error = String(e.reason && e.reason.stack || e.reason); });
</script>
<script type="module" src="/test.js"></script>`;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/' || path === '/test.js') {
      res.writeHead(200, { 'Content-Type': path === '/' ? 'text/html; charset=utf-8' : TYPES['.js']!, 'Cache-Control': 'no-store' }).end(path === '/' ? page : script);
      return;
    }
    const file = path.startsWith('/rxtrain/') ? normalize(join(dist, path.slice('/rxtrain/'.length))) : undefined;
    if (!file || !file.startsWith(dist + sep)) {
      res.writeHead(404).end('not found');
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url: `${origin}/`, origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
