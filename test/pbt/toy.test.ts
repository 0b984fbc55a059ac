import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { toyMember, toySpace, type ToyParams } from '../../lib/pbt/toy.js';
import type { PbtCompleted, PbtEvent } from '../../lib/pbt/types.js';
import type { Random } from '../../lib/random.js';

await useBackend('cpu');

// The paper's toy (Jaderberg et al. 2017, Fig. 2): two members, θ from (0.9, 0.9), h = (1, 0) and
// (0, 1), ready every 4 steps, exploring h by Gaussian noise.
const noise = (p: ToyParams, r: Random) => ({ h0: p.h0 + 0.2 * r.normal(), h1: p.h1 + 0.2 * r.normal() });
const variants = {
  pbt: {},
  exploreOnly: { exploit: false },
  exploitOnly: { explore: false },
  grid: { exploit: false, explore: false },
} as const;

function toy(seed: number, variant: (typeof variants)[keyof typeof variants]) {
  return pbt(toySpace, () => toyMember({ lr: 0.02 }), {
    populationSize: 2, epochs: 100, readyEvery: 4, metric: 'Q', direction: 'maximize',
    initial: [{ h0: 1, h1: 0 }, { h0: 0, h1: 1 }], exploit: { quantile: 0.5 }, explore: noise, seed,
    ...variant,
  });
}

t.test('PBT reaches Q close to 1.2; fixed h, exploit-only and explore-only do worse (median of 10 seeds)', async (t) => {
  const before = tf.memory().numTensors;
  const finals: Record<string, number[]> = {};
  for (const [name, variant] of Object.entries(variants)) {
    for (let seed = 0; seed < 10; seed++) {
      const end = (await lastValueFrom(toy(seed, variant))) as PbtCompleted;
      (finals[name] ??= []).push(end.best.value);
    }
  }
  const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return (s[4]! + s[5]!) / 2; };
  const m = Object.fromEntries(Object.entries(finals).map(([k, v]) => [k, median(v)]));
  t.ok(m.pbt! > 1.15, `PBT: Q ${m.pbt!.toFixed(4)} (max 1.2)`);
  t.ok(m.pbt! > m.exploreOnly!, `explore only: ${m.exploreOnly!.toFixed(4)}`);
  t.ok(m.exploitOnly! < 0.4, `exploit only: ${m.exploitOnly!.toFixed(4)}`);
  t.ok(m.grid! < 0.4, `grid (h fixed): ${m.grid!.toFixed(4)}, i.e. 1.2 − 0.9² at best`);
  t.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

t.test('the same seed repeats exactly; lineage events say who copied whom', async (t) => {
  const a = await lastValueFrom(toy(3, {}).pipe(toArray()));
  const b = await lastValueFrom(toy(3, {}).pipe(toArray()));
  // Checkpoint paths are in a new temporary folder each run; everything else repeats.
  const strip = (es: readonly PbtEvent<ToyParams>[]) => JSON.stringify(es.map((e) => (e.type === 'pbtStarted' ? { ...e, dir: '' } : e.type === 'exploit' ? { ...e, checkpoint: '' } : e)));
  t.equal(strip(a), strip(b));
  const exploits = a.filter((e) => e.type === 'exploit');
  const explores = a.filter((e) => e.type === 'explore');
  t.equal(exploits.length, 24, 'one exploit at each of the 24 ready times before the end');
  t.equal(explores.length, 24, 'each followed by an explore');
  const first = exploits[0]!;
  t.match(first, { member: Number, donor: Number, epoch: 4 });
  t.not(first.member, first.donor);
  const end = a.at(-1) as PbtCompleted<ToyParams>;
  t.ok(end.best.schedule.length > 1 && end.best.schedule[0]!.epoch === 1, 'the best member has an inherited hyperparameter schedule');
  t.ok(end.best.schedule.every((s, i, all) => i === 0 || s.epoch > all[i - 1]!.epoch), 'its epochs increase');
});
