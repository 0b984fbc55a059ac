/**
 * The browser entries (lib/browser.ts → `rxtrain`, operators/browser.ts → `rxtrain/operators` under the
 * `browser` condition) load no Node module: their import graph is walked (static imports, `export ...
 * from`, dynamic `import()`), and every package it reaches must be one a browser has (rxjs, tfjs); a
 * Node global (`process`, `Buffer`, `setImmediate`, `__dirname`, `require`) may only be used behind a
 * `typeof` check in the same file. Files that package.json's `browser` map replaces are walked as their
 * replacements, as a bundler builds them. Each failure names the file and the import or global, and the path
 * from the entry that reaches it. (Issue 21.)
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_DEPENDENCIES } from '../../scripts/dashboard-bundling.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Packages a page can load (the build bundles them, or an import map points at them). */
const BROWSER_PACKAGES = /^(rxjs|uplot|@tensorflow\/tfjs-(core|layers|data|backend-cpu|backend-wasm|backend-webgl|backend-webgpu))(\/|$)/;

/**
 * The Node-only files the core reaches, and what a browser build gets instead: package.json's `browser`
 * map (which esbuild, like every bundler, applies), from `./lib/x.js` to `./lib/x-browser.ts`.
 */
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { browser: Record<string, string> };
const SUBSTITUTES: Record<string, string> = Object.fromEntries(
  Object.entries(pkg.browser).map(([from, to]) => [from.replace(/^\.\//, '').replace(/\.js$/, '.ts'), to.replace(/^\.\//, '')]),
);

const NODE_GLOBALS = ['process', 'Buffer', 'setImmediate', '__dirname', '__filename', 'require'];

const IMPORT = /(?:^|\n)[ \t]*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Edge {
  readonly spec: string;
  readonly dynamic: boolean;
  /** The file, relative to the repository, for a relative import. */
  readonly to?: string;
}

function edgesOf(file: string, text: string): Edge[] {
  const out: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    if (m[1] !== undefined) continue; // type-only: erased, loads nothing
    const spec = m[2] ?? m[3]!;
    const dynamic = m[3] !== undefined;
    if (!spec.startsWith('.')) {
      out.push({ spec, dynamic });
      continue;
    }
    const js = relative(root, resolve(root, dirname(file), spec)).split('\\').join('/');
    // The dashboard's third-party files (./uplot.js): the build takes them from their package.
    const dependency = dirname(js) === 'lib/monitor/dashboard' ? DASHBOARD_DEPENDENCIES[js.slice(js.lastIndexOf('/') + 1)] : undefined;
    if (dependency !== undefined && !existsSync(resolve(root, js))) {
      out.push({ spec: dependency, dynamic });
      continue;
    }
    // A plain JS module (the dashboard's) is itself; any other `.js` is the TypeScript file tsc compiles to it.
    const to = /\.js$/.test(js) && existsSync(resolve(root, js)) ? js : js.replace(/\.js$/, '.ts');
    out.push({ spec, dynamic, to });
  }
  return out;
}

/** Code without comments and strings' contents, so a doc comment's `process.env` is no use of it. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1').replace(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g, "''");
}

interface Walk {
  readonly files: Map<string, string[]>; // file → the path from an entry
  readonly broken: string[];
}

function walk(entries: readonly string[]): Walk {
  const files = new Map<string, string[]>();
  const broken: string[] = [];
  const queue: Array<[string, string[]]> = entries.map((e) => [e, [e]]);
  while (queue.length > 0) {
    const [file, path] = queue.shift()!;
    if (files.has(file)) continue;
    files.set(file, path);
    const text = readFileSync(resolve(root, file), 'utf8');
    const via = path.length > 1 ? ` (reached by ${path.join(' → ')})` : '';
    for (const e of edgesOf(file, text)) {
      if (e.to === undefined) {
        if (!BROWSER_PACKAGES.test(e.spec)) broken.push(`${file} imports '${e.spec}', which a browser does not have${via}`);
        continue;
      }
      const to = SUBSTITUTES[e.to] ?? e.to;
      queue.push([to, [...path, to]]);
    }
    if (!/\.[jt]s$/.test(file)) continue; // the dashboard's markup and CSS, bundled as text
    const body = code(text);
    for (const g of NODE_GLOBALS) {
      const use = new RegExp(`(?<![.\\w$])${g}\\b(?!\\s*:)`);
      if (use.test(body) && !body.includes(`typeof ${g}`)) broken.push(`${file} uses the Node global '${g}' without a typeof check${via}`);
    }
  }
  return { files, broken };
}

t.test('the walk finds what it should', async (t) => {
  t.same(
    edgesOf('lib/x/a.ts', ["import { a } from './a.js';", "import type { B } from '../b.js';", "import { existsSync, readFileSync } from 'node:fs';", "const m = await import('./m.js');"].join('\n')),
    [
      { spec: './a.js', dynamic: false, to: 'lib/x/a.ts' },
      { spec: 'node:fs', dynamic: false },
      { spec: './m.js', dynamic: true, to: 'lib/x/m.ts' },
    ],
  );
  t.same(
    edgesOf('lib/monitor/dashboard/mount.js', "import uplotCss from './uplot.css';\nimport { createModel } from './model.js';"),
    [
      { spec: 'uplot/dist/uPlot.min.css', dynamic: false },
      { spec: './model.js', dynamic: false, to: 'lib/monitor/dashboard/model.js' },
    ],
    "the dashboard's plain JS modules are themselves, its uPlot files come from uPlot's package",
  );
  t.equal(code("const a = 'process.env'; // process.exit()\n/* Buffer */ b()"), "const a = ''; \n b()");
  // The Node entry reaches Node modules: the check sees them.
  const node = walk(['lib/index.ts']);
  t.ok(node.broken.some((b) => b.includes("'better-sqlite3'")), 'the Node entry imports better-sqlite3, and the walk says so');
  t.ok(node.broken.some((b) => b.startsWith('lib/storage/sqlite-storage.ts')), 'naming the file');
  t.ok(node.broken.some((b) => b.startsWith("lib/storage/sqlite-heartbeat.ts uses the Node global 'process'")), 'and Node globals');
});

