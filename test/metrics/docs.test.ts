/**
 * docs/metrics.md promises that its code blocks run as they are: run each one (in this process, on
 * wasm, with `'rxtrain'` pointing at this checkout's lib/index.ts) and check what they print.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { useBackend } from '../../lib/backend/use-backend.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(join(root, 'docs', 'metrics.md'), 'utf8');
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

t.test('docs/metrics.md code blocks run and print what their comments say', async (t) => {
  t.equal(blocks.length, 6, 'binary, several classes, regression, class weights, cross-validation, a study');
  await useBackend('wasm', { env: {} });
  const dir = t.testdir({});
  const shim = join(dir, 'rxtrain.ts');
  writeFileSync(shim, `export * from ${JSON.stringify(join(root, 'lib/index.ts'))};\n`);
  const printed: string[][] = [];
  const log = console.log;
  try {
    for (const [k, code] of blocks.entries()) {
      const out: string[] = [];
      printed.push(out);
      console.log = (...args: unknown[]) => void out.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { breakLength: Infinity, compact: true }))).join(' '));
      const file = join(dir, `block-${k}.ts`);
      writeFileSync(file, code.replaceAll(`from 'rxtrain'`, `from ${JSON.stringify(pathToFileURL(shim).href)}`));
      await import(pathToFileURL(file).href);
    }
  } finally {
    console.log = log;
  }
  const [binary, classes, regression, weights, folds, studied] = printed.map((lines) => lines.join('\n'));
  t.comment(printed.map((lines, k) => `block ${k}:\n${lines.join('\n')}`).join('\n'));
  t.match(binary, /^val_auc did not improve for 4 epochs \(best 0\.99\d+ at epoch \d+\)$/m);
  t.match(binary, /^loss 0\.\d{3}, accuracy 0\.9\d\d, precision 0\.9\d\d, recall 0\.9\d\d, f1 0\.9\d\d, auc 0\.99\d, pr_auc 0\.99\d, log_loss 0\.\d{3}$/m);
  t.match(classes, /^\[ \[ \d+, \d+, \d+ \], \[ \d+, \d+, \d+ \], \[ \d+, \d+, \d+ \] \]$/m, 'the confusion matrix');
  t.match(classes, /^class_0 [01]\.\d\d [01]\.\d\d [01]\.\d\d 18\nclass_1 [01]\.\d\d [01]\.\d\d [01]\.\d\d 21\nclass_2 [01]\.\d\d [01]\.\d\d [01]\.\d\d 14$/m, 'a line per class, with its support');
  const r2 = Number(/R² ([\d.]+)/.exec(regression ?? '')?.[1]);
  t.match(regression, /^test RMSE \d+\.\d, R² 0\.\d{3}, MAE \d+\.\d, MAPE 0\.\d{3}$/m);
  t.ok(r2 > 0.3, `diabetes test R² ${r2}`);
  const recall = [...(weights ?? '').matchAll(/malignant recall ([\d.]+)/g)].map((m) => Number(m[1]));
  t.match(weights, /^unweighted undefined malignant recall/m);
  t.match(weights, /^balanced \{ '0': 1\.3\d+, '1': 0\.7\d+ \} malignant recall/m, "'balanced' resolved in runStart");
  t.ok(recall.length === 3 && recall[1]! >= recall[0]! + 0.1 && recall[2]! > recall[0]!, `malignant recall: unweighted ${recall[0]}, balanced ${recall[1]}, weights 2:1 ${recall[2]}`);
  t.match(folds, /^fold 1: val_f1 0\.\d{3}$/m);
  t.match(folds, /^val_f1 0\.9\d\d ± 0\.\d{3} over 5 folds$/m);
  t.match(studied, /^best val_f1 0\.9\d\d \(mean of 3 folds\) with \{ lr: [\d.e-]+, units: \d+ \}$/m);
  t.match(studied, /^0 completed 3 folds, 1 completed 3 folds/m);
});
