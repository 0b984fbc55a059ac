/**
 * rxtrain's wasm kernels: every gradient they produce must equal the cpu backend's (within 1e-4
 * relative) on random shapes. They rely on wasm backend internals, so this suite guards the pinned
 * tfjs version. Training and leaks: wasm-training.test.ts; matMul: wasm-matmul.test.ts.
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import {
  registerWasmTrainingKernels,
  replaceStockWasmKernels,
  restoreStockWasmKernels,
  stockWasmKernel,
  wasmReplacementKernels,
  wasmTrainingKernels,
} from '../../lib/backend/register-wasm-kernels.js';
import { createRandom } from '../../lib/random.js';
import { check, gradsOf, onBoth, ramp, randoms, rel, relError, useWasmWithRxtrainKernels } from './wasm-check.js';

await useWasmWithRxtrainKernels();

t.test('registers exactly the missing kernels, once', async (t) => {
  const names = wasmTrainingKernels.map((k) => k.kernelName).sort();
  t.same(names, ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']);
  // registerWasmTrainingKernels only fills gaps: ours being the one registered means stock wasm has
  // none. If a tfjs upgrade brings its own, this says so.
  for (const k of wasmTrainingKernels) t.equal(tf.getKernel(k.kernelName, 'wasm'), k, `stock wasm lacks ${k.kernelName}; rxtrain's is registered`);
  t.same(registerWasmTrainingKernels(), [], 'a second call registers nothing');
});

t.test('replaces the wrong or slow stock kernels, once, and can put them back', async (t) => {
  const names = wasmReplacementKernels.map((k) => k.kernelName);
  t.same(names, ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', '_FusedMatMul', 'ClipByValue', 'Relu6', 'FusedConv2D', 'Identity']);
  t.same(replaceStockWasmKernels(), [], 'already replaced');
  for (const k of wasmReplacementKernels) t.equal(tf.getKernel(k.kernelName, 'wasm'), k);
  t.same(restoreStockWasmKernels().sort(), [...names].sort());
  for (const name of names) t.equal(tf.getKernel(name, 'wasm'), stockWasmKernel(name), `${name} is stock again`);
  t.same(replaceStockWasmKernels().sort(), [...names].sort());
});

t.test('Identity shares the data, as cpu does: a clone outlives its source and the source its clone', async (t) => {
  const backend = tf.backend() as unknown as { getMemoryOffset(d: object): number; numDataIds(): number };
  const before = backend.numDataIds();
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const y = tf.clone(x);
  t.equal(backend.getMemoryOffset(y.dataId), backend.getMemoryOffset(x.dataId), 'one buffer, no copy');
  x.dispose();
  t.same(Array.from(y.dataSync()), [1, 2, 3, 4], 'the clone still reads after its source is freed');
  const z = tf.clone(y);
  y.dispose();
  t.same(Array.from(z.dataSync()), [1, 2, 3, 4]);
  z.dispose();
  t.equal(backend.numDataIds(), before, 'the buffer is freed with its last holder');
  const s = tf.tensor1d(['a', 'b'], 'string');
  const sc = tf.clone(s);
  s.dispose();
  t.same(sc.dataSync(), ['a', 'b'], 'strings too');
  sc.dispose();
  t.equal(backend.numDataIds(), before);
});

t.test('conv2d gradients equal cpu on random shapes (strides 1/2, same/valid, batch 1 and odd, channels 1 and >1)', async (t) => {
  const r = createRandom(7);
  for (let trial = 0; trial < 16; trial++) {
    const n = [1, 3, 5][trial % 3]!;
    const ci = trial % 2 === 0 ? 1 : 4 + r.int(3); // windows of ≤ 16 values take the im2col path, larger the role swap
    const co = trial % 4 < 2 ? 1 + r.int(2) : 3 + r.int(4);
    const fh = 1 + r.int(4);
    const fw = 1 + r.int(4);
    const h = fh + r.int(9);
    const w = fw + r.int(9);
    const s = 1 + (trial % 2);
    const pad = trial % 4 < 2 ? 'same' : 'valid';
    await check(t, `conv2d x[${n},${h},${w},${ci}] f[${fh},${fw},${ci},${co}] s${s} ${pad}`,
      [randoms(r, [n, h, w, ci]), randoms(r, [fh, fw, ci, co])],
      gradsOf((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, pad), ramp));
  }
});

t.test('conv2d gradients equal cpu with numeric and explicit padding', async (t) => {
  const r = createRandom(15);
  // No dimRoundingMode other than 'floor': stock wasm's forward Conv2D ignores it (docs/wasm-backend.md).
  const pads: Array<[number | [[number, number], [number, number], [number, number], [number, number]], 1 | 2]> = [
    [1, 1],
    [2, 2],
    [[[0, 0], [1, 2], [2, 0], [0, 0]], 1],
    [[[0, 0], [0, 1], [1, 1], [0, 0]], 2],
  ];
  for (const [pad, s] of pads) {
    for (const ci of [1, 5]) {
      await check(t, `conv2d pad ${JSON.stringify(pad)} s${s} ci ${ci}`, [randoms(r, [3, 9, 8, ci]), randoms(r, [3, 3, ci, 4])],
        gradsOf((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, pad), ramp));
    }
  }
});

t.test('conv1d and conv2dTranspose gradients equal cpu', async (t) => {
  const r = createRandom(8);
  for (const [s, pad] of [[1, 'valid'], [2, 'same'], [2, 'valid']] as const) {
    await check(t, `conv1d s${s} ${pad}`, [randoms(r, [3, 11, 2]), randoms(r, [3, 2, 4])],
      gradsOf((x, f) => tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, s, pad), ramp));
    const outH = pad === 'same' ? 5 * s : (5 - 1) * s + 3;
    await check(t, `conv2dTranspose s${s} ${pad}`, [randoms(r, [1, 5, 5, 3]), randoms(r, [3, 3, 2, 3])],
      gradsOf((x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [1, outH, outH, 2], s, pad), ramp));
  }
});

t.test('depthwise and separable conv gradients equal cpu on random shapes', async (t) => {
  const r = createRandom(9);
  for (let trial = 0; trial < 12; trial++) {
    const n = [1, 3, 2][trial % 3]!;
    const c = trial % 2 === 0 ? 1 : 2 + r.int(3);
    const m = 1 + (trial % 3 === 2 ? 1 + r.int(2) : 0);
    const fh = 1 + r.int(4);
    const fw = 1 + r.int(4);
    const h = fh + r.int(8);
    const w = fw + r.int(8);
    const s = 1 + (trial % 2);
    const pad = trial % 4 < 2 ? 'same' : 'valid';
    await check(t, `depthwise x[${n},${h},${w},${c}] f[${fh},${fw},${c},${m}] s${s} ${pad}`,
      [randoms(r, [n, h, w, c]), randoms(r, [fh, fw, c, m])],
      gradsOf((x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, pad), ramp));
  }
  const point = tf.tidy(() => tf.randomNormal([1, 1, 6, 4], 0, 1, 'float32', 3));
  const pointValues = { values: point.dataSync() as Float32Array, shape: point.shape };
  point.dispose();
  await check(t, 'separableConv2d', [randoms(r, [3, 9, 9, 3]), randoms(r, [3, 3, 3, 2]), pointValues],
    ([x, d, p]) => tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.square(tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 2, 'same'))))([x!, d!, p!]));
});

t.test('maxPool gradients equal cpu, ties included (first maximum of the window wins)', async (t) => {
  const r = createRandom(12);
  for (const [size, s, pad] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'same'], [2, 1, 'valid'], [3, 3, 'same']] as const) {
    const n = 1 + 2 * r.int(2);
    const shape = [n, 5 + r.int(6), 5 + r.int(6), 1 + r.int(4)];
    const smooth = randoms(r, shape);
    // Few distinct values, so windows often hold several equal maxima.
    const ties = { values: smooth.values.map((v) => Math.round(v * 2)), shape };
    for (const [kind, x] of [['random', smooth], ['ties', ties]] as const) {
      await check(t, `maxPool ${size}x${size} s${s} ${pad} ${kind} x[${shape}]`, [x],
        ([a]) => [tf.grad((q: tf.Tensor) => { const y = tf.maxPool(q as tf.Tensor4D, size, s, pad); return tf.sum(tf.mul(y, ramp(y))); })(a!)]);
    }
  }
});

t.test('maxPool gradient with a numeric pad and dimRoundingMode ceil equals the same pooling padded by hand', async (t) => {
  // tfjs's maxPool gradient drops dimRoundingMode: cpu then reads dy with the floor geometry. The
  // reference is the same pooling with explicit -Infinity padding (ramp depends on y's shape only).
  const r = createRandom(15);
  const x = { values: Float32Array.from({ length: 2 * 7 * 8 * 3 }, () => r.int(4)), shape: [2, 7, 8, 3] };
  await check(t, 'maxPool 3x3 s2 pad 1 ceil', [x], ([a]) => [tf.grad((q: tf.Tensor) => {
    const y = tf.getBackend() === 'cpu'
      ? tf.maxPool(tf.pad(q, [[0, 0], [1, 1], [1, 2], [0, 0]], -Infinity) as tf.Tensor4D, 3, 2, 'valid')
      : tf.maxPool(q as tf.Tensor4D, 3, 2, 1, 'ceil');
    return tf.sum(tf.mul(y, ramp(y)));
  })(a!)]);
});

t.test("stock wasm's MaxPoolGrad is wrong with several channels (why rxtrain replaces it)", async (t) => {
  const r = createRandom(13);
  const x = randoms(r, [1, 4, 4, 2]);
  const grad = ([a]: tf.Tensor[]) => [tf.grad((q: tf.Tensor) => { const y = tf.maxPool(q as tf.Tensor4D, 2, 2, 'valid'); return tf.sum(tf.mul(y, ramp(y))); })(a!)];
  restoreStockWasmKernels();
  try {
    const { cpu, wasm } = await onBoth([x], grad);
    t.ok(relError(cpu[0]!, wasm[0]!) > 0.1, 'stock differs from cpu; if this fails, tfjs fixed it and the replacement may go');
  } finally {
    replaceStockWasmKernels();
  }
});

t.test('the stock wasm gradients that layers use equal cpu', async (t) => {
  // Found by comparing every stock gradient a layers model can reach; these pass as they are.
  const r = createRandom(14);
  const ops: Record<string, (x: tf.Tensor4D) => tf.Tensor> = {
    avgPool: (x) => tf.avgPool(x, 3, 2, 'same'),
    elu: (x) => tf.elu(x),
    selu: (x) => tf.selu(x),
    leakyRelu: (x) => tf.leakyRelu(x, 0.2),
    prelu: (x) => tf.prelu(x, tf.tensor1d(new Array<number>(x.shape[3]).fill(0.3)) as tf.Tensor as tf.Tensor4D),
    relu6: (x) => tf.relu6(tf.mul(x, 5)),
    softplus: (x) => tf.softplus(x),
    batchNorm: (x) => tf.batchNorm(x, tf.mean(x, [0, 1, 2]), tf.add(tf.moments(x, [0, 1, 2]).variance, 1), tf.fill([x.shape[3]], 1.5), tf.fill([x.shape[3]], 0.1), 1e-3),
    logSoftmax: (x) => tf.logSoftmax(x),
    localResponseNormalization: (x) => tf.localResponseNormalization(x, 2),
    mirrorPad: (x) => tf.mirrorPad(x, [[0, 0], [1, 1], [2, 2], [0, 0]], 'reflect'),
    tile: (x) => tf.tile(x, [1, 2, 1, 2]),
    resizeBilinear: (x) => tf.image.resizeBilinear(x, [12, 12]),
  };
  for (const [name, op] of Object.entries(ops)) {
    await check(t, name, [randoms(r, [2, 7, 7, 3])], ([x]) => [tf.grad((a: tf.Tensor) => { const y = op(a as tf.Tensor4D); return tf.sum(tf.mul(y, ramp(y))); })(x!)]);
  }
});

/** A dilated filter as the equivalent undilated one: the taps spread d apart with zeros between. */
function spread(f: Float32Array, [fh, fw, c, m]: number[], d: number): { values: Float32Array; shape: number[] } {
  const eh = (fh! - 1) * d + 1;
  const ew = (fw! - 1) * d + 1;
  const out = new Float32Array(eh * ew * c! * m!);
  for (let a = 0; a < fh!; a++) for (let b = 0; b < fw!; b++) for (let k = 0; k < c! * m!; k++) {
    out[((a * d) * ew + b * d) * c! * m! + k] = f[(a * fw! + b) * c! * m! + k]!;
  }
  return { values: out, shape: [eh, ew, c!, m!] };
}