t.test('the browser entries load no Node module', async (t) => {
  const { files, broken } = walk(['lib/browser.ts', 'operators/browser.ts']);
  t.same(broken, [], 'every import is a relative file or a browser package; Node globals only behind typeof');
  t.ok(files.has('lib/train.ts') && files.has('lib/study/study.ts') && files.has('lib/evolve/evolve.ts') && files.has('operators/train-step.ts'), 'train(), study, evolve and the operators are in');
  t.ok(files.size > 100, `${files.size} files`);
  // PBT is in (issue 21): its run and its checkpoints in memory, not its folders on disk nor its worker threads.
  t.ok(files.has('lib/pbt/run-pbt.ts') && files.has('lib/pbt/pbt-browser.ts') && files.has('lib/pbt/memory-checkpoints.ts'), 'pbt() and memoryCheckpoints are in');
  for (const nodeOnly of ['lib/pbt/pbt.ts', 'lib/pbt/folder-checkpoints.ts', 'lib/pbt/state-file.ts', 'lib/pbt/optimizer-state.ts', 'lib/pbt/weight-files.ts', 'lib/pbt/worker-members.ts']) {
    t.notOk(files.has(nodeOnly), `${nodeOnly} (node:fs, worker_threads) is not reached${files.has(nodeOnly) ? `: ${files.get(nodeOnly)!.join(' → ')}` : ''}`);
  }
  t.ok(['lib/monitor/mount-dashboard.ts', 'lib/monitor/dashboard/mount.js', 'lib/monitor/dashboard/dashboard-view.js', 'lib/monitor/dashboard/index.html', 'lib/monitor/dashboard/style.css'].every((f) => files.has(f)), 'mountDashboard() and the dashboard it draws (its modules, markup and CSS) are in');
  for (const [file, substitute] of Object.entries(SUBSTITUTES)) {
    t.ok(files.has(substitute) && !files.has(file), `a browser gets ${substitute} for ${file} (package.json's browser map)`);
  }
});
