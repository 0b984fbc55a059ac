/**
 * How late a stop request lands in a run of short epochs (issue 15 item 1): iris (150 samples) trained
 * for many epochs, stopped by `takeUntil(timer(stopMs))`. Reported per batch size (16: 10 steps an
 * epoch; 150: one step an epoch): the time from the moment the stop was due to the moment the run
 * ended, the turns the event loop got during the run (a `setImmediate` that re-arms itself), the
 * longest time between two turns, and the epochs trained.
 *
 * `--lib <dir>` measures another copy of the sources (`<dir>/lib/`, `<dir>/operators/`, e.g.
 * `git archive <commit> lib operators | tar -x -C tmp/before`), so that the figures before and after a
 * change come from the same program.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/stop-latency.ts [--lib dir] [--stop-ms 300] [--epochs 5000] [--runs 5]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lastValueFrom, takeUntil, tap, timer } from 'rxjs';
import type * as Rxtrain from '../lib/index.js';
import { arg, median } from './util.js';

const dir = resolve(arg('lib', '.'));
const stopMs = Number(arg('stop-ms', '300'));
const epochs = Number(arg('epochs', '5000'));
const runs = Number(arg('runs', '5'));
const { iris, mlp, train, useBackend } = (await import(pathToFileURL(join(dir, 'lib/index.ts')).href)) as typeof Rxtrain;

const backend = await useBackend('auto');
const data = iris();
process.stderr.write(`backend ${backend.name}; sources from ${dir}; stop after ${stopMs} ms; ${epochs} epochs at most\n`);

for (const batchSize of [16, 150]) {
  const late: number[] = [];
  const rows: string[] = [];
  for (let r = 0; r < runs; r++) {
    const model = mlp({ inputShape: [4], units: [16], classes: 3, seed: r });
    let turns = 0;
    let lastTurn = performance.now();
    let maxGap = 0;
    let ticking = true;
    const tick = (): void => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - lastTurn);
      lastTurn = now;
      turns++;
      if (ticking) setImmediate(tick);
    };
    let trained = 0;
    const start = performance.now();
    setImmediate(tick);
    await lastValueFrom(train(model, data, { epochs, batchSize, seed: r }).pipe(tap((e) => e.type === 'epochEnd' && trained++), takeUntil(timer(stopMs))), { defaultValue: undefined });
    const end = performance.now();
    ticking = false;
    maxGap = Math.max(maxGap, end - lastTurn);
    late.push(end - start - stopMs);
    rows.push(`  run ${r}: stopped ${(end - start - stopMs).toFixed(0)} ms after the request was due; ${turns} event-loop turns; longest gap ${maxGap.toFixed(0)} ms; ${trained} epochs trained`);
    model.dispose();
  }
  console.log(`batch ${batchSize}: median ${median(late).toFixed(0)} ms late (max ${Math.max(...late).toFixed(0)})`);
  for (const row of rows) console.log(row);
}