t.test('depthwise kernels with dilation equal cpu on the equivalent spread filter', async (t) => {
  // tfjs's gradients refuse dilation > 1 and cpu's backprop kernels ignore it, so the reference is the
  // undilated problem with the filter spread out, which cpu does compute right.
  const r = createRandom(10);
  for (const [s, d, pad] of [[1, 2, 'valid'], [1, 2, 'same'], [1, 3, 'same']] as const) {
    const x = randoms(r, [2, 11, 10, 3]);
    const f = randoms(r, [3, 2, 3, 2]);
    const big = spread(f.values, f.shape, d);
    const dyShape = [2, pad === 'same' ? 11 : 11 - big.shape[0]! + 1, pad === 'same' ? 10 : 10 - big.shape[1]! + 1, 6];
    const dy = randoms(r, dyShape);
    const attrs = { strides: s, pad };
    const wasmOut = await onBoth([x, dy, f], ([xt, dyt, ft]) => [
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xt!, dy: dyt! }, { ...attrs, dilations: d, filterShape: f.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyt!, filter: ft! }, { ...attrs, dilations: d, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ]);
    const reference = await onBoth([x, dy, big], ([xt, dyt, bt]) => [
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xt!, dy: dyt! }, { ...attrs, dilations: 1, filterShape: big.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dyt!, filter: bt! }, { ...attrs, dilations: 1, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ]);
    const [fh, fw, c, m] = f.shape as [number, number, number, number];
    const ew = big.shape[1]!;
    const picked = new Float32Array(fh * fw * c * m);
    for (let a = 0; a < fh; a++) for (let b = 0; b < fw; b++) for (let k = 0; k < c * m; k++) {
      picked[(a * fw + b) * c * m + k] = reference.cpu[0]![((a * d) * ew + b * d) * c * m + k]!;
    }
    t.ok(relError(picked, wasmOut.wasm[0]!) <= rel, `filter gradient, stride ${s} dilation ${d} ${pad}`);
    t.ok(relError(reference.cpu[1]!, wasmOut.wasm[1]!) <= rel, `input gradient, stride ${s} dilation ${d} ${pad}`);
  }
});

t.test('gather (embedding) gradients equal cpu, repeated and unused ids included', async (t) => {
  const r = createRandom(11);
  for (const [rows, cols, n] of [[7, 3, 20], [50, 16, 5], [4, 1, 9]] as const) {
    const ids = { values: Int32Array.from({ length: n }, () => r.int(rows)), shape: [n] };
    await check(t, `gather from [${rows},${cols}] by ${n} ids`, [randoms(r, [rows, cols]), ids],
      ([p, i]) => [tf.grad((q: tf.Tensor) => tf.sum(tf.mul(tf.gather(q, i!), ramp(tf.gather(q, i!)))))(p!)]);
  }
  await check(t, 'unsortedSegmentSum drops out-of-range ids', [randoms(r, [6, 2]), { values: Int32Array.from([0, 2, -1, 2, 5, 1]), shape: [6] }],
    ([x, i]) => [tf.unsortedSegmentSum(x!, i! as tf.Tensor1D, 3)]);
});
