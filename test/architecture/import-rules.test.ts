/**
 * The layering of docs/architecture.md, checked: the import statements of lib/ and operators/ are
 * parsed (static imports, `export ... from`, and dynamic `import('...')`) and held to the rules below.
 * Each failure names the file, the import as written, and the rule it breaks. (Issue 16 item 4.)
 */
import t from 'tap';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Import {
  /** The importing file, relative to the repository (`lib/study/study.ts`). */
  readonly from: string;
  /** The specifier as written (`'../distributed/remote-source.js'`). */
  readonly spec: string;
  /** The imported file, relative to the repository, as a `.ts` path. */
  readonly to: string;
  /** `import type` / `export type`: erased when compiled, so it loads nothing. */
  readonly typeOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

// `import ... from '...'`, `import '...'`, `export ... from '...'` at the start of a line (so not in a
// doc comment's example), and `import('...')` anywhere.
const IMPORT = /(?:^|\n)[ \t]*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[2] ?? m[3]!;
    if (!spec.startsWith('.')) continue; // packages (rxjs, tfjs, node:...)
    const to = relative(root, resolve(root, dirname(file), spec)).split('\\').join('/').replace(/\.js$/, '.ts');
    out.push({ from: file, spec, to, typeOnly: m[1] !== undefined });
  }
  return out;
}

const files = [...sources('lib'), ...sources('operators')].map((f) => f.split('\\').join('/'));
const imports = files.flatMap((f) => importsOf(f, readFileSync(join(root, f), 'utf8')));

/** The package's entry points: `rxtrain` (Node, browser, and the core both re-export) and `rxtrain/operators` (Node, browser). */
const ENTRIES = ['lib/index.ts', 'lib/browser.ts', 'lib/core.ts', 'operators/index.ts', 'operators/browser.ts'];

const show = (i: Import): string => `${i.from} imports '${i.spec}' (${i.to})`;
const under = (path: string, folder: string): boolean => path === folder || path.startsWith(folder + '/');

/** The files nothing in rxtrain may sit under: they import other leaves only. */
const LEAVES = ['lib/errors.ts', 'lib/validate.ts', 'lib/clock.ts', 'lib/random.ts', 'lib/event-loop-turns.ts', 'lib/acknowledged-pause.ts'];

t.test('the parser finds the imports it should', async (t) => {
  const found = importsOf(
    'lib/x/a.ts',
    ["import { a } from './a.js';", "import type {\n  B,\n  C,\n} from '../b/c.js';", "export { d } from '../../operators/d.js';", "const m = await import('./m.js');", " * import { study } from 'rxtrain';", "import { of } from 'rxjs';"].join('\n'),
  );
  t.same(
    found.map((i) => [i.to, i.typeOnly]),
    [['lib/x/a.ts', false], ['lib/b/c.ts', true], ['operators/d.ts', false], ['lib/x/m.ts', false]],
  );
  t.ok(imports.length > 300, `${imports.length} relative imports in lib/ and operators/`);
});

