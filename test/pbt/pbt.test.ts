import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asapScheduler, defer, finalize, lastValueFrom, repeat, subscribeOn, tap, toArray } from 'rxjs';
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
    async save(dir, checkpoints) { await inner.save(dir, checkpoints); log.push({ member, op: 'save', path: dir, existed: existsSync(dir) }); },
    async load(dir, checkpoints) { log.push({ member, op: 'load', path: dir, existed: existsSync(join(dir, 'variables.json')) }); await inner.load(dir, checkpoints); },
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

/**
 * A toy member whose epochs each start in a later microtask, so that several members' segments are in
 * flight at once, and that writes to `log` every call (a save once it has written) and every epoch.
 */
function traced(log: string[], member: number, onDispose: () => void): PbtMember<ToyParams> {
  const inner = toyMember();
  return {
    train(from, k) {
      log.push(`train ${member}`);
      let completed = false;
      return defer(() => inner.train(from, 1)).pipe(
        subscribeOn(asapScheduler),
        repeat(k),
        tap({ next: () => log.push(`epoch ${member}`), complete: () => (completed = true) }),
        finalize(() => log.push(`${completed ? 'trained' : 'stopped'} ${member}`)),
      );
    },
    setParams(p) { log.push(`setParams ${member}`); inner.setParams(p); },
    async save(dir, checkpoints) { await inner.save(dir, checkpoints); log.push(`save ${member}`); },
    async load(dir, checkpoints) { log.push(`load ${member}`); await inner.load(dir, checkpoints); },
    dispose() { log.push(`dispose ${member}`); inner.dispose(); onDispose(); },
  };
}

/** A promise and the function that resolves it. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const disposes = ['dispose 0', 'dispose 1', 'dispose 2', 'dispose 3'];

t.test('unsubscribing mid-round tears every member down: their segments stop, no call starts after it, members and folder are freed', async (t) => {
  const before = tf.memory().numTensors;
  const log: string[] = [];
  const released = signal();
  let disposed = 0;
  const make = ({ member }: { member: number }) => traced(log, member, () => ++disposed === 4 && released.resolve());
  let dir = '';
  let mark = -1;
  let after = 0;
  await new Promise<void>((resolve) => {
    const sub = pbt(toySpace, make, { ...base, concurrency: 2 }).subscribe((e) => {
      if (mark !== -1) after++;
      if (e.type === 'pbtStarted') dir = e.dir;
      if (e.type === 'epochEnd' && e.member === 1 && e.epoch === 5) {
        mark = log.length;
        sub.unsubscribe();
        resolve();
      }
    });
  });
  t.same(log.slice(0, mark).filter((l) => l.startsWith('train ')), ['train 0', 'train 1', 'train 2', 'train 3', 'train 0', 'train 1'], 'two segments were in flight, two waiting');
  t.same(log.slice(mark, mark + 2).sort(), ['stopped 0', 'stopped 1'], 'unsubscribing stopped the two segments in flight at once');
  await released.promise;
  t.equal(after, 0, 'no event after the unsubscribe');
  t.same(log.slice(mark).sort(), [...disposes, 'stopped 0', 'stopped 1'], 'then every member was disposed; no member trained, saved, loaded or changed parameters');
  t.equal(tf.memory().numTensors, before, 'their tensors are freed');
  await eventually(() => !existsSync(dir), undefined, 'the temporary folder to be removed');
  t.notOk(existsSync(dir), 'the temporary folder is removed');
});

t.test('unsubscribing during a save lets the save finish, then disposes the members and removes the folder', async (t) => {
  const before = tf.memory().numTensors;
  const log: string[] = [];
  const released = signal();
  let disposed = 0;
  const gate = signal();
  const saving = signal<string>();
  const make = ({ member }: { member: number }): PbtMember<ToyParams> => {
    const inner = traced(log, member, () => ++disposed === 4 && released.resolve());
    let saves = 0;
    return {
      ...inner,
      async save(dir, checkpoints) {
        if (member === 0 && ++saves === 2) {
          saving.resolve(dir);
          await gate.promise;
        }
        await inner.save(dir, checkpoints);
      },
    };
  };
  const sub = pbt(toySpace, make, base).subscribe();
  const path = await saving.promise;
  const mark = log.length;
  sub.unsubscribe();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(disposed, 0, 'no member is disposed while one saves');
  gate.resolve();
  await released.promise;
  t.equal(log[mark], 'save 0', 'the save finished first');
  t.same(log.slice(mark + 1).sort(), disposes, 'then the members were disposed; no other call started');
  t.equal(tf.memory().numTensors, before, 'their tensors are freed');
  const dir = join(path, '..', '..');
  await eventually(() => !existsSync(dir), undefined, 'the temporary folder to be removed');
  t.notOk(existsSync(dir), 'the temporary folder is removed, with the checkpoint the save wrote');
});

t.test('two subscriptions of one pbt() Observable are two runs: neither shares the other\'s members, folder or state', async (t) => {
  const before = tf.memory().numTensors;
  const single = (await lastValueFrom(pbt(toySpace, () => toyMember(), base))) as PbtCompleted;
  const run = pbt(toySpace, () => toyMember(), base);
  const [a, b] = await Promise.all([lastValueFrom(run.pipe(toArray())), lastValueFrom(run.pipe(toArray()))]);
  const dirs = [a, b].map((events) => (events[0] as Extract<PbtEvent, { type: 'pbtStarted' }>).dir);
  t.not(dirs[0], dirs[1], 'each has its own checkpoint folder');
  t.same((a.at(-1) as PbtCompleted).members, single.members, 'the first ends as a run alone does');
  t.same((b.at(-1) as PbtCompleted).members, single.members, 'so does the second');
  t.equal(tf.memory().numTensors, before, 'both freed their members');
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
