/**
 * `npm run bench`: every benchmark, one after the other (each in its own process, so one tfjs engine
 * and backend per measurement). Each prints one JSON line of results on stdout; progress goes to
 * stderr. Slow (tens of minutes): not part of `npm test`. Results and their reading: docs/benchmarks.md.
 *
 *   npm run bench                 # all
 *   npm run bench -- overhead     # those whose name contains "overhead"
 *
 * The `reference-*` entries run the same protocols in Optuna 3.1 + PyTorch (bench/reference/*.py) with
 * Debian's `/usr/bin/python3`; they are skipped, saying why, when `apt-get install python3-optuna
 * python3-torch libopenblas0-pthread` has not been done.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches: ReadonlyArray<{ name: string; file: string; args: string[]; python?: true }> = [
  { name: 'overhead-fashion', file: 'bench/overhead.ts', args: ['--data', 'fashion', '--rounds', '5'] },
  { name: 'overhead-digits', file: 'bench/overhead.ts', args: ['--data', 'digits', '--rounds', '7'] },
  { name: 'wasm-kernels', file: 'bench/wasm-kernels.ts', args: [] },
  { name: 'wasm-cnn', file: 'bench/wasm-cnn.ts', args: ['--rounds', '3', '--steps', '20', '--epochs', '2'] },
  { name: 'wasm-parallel-cnn', file: 'bench/wasm-parallel.ts', args: ['--model', 'cnn', '--rounds', '5', '--steps', '20'] },
  { name: 'wasm-parallel-mlp', file: 'bench/wasm-parallel.ts', args: ['--model', 'mlp', '--rounds', '5', '--steps', '20'] },
  { name: 'wasm-rnn', file: 'bench/wasm-rnn.ts', args: ['--rounds', '5'] },
  { name: 'browser-wasm', file: 'bench/browser-wasm.ts', args: ['--rounds', '3', '--steps', '20'] },
  { name: 'blas', file: 'bench/blas.ts', args: ['--rounds', '5', '--profile'] },
  { name: 'blas-conv', file: 'bench/blas-conv.ts', args: ['--rounds', '7'] },
  { name: 'samplers', file: 'bench/samplers.ts', args: [] },
  { name: 'busy-loop', file: 'bench/busy-loop.ts', args: [] },
  { name: 'parallel', file: 'bench/parallel.ts', args: ['--rounds', '3'] },
  { name: 'distributed', file: 'bench/distributed.ts', args: ['--rounds', '3', '--trials', '200'] },
  { name: 'distributed-scale', file: 'bench/distributed-scale.ts', args: [] },
  { name: 'evolve', file: 'bench/evolve.ts', args: [] },
  // Spawns bench/reference/multi_objective_optuna.py itself (both sides in the same run), or says why not.
  { name: 'multi-objective', file: 'bench/multi-objective.ts', args: [] },
  { name: 'monitor-abuse', file: 'bench/monitor-abuse.ts', args: [] },
  { name: 'dashboard-storage', file: 'bench/dashboard-storage.ts', args: [] },
  { name: 'dashboard-pg-overhead', file: 'bench/dashboard-pg-overhead.ts', args: ['--rounds', '4', '--trials', '9'] },
  { name: 'dashboard-responsiveness', file: 'bench/dashboard-responsiveness.ts', args: ['--rounds', '3', '--seconds', '10'] },
  { name: 'pbt', file: 'bench/pbt.ts', args: ['--seeds=10'] },
  { name: 'ensembles', file: 'bench/ensembles.ts', args: ['--seeds', '5'] },
  { name: 'fashion-search', file: 'bench/fashion-search.ts', args: ['--budget', '90'] },
  { name: 'fashion-search-plain', file: 'bench/fashion-search.ts', args: ['--budget', '90', '--recipe', 'plain'] },
  { name: 'reference-samplers', file: 'bench/reference/samplers_optuna.py', args: ['--samplers=tpe,tpe-multivariate,cmaes,random'], python: true },
  { name: 'reference-fashion-search', file: 'bench/reference/fashion_optuna.py', args: ['--budget', '90'], python: true },
  { name: 'reference-fashion-search-plain', file: 'bench/reference/fashion_optuna.py', args: ['--budget', '90', '--recipe', 'plain'], python: true },
];

const PYTHON = '/usr/bin/python3';
let pythonReady: string | undefined; // '' when Optuna and PyTorch import
function pythonProblem(): string {
  if (pythonReady === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import optuna, torch'], { encoding: 'utf8' });
    pythonReady = r.status === 0 ? '' : (r.error?.message ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`);
  }
  return pythonReady;
}

const filter = process.argv[2];
let failed = 0;
for (const b of benches) {
  if (filter && !b.name.includes(filter)) continue;
  if (!existsSync(b.file)) continue;
  if (b.python && pythonProblem()) {
    console.error(`== ${b.name} skipped: ${PYTHON} cannot import optuna and torch (${pythonProblem()}); apt-get install python3-optuna python3-torch libopenblas0-pthread`);
    continue;
  }
  const [command, args] = b.python ? [PYTHON, [b.file, ...b.args]] : [process.execPath, ['--conditions=rxtrain-source', '--import=tsx', b.file, ...b.args]];
  console.error(`== ${b.name}: ${b.python ? PYTHON : 'node --conditions=rxtrain-source --import=tsx'} ${b.file} ${b.args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    failed++;
    console.error(`== ${b.name} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
