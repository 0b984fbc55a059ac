/**
 * PBT on the bundled digits: members in this thread vs in worker threads (wall-clock), and PBT vs
 * random search with the same total epochs.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/pbt.ts [--seeds=5] [--timed=seeds] [--members=8] [--epochs=16] [--ready=2] [--workers=2] [--backend=wasm] [--svg=docs/img/pbt-digits-lr.svg]
 *
 * Both search the learning rate of SGD with momentum 0.9 (log-uniform in [1e-4, 0.5]) for an MLP
 * 64-32-10 (batch 32), on a 60/20/20 split of digits (stratified, seed 42); the member is
 * examples/pbt-digits-member.ts:
 * - PBT: `members` members × `epochs` epochs, ready every `ready` epochs, exploit the top quarter,
 *   explore by ×0.8 / ×1.2; run three times per seed, in rotating order: all members in this thread;
 *   in `workers` worker threads started by the run (`pbt(space, { module }, { workers: n })`, the time
 *   includes starting them: a tfjs backend each, and from the TypeScript sources, tsx); and in the
 *   threads of a `workerPool()` started before (`{ workers: pool }`, warm). All three must agree.
 *   Only the first `timed` seeds run all three; the others run in the warm pool only;
 * - random search: `members` trials of `epochs` epochs each, learning rates drawn from the same space.
 * Reported per seed: the times, the best final validation accuracy (what each method selects on), the
 * test accuracy of that model, and PBT's learning-rate schedule; then medians over seeds. `--svg` draws
 * the schedules of the best PBT member of every seed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lastValueFrom } from 'rxjs';
import { createRandom, evaluate, hashSeed, loadModel, logUniform, space, train, useBackend, workerPool, type BackendName } from '../lib/index.js';
import { pbt, type PbtCompleted, type PbtConfig } from '../lib/pbt/index.js';
import digitsMember, { data as trainSet, makeModel, makeOptimizer, test, validation, type LrParams } from '../examples/pbt-digits-member.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const seeds = Number(args.get('seeds') ?? 5);
const members = Number(args.get('members') ?? 8);
const epochs = Number(args.get('epochs') ?? 16);
const ready = Number(args.get('ready') ?? 2);
const workers = Number(args.get('workers') ?? 2);
const timed = Math.min(seeds, Number(args.get('timed') ?? seeds));
const backend = await useBackend((args.get('backend') ?? 'wasm') as BackendName);
console.log(`backend ${backend.name}; ${members} members × ${epochs} epochs, ready every ${ready}; ${seeds} seeds; workers: ${workers}`);

const lrSpace = space({ lr: logUniform(1e-4, 0.5) });
const memberModule = new URL('../examples/pbt-digits-member.ts', import.meta.url);

const pool = workerPool({ size: workers, backend: backend.name });
await pool.warm();

type Mode = 'thread' | 'workers' | 'pool';
async function runPbt(seed: number, mode: Mode, epochsNow = epochs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pbt-'));
  try {
    const config: PbtConfig<LrParams> = {
      populationSize: members, epochs: epochsNow, readyEvery: ready, metric: 'val_accuracy', direction: 'maximize',
      exploit: { quantile: 0.25 }, explore: { perturb: [0.8, 1.2] }, seed, checkpointDir: dir,
    };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const events =
      mode === 'thread' ? pbt(lrSpace, digitsMember, config)
      : pbt(lrSpace, { module: memberModule }, mode === 'workers' ? { ...config, workers, backend: backend.name } : { ...config, workers: pool });
    const end = (await lastValueFrom(events)) as PbtCompleted<LrParams>;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0); // every thread of the process
    const cores = (cpu.user + cpu.system) / 1e6 / seconds;
    const model = await loadModel(end.best.checkpoint!);
    const testAccuracy = evaluate(model, test).accuracy!;
    model.dispose();
    return { val: end.best.value, test: testAccuracy, schedule: end.best.schedule, seconds, cores };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runRandom(seed: number) {
  const random = createRandom(hashSeed(seed, 'random-search'));
  let best = { val: -1, test: 0, lr: 0 };
  for (let i = 0; i < members; i++) {
    const { lr } = lrSpace.sample(random);
    const s = hashSeed(seed, 'trial', i);
    const model = makeModel(s);
    const opt = makeOptimizer(lr);
    await lastValueFrom(train(model, trainSet, { epochs, optimizer: opt, validation, batchSize: 32, seed: s }));
    const val = evaluate(model, validation).accuracy!;
    if (val > best.val) best = { val, test: evaluate(model, test).accuracy!, lr };
    model.dispose();
    opt.dispose();
  }
  return best;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
type PbtRun = Awaited<ReturnType<typeof runPbt>>;
const rows: Array<{ seed: number; pbt: PbtRun; workers: PbtRun; pool: PbtRun; random: Awaited<ReturnType<typeof runRandom>>; sRandom: number }> = [];
const accuracy: Array<{ seed: number; pbt: PbtRun; random: Awaited<ReturnType<typeof runRandom>> }> = [];
await runPbt(0, 'pool', ready); // the pool's workers import the member module once
for (let seed = 0; seed < seeds; seed++) {
  // Rotate the order, so that none always gets the warmer (or quieter) machine.
  const modes: Mode[] = seed < timed ? ['thread', 'workers', 'pool'] : ['pool'];
  const order = [...modes.slice(seed % 3), ...modes.slice(0, seed % 3)];
  const got = new Map<Mode, PbtRun>();
  for (const m of order) got.set(m, await runPbt(seed, m));
  const wp = got.get('pool')!, p = got.get('thread') ?? wp, w = got.get('workers') ?? wp;
  const t1 = performance.now();
  const r = await runRandom(seed);
  const sRandom = (performance.now() - t1) / 1000;
  if (seed < timed) rows.push({ seed, pbt: p, workers: w, pool: wp, random: r, sRandom });
  accuracy.push({ seed, pbt: p, random: r });
  const schedule = p.schedule.map((s) => `${s.epoch}:${s.params.lr.toPrecision(3)}`).join(' → ');
  const same = [w, wp].every((x) => x.val === p.val && x.test === p.test) ? 'same result' : `DIFFERENT results (val ${w.val.toFixed(4)}, ${wp.val.toFixed(4)})`;
  if (seed >= timed) console.log(`seed ${seed}: PBT ${wp.seconds.toFixed(1)} s in a warm pool | PBT val ${p.val.toFixed(4)} test ${p.test.toFixed(4)} | random val ${r.val.toFixed(4)} test ${r.test.toFixed(4)} lr ${r.lr.toPrecision(3)} (${sRandom.toFixed(1)} s) | PBT lr schedule ${schedule}`);
  else console.log(`seed ${seed}: PBT ${p.seconds.toFixed(1)} s in this thread (${p.cores.toFixed(2)} cores busy), ${w.seconds.toFixed(1)} s in ${workers} new workers (${w.cores.toFixed(2)} cores; ×${(p.seconds / w.seconds).toFixed(2)}), ${wp.seconds.toFixed(1)} s in a warm pool (${wp.cores.toFixed(2)} cores; ×${(p.seconds / wp.seconds).toFixed(2)}), ${same} | PBT val ${p.val.toFixed(4)} test ${p.test.toFixed(4)} | random val ${r.val.toFixed(4)} test ${r.test.toFixed(4)} lr ${r.lr.toPrecision(3)} (${sRandom.toFixed(1)} s) | PBT lr schedule ${schedule}`);
}
const line = (name: string, pick: (r: (typeof rows)[number]) => PbtRun) => {
  const speedups = rows.map((r) => r.pbt.seconds / pick(r).seconds);
  console.log(`| ${name} | ${median(rows.map((r) => pick(r).seconds)).toFixed(1)} s | ${rows.map((r) => pick(r).seconds.toFixed(1)).join(', ')} | ×${median(speedups).toFixed(2)} (${Math.min(...speedups).toFixed(2)}–${Math.max(...speedups).toFixed(2)}) | ${median(rows.map((r) => pick(r).cores)).toFixed(2)} |`);
};
console.log(`\n| PBT, ${members} members × ${epochs} epochs | median wall-clock | per seed (s) | speed-up, median of per-seed ratios (min–max) | cores busy (CPU time / wall-clock), median |`);
console.log('|---|---|---|---|---|');
line('all members in this thread', (r) => r.pbt);
line(`\`workers: ${workers}\` (threads started by the run)`, (r) => r.workers);
line(`\`workers: pool\` (a warm \`workerPool({ size: ${workers} })\`)`, (r) => r.pool);
console.log(`same result in all three on ${rows.filter((r) => [r.workers, r.pool].every((x) => x.val === r.pbt.val && x.test === r.pbt.test)).length} of ${rows.length} seeds`);
await pool.close();

const wins = accuracy.filter((r) => r.pbt.val > r.random.val).length;
const losses = accuracy.filter((r) => r.pbt.val < r.random.val).length;
console.log(`\n| method | median best val accuracy | per seed | median test accuracy of that model | total epochs |`);
console.log('|---|---|---|---|---|');
console.log(`| PBT (${members} members) | ${median(accuracy.map((r) => r.pbt.val)).toFixed(4)} | ${accuracy.map((r) => r.pbt.val.toFixed(3)).join(', ')} | ${median(accuracy.map((r) => r.pbt.test)).toFixed(4)} | ${members * epochs} |`);
console.log(`| random search (${members} trials) | ${median(accuracy.map((r) => r.random.val)).toFixed(4)} | ${accuracy.map((r) => r.random.val.toFixed(3)).join(', ')} | ${median(accuracy.map((r) => r.random.test)).toFixed(4)} | ${members * epochs} |`);
console.log(`PBT better on ${wins} seeds, random search on ${losses}, ${accuracy.length - wins - losses} ties (validation); test: PBT better on ${accuracy.filter((r) => r.pbt.test > r.random.test).length}, random on ${accuracy.filter((r) => r.pbt.test < r.random.test).length}`);

const svgPath = args.get('svg');
if (svgPath) {
  // Learning rate (log scale) against epoch, one step line per seed; the random search's picks as dots at the right.
  const W = 640, H = 340, L = 60, R = 150, T = 30, B = 40;
  const lo = Math.log10(1e-3), hi = Math.log10(0.5);
  const sx = (e: number) => L + (e / epochs) * (W - L - R);
  const sy = (lr: number) => T + (1 - (Math.log10(lr) - lo) / (hi - lo)) * (H - T - B);
  const hue = (i: number) => `hsl(${Math.round((360 * i) / accuracy.length)}, 65%, 42%)`;
  const parts: string[] = [`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999"/>`];
  for (const lr of [1e-3, 1e-2, 1e-1]) parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(lr)}" y2="${sy(lr)}" stroke="#eee"/><text x="${L - 6}" y="${sy(lr) + 4}" text-anchor="end">${lr}</text>`);
  for (let e = 0; e <= epochs; e += ready) parts.push(`<text x="${sx(e)}" y="${H - B + 15}" text-anchor="middle">${e}</text>`);
  accuracy.forEach((row, i) => {
    const pts = row.pbt.schedule;
    let d = '';
    pts.forEach((p, k) => {
      const next = k + 1 < pts.length ? pts[k + 1]!.epoch : epochs;
      d += `${k === 0 ? 'M' : 'L'} ${sx(p.epoch).toFixed(1)} ${sy(p.params.lr).toFixed(1)} L ${sx(next).toFixed(1)} ${sy(p.params.lr).toFixed(1)} `;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${hue(i)}" stroke-width="1.6"/>`);
    parts.push(`<circle cx="${W - R + 12}" cy="${sy(row.random.lr).toFixed(1)}" r="3" fill="${hue(i)}"/>`);
    parts.push(`<text x="${W - R + 24}" y="${T + 12 + i * 14}" fill="${hue(i)}">seed ${row.seed}: ${row.pbt.val.toFixed(3)} / ${row.random.val.toFixed(3)}</text>`);
  });
  parts.push(`<text x="${L + (W - L - R) / 2}" y="${H - 6}" text-anchor="middle">epoch</text>`);
  parts.push(`<text x="${L}" y="${T - 10}">Learning rate of the best PBT member (steps); dots: random search's pick</text>`);
  parts.push(`<text x="${W - R + 24}" y="${T}" fill="#444">val acc PBT / random</text>`);
  writeFileSync(svgPath, `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`);
  console.log(`wrote ${svgPath}`);
}
