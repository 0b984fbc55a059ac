// PBT in a page (issue 21): the browser build's pbt(), its checkpoints in memory by default, runs a
// tiny population in Chromium: the paper's toy (4 members) and layers models with Adam (3 members,
// checkpoints of weights and optimizer state as typed arrays), on cpu and on wasm. Members copy each
// other (exploit) and change their hyperparameters (explore), and tf.memory() in the page is back to
// its count before the runs. The test waits on the page's state, never on time. Skipped without Chromium.
import t from 'tap';
import { lastValueFrom, toArray } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { pbt } from '../../lib/pbt/pbt.js';
import { toyMember, toySpace } from '../../lib/pbt/toy.js';
import type { PbtCompleted } from '../../lib/pbt/types.js';
import { openPage, skipWithoutChromium } from '../monitor/chromium.js';
import { buildBrowser, startPageServer } from './page-server.js';

declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const skip = skipWithoutChromium;
if (!skip) await buildBrowser();

const SCRIPT = `
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom, toArray } from 'rxjs';
import { pbt, toyMember, toySpace, layersMember, mlp, optimizer, fromArrays, space, logUniform, useBackend, createRandom } from 'rxtrain';
const state = window.rxtrainTest;
const backend = new URLSearchParams(location.search).get('backend');
state.backend = (await useBackend(backend, { wasmPaths: '/rxtrain/vendor/' })).name;
state.tensorsBefore = tf.memory().numTensors;
const count = (events) => Object.fromEntries(['pbtStarted', 'epochEnd', 'ready', 'exploit', 'explore', 'pbtCompleted', 'memberFailed'].map((k) => [k, events.filter((e) => e.type === k).length]));

const toy = await lastValueFrom(pbt(toySpace, () => toyMember(), { populationSize: 4, epochs: 12, readyEvery: 2, metric: 'Q', direction: 'maximize', seed: 1 }).pipe(toArray()));
state.toy = { counts: count(toy), dir: toy[0].dir, best: toy.at(-1).best.value, exploits: toy.filter((e) => e.type === 'exploit').map((e) => e.checkpoint), copies: toy.filter((e) => e.type === 'exploit').map((e) => [e.member, e.donor]) };

const random = createRandom(3);
const x = Array.from({ length: 96 }, () => Array.from({ length: 6 }, () => random.float() * 2 - 1));
const y = x.map((r) => { const c = r[0] + r[1] > 0 ? 1 : 0; return [1 - c, c]; });
const data = fromArrays(x.slice(0, 64), y.slice(0, 64));
const validation = fromArrays(x.slice(64), y.slice(64));
const layers = await lastValueFrom(pbt(space({ lr: logUniform(1e-3, 0.1) }), ({ seed, params }) => layersMember({
  model: mlp({ inputShape: [6], units: [8], classes: 2, seed }), optimizer: optimizer({ name: 'adam', lr: params.lr }), data, validation, batchSize: 16, seed,
}), { populationSize: 3, epochs: 4, readyEvery: 1, metric: 'val_accuracy', direction: 'maximize', exploit: { quantile: 0.34 }, seed: 2 }).pipe(toArray()));
state.layers = { counts: count(layers), best: layers.at(-1).best.value };

state.tensorsAfter = tf.memory().numTensors;
state.done = true;
`;

for (const backend of ['cpu', 'wasm'] as const) {
  t.test(`${backend}: a tiny PBT runs in a page from the browser build, members copy and explore, no tensor is left`, { skip }, async (t) => {
    const server = await startPageServer(SCRIPT);
    t.teardown(() => server.close());
    const page = await openPage(t);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}?backend=${backend}`);
    await page.waitForFunction(() => window.rxtrainTest?.done || window.rxtrainTest?.error !== undefined, undefined, { timeout: 240_000 });
    const s = await page.evaluate(() => JSON.parse(JSON.stringify(window.rxtrainTest)));
    t.equal(s.error, undefined, 'no error in the page');
    t.same(errors, []);
    t.equal(s.backend, backend);
    t.match(s.toy.counts, { pbtStarted: 1, epochEnd: 4 * 12, ready: 6, pbtCompleted: 1, memberFailed: 0 }, 'toy: every member trained every epoch');
    t.equal(s.toy.counts.exploit, 5, 'toy: one bottom member copied a top one at each ready time before the last');
    t.equal(s.toy.counts.explore, 5, 'toy: and explored from its parameters');
    t.match(s.toy.dir, /^memory:pbt-\d+$/, 'checkpoints in memory (the browser default)');
    t.ok(s.toy.exploits.every((c: string) => c.startsWith(`${s.toy.dir}/member-`)), 'each copy loaded a checkpoint of that memory');
    // The same seeded run in Node, on the same backend, with its checkpoints in folders: the same copies, the same best.
    await useBackend(backend);
    const node = await lastValueFrom(pbt(toySpace, () => toyMember(), { populationSize: 4, epochs: 12, readyEvery: 2, metric: 'Q', direction: 'maximize', seed: 1 }).pipe(toArray()));
    t.same(s.toy.copies, node.filter((e) => e.type === 'exploit').map((e) => [e.member, e.donor]), 'toy: who copied whom, as in Node on folders');
    t.ok(Math.abs(s.toy.best - (node.at(-1) as PbtCompleted).best.value) < 1e-6, `toy: best Q ${s.toy.best}, as in Node`);
    t.match(s.layers.counts, { epochEnd: 3 * 4, ready: 4, exploit: 3, explore: 3, memberFailed: 0 }, 'layers + Adam: copies at 3 ready times');
    t.equal(s.tensorsAfter, s.tensorsBefore, `tf.memory().numTensors back to ${s.tensorsBefore}`);
  });
}
