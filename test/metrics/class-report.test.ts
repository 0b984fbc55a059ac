/**
 * `evaluate(model, data, { report: true })` (issue 20): the confusion matrix and the per-class lines
 * are scikit-learn's `confusion_matrix` and `classification_report` of the same predictions, for a
 * binary model (one sigmoid output) and a three-class softmax model, trained and untrained, on wasm
 * and cpu.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { lastValueFrom } from 'rxjs';
import { useBackend } from '../../lib/backend/use-backend.js';
import { breastCancer, wine } from '../../lib/data/bundled.js';
import { applyNormalizer, fitNormalizer } from '../../lib/data/normalize.js';
import { split } from '../../lib/data/split.js';
import type { ArrayDataset } from '../../lib/data/types.js';
import { evaluate, predictAll } from '../../lib/evaluate.js';
import type { Loss } from '../../lib/losses.js';
import { mlp } from '../../lib/models/mlp.js';
import { train } from '../../lib/train.js';
import { sklearnMissing, sklearnReport } from './sklearn.js';

function normalisedSplit(ds: ArrayDataset): { trainSet: ArrayDataset; test: ArrayDataset } {
  const parts = split(ds, { test: 0.3, seed: 5 });
  const stats = fitNormalizer(parts.train, 'standard');
  return { trainSet: applyNormalizer(parts.train, stats), test: applyNormalizer(parts.test, stats) };
}
const cancer = normalisedSplit(breastCancer());
const wines = normalisedSplit(wine());

const cases: Array<{ what: string; data: typeof cancer; classes: number; loss: Loss; epochs: number; names: string[] }> = [
  { what: 'breast-cancer, one sigmoid output, trained', data: cancer, classes: 1, loss: 'binaryCrossentropy', epochs: 3, names: ['malignant', 'benign'] },
  { what: 'wine, three classes, trained a little', data: wines, classes: 3, loss: 'categoricalCrossentropy', epochs: 1, names: ['class_0', 'class_1', 'class_2'] },
  { what: 'wine, three classes, untrained', data: wines, classes: 3, loss: 'categoricalCrossentropy', epochs: 0, names: ['class_0', 'class_1', 'class_2'] },
];

for (const backend of ['wasm', 'cpu'] as const) {
  t.test(`${backend}: confusion matrix and per-class report = scikit-learn's`, { skip: sklearnMissing }, async (t) => {
    await useBackend(backend, { env: {} });
    const before = tf.memory().numTensors;
    for (const c of cases) {
      const features = c.data.trainSet.xShape[0]!;
      const model = mlp({ inputShape: [features], units: [8], classes: c.classes, seed: 2 });
      if (c.epochs > 0) await lastValueFrom(train(model, c.data.trainSet, { epochs: c.epochs, batchSize: 16, loss: c.loss, optimizer: { name: 'adam', lr: 0.01 } }));
      const ours = evaluate(model, c.data.test, { loss: c.loss, metrics: ['f1_macro', 'f1_weighted', 'precision_macro', 'recall_weighted'], report: true, batchSize: 20 });
      const p = predictAll(model, c.data.test);
      const k = Math.max(c.classes, 2);
      const scores = c.classes === 1 ? Array.from(p.values) : Array.from({ length: c.data.test.length }, (_, i) => Array.from(p.values.subarray(i * k, (i + 1) * k)));
      const theirs = sklearnReport(c.classes === 1 ? 'binary' : 'multiclass', Array.from(c.data.test.y), scores);
      t.same(ours.confusionMatrix, theirs.confusion_matrix, `${c.what}: confusion matrix ${JSON.stringify(ours.confusionMatrix)}`);
      t.same(ours.perClass!.map((l) => [l.class, l.name]), c.names.map((n, i) => [i, n]), `${c.what}: a line per class, named`);
      for (const line of ours.perClass!) {
        const r = theirs.classification_report[String(line.class)]!;
        const same = Math.abs(line.precision - r.precision) < 1e-12 && Math.abs(line.recall - r.recall) < 1e-12 && Math.abs(line.f1 - r['f1-score']) < 1e-12 && line.support === r.support;
        t.ok(same, `${c.what}, ${line.name}: rxtrain ${JSON.stringify([line.precision, line.recall, line.f1, line.support])}, scikit-learn ${JSON.stringify([r.precision, r.recall, r['f1-score'], r.support])}`);
      }
      const macro = theirs.classification_report['macro avg']!;
      const weighted = theirs.classification_report['weighted avg']!;
      t.ok(Math.abs(ours.f1_macro! - macro['f1-score']) < 1e-12 && Math.abs(ours.precision_macro! - macro.precision) < 1e-12, `${c.what}: macro avg`);
      t.ok(Math.abs(ours.f1_weighted! - weighted['f1-score']) < 1e-12 && Math.abs(ours.recall_weighted! - weighted.recall) < 1e-12, `${c.what}: weighted avg`);
      if (c.epochs === 0) t.ok(ours.perClass!.some((l) => l.precision === 0), `${c.what}: a class with no correct prediction has precision 0`);
      model.dispose();
    }
    t.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });
}

t.test('without report: no matrix; a regression loss: refused', async (t) => {
  await useBackend('cpu', { env: {} });
  const model = mlp({ inputShape: [13], units: [4], classes: 3, seed: 2 });
  const plain = evaluate(model, wines.test);
  t.same(Object.keys(plain).sort(), ['accuracy', 'loss']);
  const regression = mlp({ inputShape: [13], units: [4], outputs: 1, seed: 2 });
  t.throws(() => evaluate(regression, wines.test, { loss: 'meanSquaredError', report: true }), { code: 'INVALID_CONFIG', message: /^evaluate\(\): option 'report' is a per-class report: it needs a classification loss, not meanSquaredError$/ });
  t.throws(() => evaluate(model, wines.test, { report: 'yes' as never }), { code: 'INVALID_CONFIG', message: /option 'report'/ });
  model.dispose();
  regression.dispose();
});
