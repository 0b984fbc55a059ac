/**
 * Recurrent training on wasm: an LSTM and a GRU reading each Fashion-MNIST image as 28 rows of 28
 * pixels, with rxtrain's replacement kernels against stock wasm's (the recurrent layers need none of
 * the missing kernels, but every backward step is a transposed matMul). Interleaved, medians.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/wasm-rnn.ts [--rounds 3] [--steps 5]
 *
 * Batch 128, Adam 1e-3. Tables go to stderr; stdout gets one JSON line of the results.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels, replaceStockWasmKernels, restoreStockWasmKernels } from '../lib/backend/register-wasm-kernels.js';
import { fashionMnist } from '../lib/data/fashion-mnist.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}
const rounds = option('rounds', 3);
const steps = option('steps', 5);
const batchSize = 128;

await tf.setBackend('wasm');
registerWasmTrainingKernels();
replaceStockWasmKernels();
const { train } = fashionMnist({ limit: batchSize });
const x = tf.tensor3d(train.x, [batchSize, 28, 28]);
const y = tf.oneHot(tf.tensor1d(Int32Array.from(train.y), 'int32'), 10);

// 'orthogonal', the layers' default, needs chained tensor methods, which are not registered here.
const recurrent = { units: 64, inputShape: [28, 28], recurrentInitializer: 'glorotNormal' as const, kernelInitializer: 'glorotUniform' as const };
const models = {
  lstm: () => tfl.sequential({ layers: [tfl.layers.lstm(recurrent), tfl.layers.dense({ units: 10 })] }),
  gru: () => tfl.sequential({ layers: [tfl.layers.gru(recurrent), tfl.layers.dense({ units: 10 })] }),
};

function runner(name: keyof typeof models) {
  const model = models[name]();
  const optimizer = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    run(n: number): number {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        tf.tidy(() => {
          optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, false, vars);
        });
      }
      vars[0]!.dataSync();
      return performance.now() - t0;
    },
  };
}

const results: Record<string, { rxtrain: number[]; stock: number[] }> = {};
for (const name of ['lstm', 'gru'] as const) {
  const r = runner(name);
  r.run(1);
  const rates = { rxtrain: [] as number[], stock: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    replaceStockWasmKernels();
    rates.rxtrain.push((steps * batchSize) / (r.run(steps) / 1000));
    restoreStockWasmKernels();
    rates.stock.push((steps * batchSize) / (r.run(steps) / 1000));
  }
  replaceStockWasmKernels();
  results[name] = rates;
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.error('| model | rxtrain kernels, samples/s | stock wasm kernels, samples/s | ratio |');
console.error('| --- | --- | --- | --- |');
for (const [name, r] of Object.entries(results)) {
  console.error(`| ${name} 64 units, 28 steps | ${median(r.rxtrain).toFixed(0)} (${r.rxtrain.map((v) => v.toFixed(0)).join(', ')}) | ${median(r.stock).toFixed(0)} (${r.stock.map((v) => v.toFixed(0)).join(', ')}) | ${(median(r.rxtrain) / median(r.stock)).toFixed(2)}x |`);
}
console.log(JSON.stringify({ bench: 'wasm-rnn', batchSize, rounds, steps, samplesPerSec: results }));
