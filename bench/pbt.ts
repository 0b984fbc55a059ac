/**
 * PBT vs random search on the bundled digits, with the same total epochs.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/pbt.ts [--seeds=5] [--members=8] [--epochs=16] [--ready=2] [--backend=wasm] [--svg=docs/img/pbt-digits-lr.svg]
 *
 * Both search the learning rate of SGD with momentum 0.9 (log-uniform in [1e-4, 0.5]) for an MLP
 * 64-32-10 (batch 32), on a 60/20/20 split of digits (stratified, seed 42):
 * - PBT: `members` members × `epochs` epochs, ready every `ready` epochs, exploit the top quarter,
 *   explore by ×0.8 / ×1.2;
 * - random search: `members` trials of `epochs` epochs each, learning rates drawn from the same space.
 * Reported per seed: the best final validation accuracy (what each method selects on), the test
 * accuracy of that model, and PBT's learning-rate schedule; then medians over seeds. `--svg` draws the
 * schedules of the best PBT member of every seed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lastValueFrom } from 'rxjs';
import { createRandom, digits, evaluate, hashSeed, loadModel, logUniform, mlp, optimizer, space, split, train, useBackend, type BackendName } from '../lib/index.js';
import { layersMember, pbt, type PbtCompleted } from '../lib/pbt/index.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const seeds = Number(args.get('seeds') ?? 5);
const members = Number(args.get('members') ?? 8);
const epochs = Number(args.get('epochs') ?? 16);
const ready = Number(args.get('ready') ?? 2);
const backend = await useBackend((args.get('backend') ?? 'wasm') as BackendName);
console.log(`backend ${backend.name}; ${members} members × ${epochs} epochs, ready every ${ready}; ${seeds} seeds`);

const { train: trainSet, validation, test } = split(digits(), { validation: 0.2, test: 0.2, seed: 42 });
const lrSpace = space({ lr: logUniform(1e-4, 0.5) });
const makeModel = (seed: number) => mlp({ inputShape: [64], units: [32], classes: 10, seed });
const makeOptimizer = (lr: number) => optimizer({ name: 'momentum', lr, momentum: 0.9 });

async function runPbt(seed: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pbt-'));
  try {
    const end = (await lastValueFrom(
      pbt(lrSpace, ({ seed: s, params }) => layersMember({ model: makeModel(s), optimizer: makeOptimizer(params.lr), data: trainSet, validation, batchSize: 32, seed: s }), {
        populationSize: members, epochs, readyEvery: ready, metric: 'val_accuracy', direction: 'maximize',
        exploit: { quantile: 0.25 }, explore: { perturb: [0.8, 1.2] }, seed, checkpointDir: dir,
      }),
    )) as PbtCompleted<{ lr: number }>;
    const model = await loadModel(end.best.checkpoint!);
    const testAccuracy = evaluate(model, test).accuracy!;
    model.dispose();
    return { val: end.best.value, test: testAccuracy, schedule: end.best.schedule };
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
const rows: Array<{ seed: number; pbt: Awaited<ReturnType<typeof runPbt>>; random: Awaited<ReturnType<typeof runRandom>>; sPbt: number; sRandom: number }> = [];
for (let seed = 0; seed < seeds; seed++) {
  const t0 = performance.now();
  const p = await runPbt(seed);
  const t1 = performance.now();
  const r = await runRandom(seed);
  const t2 = performance.now();
  rows.push({ seed, pbt: p, random: r, sPbt: (t1 - t0) / 1000, sRandom: (t2 - t1) / 1000 });
  const schedule = p.schedule.map((s) => `${s.epoch}:${s.params.lr.toPrecision(3)}`).join(' → ');
  console.log(`seed ${seed}: PBT val ${p.val.toFixed(4)} test ${p.test.toFixed(4)} (${((t1 - t0) / 1000).toFixed(0)} s) | random val ${r.val.toFixed(4)} test ${r.test.toFixed(4)} lr ${r.lr.toPrecision(3)} (${((t2 - t1) / 1000).toFixed(0)} s) | PBT lr schedule ${schedule}`);
}
console.log('\n| method | median best val accuracy | per seed | median test accuracy of that model | total epochs |');
console.log('|---|---|---|---|---|');
console.log(`| PBT (${members} members) | ${median(rows.map((r) => r.pbt.val)).toFixed(4)} | ${rows.map((r) => r.pbt.val.toFixed(3)).join(', ')} | ${median(rows.map((r) => r.pbt.test)).toFixed(4)} | ${members * epochs} |`);
console.log(`| random search (${members} trials) | ${median(rows.map((r) => r.random.val)).toFixed(4)} | ${rows.map((r) => r.random.val.toFixed(3)).join(', ')} | ${median(rows.map((r) => r.random.test)).toFixed(4)} | ${members * epochs} |`);

const svgPath = args.get('svg');
if (svgPath) {
  // Learning rate (log scale) against epoch, one step line per seed; the random search's picks as dots at the right.
  const W = 640, H = 340, L = 60, R = 150, T = 30, B = 40;
  const lo = Math.log10(1e-3), hi = Math.log10(0.5);
  const sx = (e: number) => L + (e / epochs) * (W - L - R);
  const sy = (lr: number) => T + (1 - (Math.log10(lr) - lo) / (hi - lo)) * (H - T - B);
  const hue = (i: number) => `hsl(${Math.round((360 * i) / rows.length)}, 65%, 42%)`;
  const parts: string[] = [`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999"/>`];
  for (const lr of [1e-3, 1e-2, 1e-1]) parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(lr)}" y2="${sy(lr)}" stroke="#eee"/><text x="${L - 6}" y="${sy(lr) + 4}" text-anchor="end">${lr}</text>`);
  for (let e = 0; e <= epochs; e += ready) parts.push(`<text x="${sx(e)}" y="${H - B + 15}" text-anchor="middle">${e}</text>`);
  rows.forEach((row, i) => {
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
