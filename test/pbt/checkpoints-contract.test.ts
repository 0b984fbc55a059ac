/**
 * PBT's contract on both checkpoint stores (issue 21): a seeded run gives the same events whether its
 * checkpoints are folders (Node's default) or typed arrays in memory (a browser's), for the toy (loose
 * variables) and for a layers model with Adam (weights AND optimizer state: a copy that lost the Adam
 * moments would train differently from there on). On the cpu and wasm backends. Memory checkpoints
 * also resume a stopped run, free every tensor they make, and name what is missing.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { pbt as browserPbt } from '../../lib/pbt/pbt-browser.js';
import { folderCheckpoints } from '../../lib/pbt/folder-checkpoints.js';
import { memoryCheckpoints } from '../../lib/pbt/memory-checkpoints.js';
import { layersMember } from '../../lib/pbt/layers-member.js';
import { toyMember, toySpace, type ToyParams } from '../../lib/pbt/toy.js';
import type { PbtCompleted, PbtConfig, PbtEvent } from '../../lib/pbt/types.js';
import { mlp } from '../../lib/models/mlp.js';
import { optimizer } from '../../lib/optimizers.js';
import { digits } from '../../lib/data/bundled.js';
import { split, take } from '../../lib/data/split.js';
import { space, logUniform } from '../../lib/search/space.js';

const tempDir = (t: { teardown(f: () => void): void }): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pbt-contract-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** Events with the store's own names (a folder, `memory:<name>`) cut to what both share (`member-i/epoch-e`). */
const portable = (events: PbtEvent[]): unknown[] =>
  events.map((e) => {
    if (e.type === 'pbtStarted') return { ...e, dir: '' };
    if (e.type === 'exploit') return { ...e, checkpoint: e.checkpoint.replace(/^.*(member-\d+)[/\\](epoch-\d+)$/, '$1/$2') };
    if (e.type === 'pbtCompleted') return { ...e, best: { ...e.best, checkpoint: e.best.checkpoint?.replace(/^.*(member-\d+)[/\\](epoch-\d+)$/, '$1/$2') } };
    return e;
  });

