import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { checkpointStore } from '../../lib/pbt/checkpoints.js';
import { explore } from '../../lib/pbt/explore.js';
import { toyMember, toySpace, type ToyParams } from '../../lib/pbt/toy.js';
import type { PbtCompleted, PbtEvent, PbtMember } from '../../lib/pbt/types.js';
import { space, uniform, logUniform, int, choice, when } from '../../lib/search/space.js';
import { createRandom } from '../../lib/random.js';
import { eventually } from '../eventually.js';

await useBackend('cpu');

const tempDir = (t: { teardown(f: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'pbt-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** A toy member that records every load and checks that the folder it loads exists. */
function watched(log: Array<{ member: number; op: string; path: string; existed: boolean }>, member: number, inner: PbtMember<ToyParams> = toyMember()): PbtMember<ToyParams> {
  return {
    ...inner,
    async save(dir) { await inner.save(dir); log.push({ member, op: 'save', path: dir, existed: existsSync(dir) }); },
    async load(dir) { log.push({ member, op: 'load', path: dir, existed: existsSync(join(dir, 'theta.json')) }); await inner.load(dir); },
  };
}

const base = { populationSize: 4, epochs: 24, readyEvery: 3, metric: 'Q', direction: 'maximize' as const, explore: { perturb: [0.8, 1.2], resample: 0.25 }, seed: 5 };

t.test('checkpoints: kept while a member may copy them, deleted after, never missing', async (t) => {
  const dir = tempDir(t);
  const log: Array<{ member: number; op: string; path: string; existed: boolean }> = [];
  const events = await lastValueFrom(pbt(toySpace, ({ member }) => watched(log, member), { ...base, checkpointDir: dir }).pipe(toArray()));
  const loads = log.filter((l) => l.op === 'load');
  t.ok(loads.length >= 7, `${loads.length} copies`);
  t.ok(loads.every((l) => l.existed), 'every checkpoint a member copied was there');
  const exploits = events.filter((e) => e.type === 'exploit');
  t.same(exploits.map((e) => e.checkpoint), loads.map((l) => l.path), 'each exploit event names the checkpoint copied');
  // What is left: exactly the checkpoints the final state names, and the state.
  const state = JSON.parse(readFileSync(join(dir, 'pbt.json'), 'utf8')) as { epoch: number; members: Array<{ checkpoint: string }> };
  t.equal(state.epoch, 24);
  const left = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => readdirSync(join(dir, d.name)).map((e) => `${d.name}/${e}`));
  t.same(left.sort(), [...new Set(state.members.map((m) => m.checkpoint))].sort(), 'older checkpoints were deleted');
  const end = events.at(-1) as PbtCompleted;
  t.ok(end.best.checkpoint && existsSync(end.best.checkpoint), 'the best member\'s checkpoint is kept');
});

t.test('a temporary checkpoint folder is removed at the end; members are disposed', async (t) => {
  const before = tf.memory().numTensors;
  const events = await lastValueFrom(pbt(toySpace, () => toyMember(), base).pipe(toArray()));
  const started = events[0] as Extract<PbtEvent, { type: 'pbtStarted' }>;
  t.notOk(existsSync(started.dir), 'temporary folder removed');
  t.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

t.test('a stopped run resumes from its last ready time and ends as an uninterrupted one', async (t) => {
  const full = (await lastValueFrom(pbt(toySpace, () => toyMember(), { ...base, checkpointDir: tempDir(t) }))) as PbtCompleted;
  const dir = tempDir(t);
  const before = tf.memory().numTensors;
  await new Promise<void>((resolve) => {
    const sub = pbt(toySpace, () => toyMember(), { ...base, checkpointDir: dir }).subscribe((e) => {
      if (e.type === 'epochEnd' && e.epoch === 13 && e.member === 2) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  await eventually(() => tf.memory().numTensors === before, undefined, 'the members to be disposed');
  t.equal(tf.memory().numTensors, before, 'stopping disposed the members');
  const events = await lastValueFrom(pbt(toySpace, () => toyMember(), { ...base, checkpointDir: dir }).pipe(toArray()));
  t.match(events[0], { type: 'pbtStarted', epoch: 12 }, 'it resumes at the last ready time');
  const end = events.at(-1) as PbtCompleted;
  t.same(end.members, full.members, 'same values, parameters and schedules as an uninterrupted run');
});

t.test('a failing member does not end the run: it ranks last and copies a better one', async (t) => {
  const failing = (): PbtMember<ToyParams> => {
    const inner = toyMember();
    let calls = 0;
    return { ...inner, train: (from, k) => { if (calls++ === 1) throw new Error('boom'); return inner.train(from, k); } };
  };
  const events = await lastValueFrom(pbt(toySpace, ({ member }) => (member === 1 ? failing() : toyMember()), { ...base, epochs: 9 }).pipe(toArray()));
  const failed = events.filter((e) => e.type === 'memberFailed');
  t.match(failed, [{ member: 1, epoch: 3, error: 'boom' }]);
  const ready = events.filter((e) => e.type === 'ready')[1]!;
  t.equal(ready.ranking.at(-1)!.member, 1, 'ranked last');
  t.ok(events.some((e) => e.type === 'exploit' && e.member === 1 && e.epoch === 6), 'copied a better member');
  t.equal(events.at(-1)!.type, 'pbtCompleted');
});

t.test('explore keeps parameters in the space', async (t) => {
  const s = space({ lr: logUniform(1e-5, 1e-1), units: int(1, 64), d: uniform(0, 0.5, { step: 0.1 }), opt: choice(['adam', 'sgd']), m: when('opt', 'sgd', uniform(0, 0.99)) });
  const r = createRandom(1);
  for (let i = 0; i < 300; i++) {
    const p = s.sample(r);
    for (const cfg of [{ perturb: [0.8, 1.2] }, { perturb: [0.5, 2], resample: 0.3 }, { resample: 0.5 }]) {
      const q = explore(s, cfg, p, r);
      if (!s.validate(q)) t.fail(s.problems(q).join('; '));
    }
  }
  const q: Record<string, unknown> = explore(s, { perturb: [1.2] }, { lr: 0.01, units: 3, d: 0.2, opt: 'adam' as 'adam' | 'sgd' }, createRandom(0));
  t.same({ ...q, m: 0 }, { lr: 0.012, units: 4, d: 0.3, opt: 'sgd', m: 0 }, 'log floats scale; ints and stepped floats move by at least a step; a categorical moves to a neighbour');
  t.ok(typeof q.m === 'number', 'a parameter activated by the move is drawn');
});

t.test('checkpointStore deletes a folder when its last holder releases it', async (t) => {
  const removed: string[] = [];
  const store = checkpointStore(async (p) => { removed.push(p); });
  store.retain('a'); store.retain('a'); store.retain('b');
  await store.release('a');
  t.same(removed, []);
  await store.release('a');
  t.same(removed, ['a']);
  await t.rejects(store.release('a'), /released more often than retained/);
  t.same(store.held(), ['b']);
});

t.test('config errors name the field', async (t) => {
  const ok = { populationSize: 2, epochs: 4, readyEvery: 2, metric: 'Q', direction: 'maximize' as const };
  const make = () => toyMember();
  t.throws(() => pbt(toySpace, make, { ...ok, populationSize: 1 }), /'populationSize' must be at least 2/);
  t.throws(() => pbt(toySpace, make, { ...ok, readyEvery: 0 }), /'readyEvery' must be a positive integer/);
  t.throws(() => pbt(toySpace, make, { ...ok, exploit: { quantile: 0.7 } }), /'exploit.quantile' must be in \(0, 0.5\]/);
  t.throws(() => pbt(toySpace, make, { ...ok, explore: { perturb: [] } }), /'explore.perturb' must be a non-empty array/);
  t.throws(() => pbt(toySpace, make, { ...ok, explore: { resample: 2 } }), /'explore.resample' must be in \[0, 1\]/);
  t.throws(() => pbt(toySpace, make, { ...ok, metric: '' }), /'metric' must be a non-empty string/);
  t.throws(() => pbt(toySpace, make, { ...ok, initial: [{ h0: 2, h1: 0 }, { h0: 0, h1: 1 }] }), /'initial\[0\]' does not fit the space: 'h0' = 2/);
  t.throws(() => pbt(toySpace, make, { ...ok, readyEvry: 2 } as never), /'readyEvry' is not a known option/);
  const end = await lastValueFrom(pbt(toySpace, make, { ...ok, metric: 'nope' }).pipe(toArray()));
  t.match(end.filter((e) => e.type === 'memberFailed')[0], { error: /has no metric 'nope' \(it has: Q, theta0, theta1\)/ });
});
