import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatWith, defer, ignoreElements, lastValueFrom } from 'rxjs';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';
import { wine } from '../../lib/data/bundled.js';
import { split } from '../../lib/data/split.js';
import { fitNormalizer, applyNormalizer } from '../../lib/data/normalize.js';
import { evaluate } from '../../lib/evaluate.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { study } from '../../lib/study/study.js';
import { space, int, logUniform, randomSampler } from '../../lib/search/index.js';
import { saveTrialModel, topK } from '../../lib/ensemble/top-k.js';

await useBackend('wasm');
const root = mkdtempSync(join(tmpdir(), 'rxtrain-topk-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

const parts = split(wine(), { validation: 0.2, test: 0.3, seed: 3 });
const stats = fitNormalizer(parts.train, 'standard');
const [trainSet, validation, test] = [parts.train, parts.validation, parts.test].map((d) => applyNormalizer(d, stats)) as [typeof parts.train, typeof parts.train, typeof parts.train];

t.test('topK: the best trials that saved a model, combined; it beats or matches its mean member', async (t) => {
  const s = study({ name: 'wine', direction: 'maximize', metric: 'val_accuracy', space: space({ units: int(4, 32), lr: logUniform(1e-3, 3e-2) }), sampler: randomSampler({ seed: 1 }), seed: 1 });
  await lastValueFrom(s.optimize((trial) => {
    const model = mlp({ inputShape: [13], units: [trial.params.units], classes: 3, seed: trial.seed });
    const save = defer(() => saveTrialModel(trial, model, join(root, `trial-${trial.number}`))).pipe(ignoreElements());
    return train(model, trainSet, { epochs: 10, optimizer: { name: 'adam', lr: trial.params.lr }, validation, seed: trial.seed }).pipe(concatWith(save));
  }, { trials: 5 }));
  t.ok(s.trials(['completed']).every((tr) => typeof tr.attrs?.modelPath === 'string'), 'every trial recorded its modelPath');
  const before = tf.memory().numTensors;
  const e = await topK(s, 3);
  t.equal(e.kind, 'topK');
  t.equal(e.members.length, 3);
  const ranked = [...s.trials(['completed'])].sort((a, b) => b.value! - a.value! || a.number - b.number).slice(0, 3);
  t.same(ranked.map((r) => evaluate(e.members[ranked.indexOf(r)]!, validation).accuracy), ranked.map((r) => r.value), 'members are the 3 best, best first');
  const memberAcc = e.members.map((m) => evaluate(m, test).accuracy!);
  const mean = memberAcc.reduce((a, b) => a + b, 0) / memberAcc.length;
  const acc = e.evaluate(test).accuracy;
  t.ok(acc >= mean, `topK ${acc.toFixed(3)} ≥ mean member ${mean.toFixed(3)} (${memberAcc.map((a) => a.toFixed(3)).join(', ')})`);
  e.dispose();
  t.equal(tf.memory().numTensors, before);
  await t.rejects(topK(s, 6), { code: 'INVALID_CONFIG', message: /'k' is 6 but only 5 completed trial\(s\) saved a model/ });
  await t.rejects(topK({} as never, 1), { code: 'INVALID_CONFIG', message: /'study' must be a study/ });
});
