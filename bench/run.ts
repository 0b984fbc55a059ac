/**
 * `npm run bench`: every benchmark, one after the other (each in its own process, so one tfjs engine
 * and backend per measurement). Each prints one JSON line of results on stdout; progress goes to
 * stderr. Slow (tens of minutes): not part of `npm test`. Results and their reading: docs/benchmarks.md.
 *
 *   npm run bench                 # all
 *   npm run bench -- overhead     # those whose name contains "overhead"
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches: ReadonlyArray<{ name: string; file: string; args: string[] }> = [
  { name: 'overhead-fashion', file: 'bench/overhead.ts', args: ['--data', 'fashion', '--rounds', '5'] },
  { name: 'overhead-digits', file: 'bench/overhead.ts', args: ['--data', 'digits', '--rounds', '7'] },
  { name: 'wasm-kernels', file: 'bench/wasm-kernels.ts', args: [] },
  { name: 'wasm-cnn', file: 'bench/wasm-cnn.ts', args: ['--rounds', '3', '--steps', '20', '--epochs', '2'] },
  { name: 'wasm-parallel-cnn', file: 'bench/wasm-parallel.ts', args: ['--model', 'cnn', '--rounds', '5', '--steps', '20'] },
  { name: 'wasm-parallel-mlp', file: 'bench/wasm-parallel.ts', args: ['--model', 'mlp', '--rounds', '5', '--steps', '20'] },
  { name: 'wasm-rnn', file: 'bench/wasm-rnn.ts', args: ['--rounds', '5'] },
  { name: 'samplers', file: 'bench/samplers.ts', args: [] },
  { name: 'parallel', file: 'bench/parallel.ts', args: ['--rounds', '3'] },
  { name: 'distributed', file: 'bench/distributed.ts', args: ['--rounds', '3', '--trials', '200'] },
  { name: 'distributed-scale', file: 'bench/distributed-scale.ts', args: [] },
  { name: 'evolve', file: 'bench/evolve.ts', args: [] },
  { name: 'pbt', file: 'bench/pbt.ts', args: ['--seeds=10'] },
  { name: 'ensembles', file: 'bench/ensembles.ts', args: ['--seeds', '5'] },
  { name: 'fashion-search', file: 'bench/fashion-search.ts', args: ['--budget', '90'] },
];

const filter = process.argv[2];
let failed = 0;
for (const b of benches) {
  if (filter && !b.name.includes(filter)) continue;
  if (!existsSync(b.file)) continue;
  console.error(`== ${b.name}: node --conditions=rxtrain-source --import=tsx ${b.file} ${b.args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', b.file, ...b.args], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    failed++;
    console.error(`== ${b.name} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
