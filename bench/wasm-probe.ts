/**
 * Finds which kernels the stock wasm backend lacks for training, by training one step of each model
 * family and recording every "Kernel 'X' not registered for backend 'wasm'" it meets.
 *
 *   node --conditions=rxtrain-source --import=tsx bench/wasm-probe.ts [--with-rxtrain]
 *
 * A missing kernel is stubbed with a forwarder to the cpu backend's kernel so the probe can continue
 * past it and find the next one (a probe tool, never used for training).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels } from '../lib/backend/register-wasm-kernels.js';

const missing = new Map<string, Set<string>>();

function forwardToCpu(name: string): void {
  const cpuKernel = tf.getKernel(name, 'cpu');
  if (cpuKernel === undefined) throw new Error(`cpu lacks ${name} too`);
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as unknown as tf.KernelBackend & { readSync(id: tf.DataId): tf.backend_util.BackendValues; makeOutput(s: number[], d: tf.DataType, o?: number, v?: tf.backend_util.BackendValues): tf.TensorInfo };
      const cpu = tf.findBackend('cpu')!;
      const cpuInputs: tf.NamedTensorInfoMap = {};
      for (const [k, t] of Object.entries(inputs)) {
        if (t === undefined) continue;
        cpuInputs[k] = { dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
      }
      const out = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
      const outs = Array.isArray(out) ? out : [out];
      const res = outs.map((o) => wasm.makeOutput(o.shape, o.dtype, undefined, cpu.readSync(o.dataId)));
      for (const t of Object.values(cpuInputs)) if (t !== undefined) cpu.disposeData(t.dataId);
      for (const o of outs) cpu.disposeData(o.dataId);
      return Array.isArray(out) ? res : res[0]!;
    },
  });
}

async function probe(label: string, build: () => { model: tfl.LayersModel; x: tf.Tensor; y: tf.Tensor }): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { model, x, y } = build();
    const opt = tf.train.adam(1e-3);
    try {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true);
      loss?.dispose();
      console.log(`${label}: trains`);
      return;
    } catch (e) {
      const m = /Kernel '(\w+)' not registered for backend 'wasm'/.exec(String(e));
      if (m === null) {
        console.log(`${label}: fails: ${String(e).split('\n')[0]}`);
        return;
      }
      const name = m[1]!;
      if (!missing.has(name)) missing.set(name, new Set());
      missing.get(name)!.add(label);
      forwardToCpu(name);
    } finally {
      model.dispose(); x.dispose(); y.dispose(); opt.dispose();
    }
  }
}

const oneHot = (n: number, k: number) => tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % k), 'int32'), k));

await tf.setBackend('wasm');
if (process.argv.includes('--with-rxtrain')) console.log('registered', registerWasmTrainingKernels());

const seq = (...layers: tfl.layers.Layer[]) => tfl.sequential({ layers });
await probe('cnn', () => ({ model: seq(tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 12, 12, 1]), y: oneHot(2, 3) }));
// No dilation: tfjs-core refuses conv gradients with dilation > 1 on every backend.
await probe('conv-strided-same', () => ({ model: seq(tfl.layers.conv2d({ inputShape: [12, 12, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), tfl.layers.averagePooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 12, 12, 2]), y: oneHot(2, 3) }));
await probe('conv1d', () => ({ model: seq(tfl.layers.conv1d({ inputShape: [10, 2], filters: 3, kernelSize: 3 }), tfl.layers.globalAveragePooling1d(), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 10, 2]), y: oneHot(2, 3) }));
await probe('conv2dTranspose', () => ({ model: seq(tfl.layers.conv2dTranspose({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, strides: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 6, 6, 2]), y: oneHot(2, 3) }));
await probe('depthwise', () => ({ model: seq(tfl.layers.depthwiseConv2d({ inputShape: [10, 10, 3], kernelSize: 3, depthMultiplier: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 10, 10, 3]), y: oneHot(2, 3) }));
await probe('separable', () => ({ model: seq(tfl.layers.separableConv2d({ inputShape: [10, 10, 3], filters: 4, kernelSize: 3, padding: 'same' }), tfl.layers.globalMaxPooling2d({}), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 10, 10, 3]), y: oneHot(2, 3) }));
await probe('batchnorm', () => ({ model: seq(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3 }), tfl.layers.batchNormalization(), tfl.layers.activation({ activation: 'elu' }), tfl.layers.dropout({ rate: 0.3 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 8, 8, 1]), y: oneHot(2, 3) }));
await probe('lstm', () => ({ model: seq(tfl.layers.lstm({ inputShape: [5, 3], units: 4, recurrentInitializer: 'glorotNormal' }), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 5, 3]), y: oneHot(2, 3) }));
await probe('gru', () => ({ model: seq(tfl.layers.gru({ inputShape: [5, 3], units: 4, returnSequences: true, recurrentInitializer: 'glorotNormal' }), tfl.layers.simpleRNN({ units: 4, recurrentInitializer: 'glorotNormal' }), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([2, 5, 3]), y: oneHot(2, 3) }));
await probe('embedding', () => ({ model: seq(tfl.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 5 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })), x: tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 1]], [2, 5], 'int32'), y: oneHot(2, 3) }));
await probe('embedding-gru-bidir', () => ({ model: seq(tfl.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 5 }), tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 3, recurrentInitializer: 'glorotNormal' }) as tfl.RNN }), tfl.layers.layerNormalization(), tfl.layers.dense({ units: 3, activation: 'tanh' })), x: tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 1]], [2, 5], 'int32'), y: oneHot(2, 3) }));
await probe('depthwise-deep', () => ({ model: seq(tfl.layers.conv2d({ inputShape: [10, 10, 2], filters: 3, kernelSize: 3, padding: 'same' }), tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same' }), tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })), x: tf.randomNormal([3, 10, 10, 2]), y: oneHot(3, 3) }));
await probe('cnn-zoo', () => ({ model: seq(tfl.layers.zeroPadding2d({ inputShape: [8, 8, 2], padding: 1 }), tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'selu' }), tfl.layers.upSampling2d({ size: [2, 2] }), tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), tfl.layers.leakyReLU(), tfl.layers.prelu(), tfl.layers.cropping2D({ cropping: 1 }), tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }), tfl.layers.activation({ activation: 'softplus' }), tfl.layers.globalAveragePooling2d({}), tfl.layers.dense({ units: 5, activation: 'relu6' }), tfl.layers.dense({ units: 3, activation: 'softmax' })), x: tf.randomNormal([3, 8, 8, 2]), y: oneHot(3, 3) }));
console.log('missing kernels:');
for (const [name, where] of missing) console.log(`  ${name}: ${[...where].join(', ')}`);