const toyConfig: PbtConfig<ToyParams> = { populationSize: 4, epochs: 16, readyEvery: 2, metric: 'Q', direction: 'maximize', explore: { perturb: [0.8, 1.2], resample: 0.25 }, seed: 3 };
const { train: data, validation } = split(take(digits(), 240), { validation: 0.25, test: 0, seed: 1 });
const lrSpace = space({ lr: logUniform(1e-3, 0.1) });
const layersConfig: PbtConfig<{ lr: number }> = { populationSize: 3, epochs: 4, readyEvery: 1, metric: 'val_accuracy', direction: 'maximize', exploit: { quantile: 0.34 }, seed: 2 };
const makeLayers = ({ seed, params }: { seed: number; params: { lr: number } }) =>
  layersMember<{ lr: number }>({ model: mlp({ inputShape: [64], units: [8], classes: 10, seed }), optimizer: optimizer({ name: 'adam', lr: params.lr }), data, validation, batchSize: 32, seed });

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: the same seeded run gives the same events on folder and memory checkpoints`, async (t) => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const onDisk = await lastValueFrom(pbt(toySpace, () => toyMember(), { ...toyConfig, checkpointDir: tempDir(t) }).pipe(toArray()));
    const inMemory = await lastValueFrom(pbt(toySpace, () => toyMember(), { ...toyConfig, checkpoints: memoryCheckpoints() }).pipe(toArray()));
    const browser = await lastValueFrom(browserPbt(toySpace, () => toyMember(), toyConfig).pipe(toArray()));
    t.ok(onDisk.filter((e) => e.type === 'exploit').length >= 7, 'members copied each other');
    t.same(portable(inMemory), portable(onDisk), 'toy: memory = folder');
    const withoutBest = (events: PbtEvent[]) => portable(events).map((e) => ((e as PbtEvent).type === 'pbtCompleted' ? { ...(e as PbtCompleted), best: { ...(e as PbtCompleted).best, checkpoint: undefined } } : e));
    t.same(withoutBest(browser), withoutBest(onDisk), "toy: the browser's pbt() (memory by default) = folder");
    t.match(browser[0], { type: 'pbtStarted', dir: /^memory:pbt-\d+$/ });
    t.notOk((browser.at(-1) as PbtCompleted).best.checkpoint, "a run's own temporary checkpoints are not reported: they are gone");

    const layersDisk = await lastValueFrom(pbt(lrSpace, makeLayers, { ...layersConfig, checkpointDir: tempDir(t) }).pipe(toArray()));
    const layersMemory = await lastValueFrom(pbt(lrSpace, makeLayers, { ...layersConfig, checkpoints: memoryCheckpoints() }).pipe(toArray()));
    t.ok(layersDisk.some((e) => e.type === 'exploit'), 'a layers member copied another');
    t.same(portable(layersMemory), portable(layersDisk), 'layers + Adam: memory = folder (weights and optimizer state copied alike)');
    t.equal(tf.memory().numTensors, before, 'no tensor leaks on either store');
  });
}

t.test('memory checkpoints resume a stopped run as folders do, and keep the best member for loading', async (t) => {
  await useBackend('cpu');
  const full = (await lastValueFrom(pbt(toySpace, () => toyMember(), { ...toyConfig, checkpoints: memoryCheckpoints() }))) as PbtCompleted<ToyParams>;
  const checkpoints = memoryCheckpoints('resume');
  const before = tf.memory().numTensors;
  await new Promise<void>((resolve) => {
    const sub = browserPbt(toySpace, () => toyMember(), { ...toyConfig, checkpoints }).subscribe((e) => {
      if (e.type === 'epochEnd' && e.epoch === 7 && e.member === 1) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  const events = await lastValueFrom(browserPbt(toySpace, () => toyMember(), { ...toyConfig, checkpoints }).pipe(toArray()));
  t.match(events[0], { type: 'pbtStarted', epoch: 6, dir: 'memory:resume' }, 'it resumes at the last ready time');
  const end = events.at(-1) as PbtCompleted<ToyParams>;
  t.same(end.members, full.members, 'same values, parameters and schedules as an uninterrupted run');
  t.equal(tf.memory().numTensors, before, 'both runs disposed their members');

  const best = toyMember();
  await best.load(end.best.checkpoint!, checkpoints);
  const q = await lastValueFrom(best.train(0, 1).pipe(toArray()));
  t.ok(q.length === 1, 'the best checkpoint loads into a fresh member');
  best.dispose();
});

t.test('memory checkpoints name what is missing', async (t) => {
  await useBackend('cpu');
  const checkpoints = memoryCheckpoints();
  const member = toyMember();
  t.teardown(() => member.dispose());
  await t.rejects(member.load('memory:pbt/member-0/epoch-1', checkpoints), { code: 'DATA_MISSING', message: /no checkpoint memory:pbt\/member-0\/epoch-1 in memory:pbt/ });
  await member.save('a', checkpoints);
  const model = mlp({ inputShape: [4], units: [2], classes: 2, seed: 1 });
  t.teardown(() => model.dispose());
  await t.rejects(checkpoints.load('a', { model }), /checkpoint a has no model \(saved without\)/);
  // A wrapper that forgets to forward pbt's checkpoints is told so, not "cannot read 'save' of undefined".
  await t.rejects(async () => (member.save as (c: string) => Promise<void>)('b'), /need the checkpoints pbt passes as their second argument/);
  t.throws(() => pbt(toySpace, () => toyMember(), { ...toyConfig, checkpoints: memoryCheckpoints(), checkpointDir: tempDir(t) }), /option 'checkpoints' cannot be set with checkpointDir/);
  t.throws(() => pbt(toySpace, () => toyMember(), { ...toyConfig, checkpoints: {} as never }), /missing: save, load, checkpoint/);
  t.throws(() => browserPbt(toySpace, () => toyMember(), { ...toyConfig, checkpointDir: '/tmp/x' }), /option 'checkpointDir' needs Node/);
  t.throws(() => browserPbt(toySpace, { module: './m.js' } as never, toyConfig), /option 'objective' must be a function that makes a member \(a module for worker threads needs Node\)/);
});