t.test('rules: who may import what', async (t) => {
  const rules: Array<{ readonly rule: string; readonly breaks: (i: Import) => boolean }> = [
    {
      rule: 'lib/study knows nothing about where trials run: it imports neither lib/distributed nor lib/parallel',
      breaks: (i) => under(i.from, 'lib/study') && (under(i.to, 'lib/distributed') || under(i.to, 'lib/parallel')),
    },
    {
      rule: 'lib/study does not import what builds on it (operators/, lib/evolve, lib/pbt, lib/monitor, lib/ensemble)',
      breaks: (i) => under(i.from, 'lib/study') && ['operators', 'lib/evolve', 'lib/pbt', 'lib/monitor', 'lib/ensemble'].some((f) => under(i.to, f)),
    },
    {
      rule: 'leaf files (errors, validate, clock, random, event-loop-turns, acknowledged-pause) import other leaves only',
      breaks: (i) => LEAVES.includes(i.from) && !LEAVES.includes(i.to),
    },
    {
      rule: 'lib/metrics computes metrics from tensors: it imports only leaf files, lib/losses.ts and lib/search/types.ts',
      breaks: (i) => under(i.from, 'lib/metrics') && !under(i.to, 'lib/metrics') && !LEAVES.includes(i.to) && !['lib/losses.ts', 'lib/search/types.ts'].includes(i.to),
    },
    {
      rule: 'lib/thread is a leaf layer: imports nothing above it (only leaf files)',
      breaks: (i) => under(i.from, 'lib/thread') && !under(i.to, 'lib/thread') && !LEAVES.includes(i.to),
    },
    {
      rule: 'the worker pool (lib/parallel) imports only leaf files, lib/thread and lib/backend',
      breaks: (i) => under(i.from, 'lib/parallel') && !under(i.to, 'lib/parallel') && !LEAVES.includes(i.to) && !under(i.to, 'lib/thread') && !under(i.to, 'lib/backend'),
    },
    {
      rule: 'the Web Workers runtime (lib/web-workers) imports only leaf files, lib/search/types.ts and the study surface',
      breaks: (i) => under(i.from, 'lib/web-workers') && !under(i.to, 'lib/web-workers') && !LEAVES.includes(i.to) && !['lib/search/types.ts', 'lib/study/index.ts'].includes(i.to),
    },
    {
      rule: 'lib/storage imports nothing from lib/parallel (its PostgreSQL client thread runs on lib/thread)',
      breaks: (i) => under(i.from, 'lib/storage') && under(i.to, 'lib/parallel'),
    },
    {
      rule: 'below the operators: only lib/train.ts (which assembles them) and the entry points import operators/',
      breaks: (i) => under(i.from, 'lib') && i.from !== 'lib/train.ts' && !ENTRIES.includes(i.from) && under(i.to, 'operators'),
    },
    {
      rule: 'other folders use the study through its surface, lib/study/index.ts',
      breaks: (i) => !under(i.from, 'lib/study') && !ENTRIES.includes(i.from) && under(i.to, 'lib/study') && i.to !== 'lib/study/index.ts',
    },
    {
      rule: 'the ensembles do not take helpers from lib/transfer',
      breaks: (i) => under(i.from, 'lib/ensemble') && under(i.to, 'lib/transfer'),
    },
    {
      rule: 'nothing inside imports the package entry points (lib/index.ts, operators/index.ts, their browser twins lib/browser.ts, operators/browser.ts, and lib/core.ts, which lib/index.ts and lib/browser.ts share)',
      breaks: (i) =>
        i.to === 'lib/index.ts' || i.to === 'lib/browser.ts' ||
        (i.to === 'lib/core.ts' && i.from !== 'lib/index.ts' && i.from !== 'lib/browser.ts') ||
        (i.to === 'operators/index.ts' && i.from !== 'lib/index.ts') ||
        (i.to === 'operators/browser.ts' && i.from !== 'lib/browser.ts' && i.from !== 'operators/index.ts'),
    },
  ];
  for (const { rule, breaks } of rules) {
    const broken = imports.filter(breaks);
    t.same(broken.map(show), [], rule);
  }
});

/** What a file belongs to for the cycle check: a folder of lib/ (with its subfolders), operators/, or a file at lib/'s root. */
function unitOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'operators') return 'operators';
  return parts.length === 2 ? path : `${parts[0]}/${parts[1]}`;
}

/** The cycles between folders among `imports`, each as its path and one import per step. */
function folderCycles(imports: readonly Import[]): string[] {
  const edges = new Map<string, Map<string, Import>>();
  for (const i of imports) {
    if (i.from === 'lib/index.ts' || i.from === 'lib/browser.ts' || i.from === 'lib/core.ts') continue; // the package entries import everything, and nothing imports them
    const a = unitOf(i.from);
    const b = unitOf(i.to);
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, i);
  }
  // The shortest path from `from` to `to`, if any: with the edge to → from, a cycle.
  const pathTo = (from: string, to: string): string[] | undefined => {
    const seen = new Set<string>([from]);
    const queue: string[][] = [[from]];
    while (queue.length > 0) {
      const path = queue.shift()!;
      for (const next of edges.get(path[path.length - 1]!)?.keys() ?? []) {
        if (next === to) return [...path, next];
        if (!seen.has(next)) {
          seen.add(next);
          queue.push([...path, next]);
        }
      }
    }
    return undefined;
  };
  const cycles: string[] = [];
  const reported = new Set<string>();
  for (const [a, targets] of [...edges].sort(([x], [y]) => x.localeCompare(y))) {
    for (const b of [...targets.keys()].sort()) {
      const back = pathTo(b, a);
      if (back === undefined) continue;
      const cycle = [a, ...back];
      const key = [...new Set(cycle)].sort().join(' ');
      if (reported.has(key)) continue;
      reported.add(key);
      const steps = cycle.slice(0, -1).map((u, k) => show(edges.get(u)!.get(cycle[k + 1]!)!));
      cycles.push(`${cycle.join(' → ')}: ${steps.join('; ')}`);
    }
  }
  return cycles;
}

t.test('no import cycles between folders', async (t) => {
  t.same(folderCycles(imports.filter((i) => !i.typeOnly)), [], 'what a folder loads never loads the folder back');
  // Through type-only imports, two cycles are known (left for later, see docs/architecture.md); no new one.
  const known = [/^lib\/data → lib\/events\.ts → lib\/data:/, /^lib\/monitor → lib\/pbt → lib\/train\.ts → operators → lib\/monitor:/];
  const cycles = folderCycles(imports);
  t.same(cycles.filter((c) => !known.some((k) => k.test(c))), [], 'no cycle through type-only imports besides the known ones');
});
