/**
 * Make the pre-trained model rxtrain ships: a small CNN (conv16-3x3, pool 2, conv32-3x3, pool 2,
 * dense64, softmax) trained on the Fashion-MNIST images of classes 0-4 (T-shirt/top, Trouser,
 * Pullover, Dress, Coat), seeded, saved to models/fashion-cnn-0to4/ with saveModel. The other five
 * classes (Sandal, Shirt, Sneaker, Bag, Ankle boot) are left for fine-tuning (examples/fine-tune.ts).
 *
 *   apt-get install dataset-fashion-mnist     # the data, once
 *   node --conditions=rxtrain-source --import=tsx examples/pretrain.ts [--out models/fashion-cnn-0to4]
 *
 * Seeded (weights, shuffles): the same backend gives the same weights (the shipped one: wasm).
 */
import { lastValueFrom, tap } from 'rxjs';
import { cnn, evaluate, fashionMnist, keepClasses, saveModel, train, useBackend } from 'rxtrain';

const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : 'models/fashion-cnn-0to4';
const SEED = 2026;
const CLASSES = [0, 1, 2, 3, 4];
const EPOCHS = 3;

const backend = await useBackend(process.env.RXTRAIN_BACKEND === 'cpu' ? 'cpu' : 'wasm');
const data = fashionMnist();
const trainSet = keepClasses(data.train, CLASSES);
const testSet = keepClasses(data.test, CLASSES);
console.log(`backend ${backend.name}; ${trainSet.length} training and ${testSet.length} test images of classes ${trainSet.classNames?.join(', ')}`);

const model = cnn({ inputShape: [28, 28, 1], filters: [16, 32], dense: [64], classes: CLASSES.length, seed: SEED });
const started = Date.now();
await lastValueFrom(
  train(model, trainSet, { epochs: EPOCHS, batchSize: 64, optimizer: { name: 'adam', lr: 1e-3 }, seed: SEED }).pipe(
    tap((e) => e.type === 'epochEnd' && console.log(`epoch ${e.epoch}/${EPOCHS}  loss ${e.metrics.loss.toFixed(4)}  accuracy ${e.metrics.accuracy?.toFixed(4)}  ${(e.durationMs / 1000).toFixed(0)} s`)),
  ),
);
const testAccuracy = evaluate(model, testSet).accuracy ?? NaN;
console.log(`test accuracy ${testAccuracy.toFixed(4)} on ${testSet.length} t10k images of classes 0-4 (${((Date.now() - started) / 1000).toFixed(0)} s)`);

model.setUserDefinedMetadata({
  rxtrain: {
    name: 'fashion-cnn-0to4',
    classNames: trainSet.classNames ?? [],
    trainedOn: `Fashion-MNIST train, classes 0-4 (${trainSet.length} images), ${EPOCHS} epochs, adam 1e-3, batch 64, ${backend.name} backend, examples/pretrain.ts`,
    seed: SEED,
    testAccuracy: Number(testAccuracy.toFixed(4)),
  },
});
await saveModel(model, out);
console.log(`saved to ${out}`);
