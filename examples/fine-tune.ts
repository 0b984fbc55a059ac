/**
 * Fine-tuning against training from scratch, on a small labelled set of a new task.
 *
 * The shipped model `fashion-cnn-0to4` learned Fashion-MNIST classes 0-4 (T-shirt/top .. Coat). The
 * new task is classes 5-9 (Sandal, Shirt, Sneaker, Bag, Ankle boot), with only 100 or 1,000 labelled
 * images (a stratified seeded sample of the 30,000 training images of those classes). Three ways to
 * learn it, with the same epochs, batch size and optimizer (Adam):
 *
 * - scratch:       the same CNN, freshly initialised (seeded), all layers at rate 1e-3;
 * - scratch 1e-2:  the same at the head's rate, to show the rate alone is not what differs;
 * - head only:     the pre-trained body frozen, a new softmax head trained on its features at 1e-2
 *                  (a new layer starts far from anything useful: it gets the larger rate);
 * - fine-tune:     the new head at 1e-2 on the frozen body for the first third of the epochs, then
 *                  the whole body unfrozen (`unfreezeAt`) at 1e-3 (`discriminativeLr`, factor 0.1).
 *
 * Accuracy on the 5,000 t10k test images of classes 5-9; the median (and each value) over seeds.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/fine-tune.ts [--seeds 3] [--epochs 20] [--labels 100,1000]
 */
import { lastValueFrom } from 'rxjs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkFits, cnn, discriminativeLr, evaluate, fashionMnist, freeze, keepClasses, pretrained, replaceHead, split, train, useBackend, type ArrayDataset } from 'rxtrain';
import { unfreezeAt } from 'rxtrain/operators';

const arg = (name: string, fallback: string): string => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1]! : fallback);
const SEEDS = Number(arg('seeds', '3'));
const EPOCHS = Number(arg('epochs', '20'));
const LABELS = arg('labels', '100,1000').split(',').map(Number);
const LR = 1e-3;
const HEAD_LR = 1e-2;
const BATCH = 32;
const TARGET = [5, 6, 7, 8, 9];

const backend = await useBackend(process.env.RXTRAIN_BACKEND === 'cpu' ? 'cpu' : 'wasm');
const data = fashionMnist();
const pool = keepClasses(data.train, TARGET);
const test = keepClasses(data.test, TARGET);
console.log(`backend ${backend.name}; target classes ${test.classNames?.join(', ')}; ${test.length} test images; ${EPOCHS} epochs, batch ${BATCH}, adam`);

type Method = 'scratch' | 'scratch 1e-2' | 'head only' | 'fine-tune';
const methods: Method[] = ['scratch', 'scratch 1e-2', 'head only', 'fine-tune'];

async function run(method: Method, labelled: ArrayDataset, seed: number): Promise<number> {
  let model: tfl.LayersModel;
  let base: tfl.LayersModel | undefined;
  const opts = { epochs: EPOCHS, batchSize: BATCH, seed };
  if (method === 'scratch' || method === 'scratch 1e-2') {
    model = cnn({ inputShape: [28, 28, 1], filters: [16, 32], dense: [64], classes: TARGET.length, seed });
    await lastValueFrom(train(model, labelled, { ...opts, optimizer: { name: 'adam', lr: method === 'scratch' ? LR : HEAD_LR } }));
  } else {
    base = await pretrained('fashion-cnn-0to4');
    model = replaceHead(base, TARGET.length, { seed });
    checkFits(model, labelled);
    const body = freeze(model, { upTo: -1 });
    if (method === 'head only') {
      await lastValueFrom(train(model, labelled, { ...opts, optimizer: { name: 'adam', lr: HEAD_LR } }));
    } else {
      const optimizer = discriminativeLr({ model, optimizer: { name: 'adam', lr: HEAD_LR }, groups: [{ layers: body, factor: LR / HEAD_LR }] });
      await lastValueFrom(train(model, labelled, { ...opts, optimizer }).pipe(unfreezeAt(Math.round(EPOCHS / 3) + 1, body)));
      optimizer.dispose();
    }
  }
  const accuracy = evaluate(model, test).accuracy ?? NaN;
  model.dispose(); // with the shared body; the base's own old head is left to free
  base?.layers.at(-1)?.dispose();
  return accuracy;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const started = Date.now();
const rows: string[] = [];
for (const n of LABELS) {
  const results = new Map<Method, number[]>(methods.map((m) => [m, []]));
  for (let seed = 1; seed <= SEEDS; seed++) {
    // A stratified, seeded sample of n labelled images (split's stratified `test` part).
    const labelled = split(pool, { test: n, seed }).test;
    for (const method of methods) {
      const acc = await run(method, labelled, seed);
      results.get(method)!.push(acc);
      console.log(`labels ${n}  seed ${seed}  ${method.padEnd(12)}  test accuracy ${acc.toFixed(4)}`);
    }
  }
  for (const method of methods) {
    const accs = results.get(method)!;
    rows.push(`| ${n.toLocaleString('en')} | ${method} | **${median(accs).toFixed(3)}** | ${accs.map((a) => a.toFixed(3)).join(', ')} |`);
  }
}
console.log(`\n| labels | method | test accuracy (median) | per seed (1..${SEEDS}) |\n| --- | --- | --- | --- |\n${rows.join('\n')}`);
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);
