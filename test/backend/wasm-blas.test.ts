/**
 * The BLAS add-on's kernels (lib/backend/blas/) on wasm: the same products and gradients as cpu on
 * random shapes, transposes and batches, every fused activation with and without bias, NaN kept,
 * convolutions, max pooling and its gradient (ties broken as cpu), sums over leading axes, the cases
 * it leaves to wasm still right, and no tensor or wasm buffer left behind. Skipped, with the
 * reason, where the add-on is not built (no compiler or no CBLAS at install).
 */
import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createRandom } from '../../lib/random.js';
import { activeBlas, blasInfo, blasUnavailable, chooseBlas } from '../../lib/backend/blas/blas-state.js';
import { loadBlasAddon } from '../../lib/backend/blas/blas-addon.js';
import { NativeAdamOptimizer } from '../../lib/backend/blas/blas-adam.js';
import { applyGradientsByName } from '../../lib/optimizers.js';
import { useBackend } from '../../lib/backend/use-backend.js';
import { check, onBoth, ramp, randoms, useWasmWithRxtrainKernels } from './wasm-check.js';
import { firstValueFrom } from 'rxjs';
import { batches } from '../../lib/data/batches.js';
import { mlp } from '../../lib/models/mlp.js';
import { trainStep } from '../../operators/train-step.js';
import type { RunStart } from '../../lib/events.js';

/** Counts the calls to one of the add-on's functions until `restore()`. */
function countCalls(name: 'sgemm' | 'im2col' | 'maxPool' | 'maxPoolGrad' | 'sumRows' | 'adam') {
  const addon = activeBlas()!;
  const original = addon[name] as (...args: unknown[]) => void;
  const counter = { calls: 0, restore: () => void (addon[name] = original as never) };
  addon[name] = ((...args: unknown[]) => {
    counter.calls++;
    original.apply(addon, args);
  }) as never;
  return counter;
}

/** The runStart event of a one-batch training run on the current backend. */
async function runStart(): Promise<RunStart> {
  const model = mlp({ inputShape: [2], units: [4], classes: 2, seed: 1 });
  const data = { x: new Float32Array(8), xShape: [2], y: Int32Array.from([0, 1, 0, 1]), yShape: [], length: 4, name: 'tiny' };
  try {
    return (await firstValueFrom(batches(data, { batchSize: 4 }).pipe(trainStep(model, { optimizer: { name: 'sgd', lr: 0.1 } })))) as RunStart;
  } finally {
    model.dispose();
  }
}

await useWasmWithRxtrainKernels();
const load = loadBlasAddon();

t.test('without the add-on (or turned off) useBackend says wasm and why', async (t) => {
  const info = await useBackend('wasm', { env: { RXTRAIN_BLAS: '0' } });
  t.equal(info.runsOn, 'wasm');
  t.equal(info.blas, undefined);
  t.match(info.blasUnavailable, /turned off/);
  t.equal(activeBlas(), undefined);
  const start = await runStart();
  t.equal(start.backend, 'wasm');
  t.notOk('blas' in start, 'runStart names no BLAS on pure wasm');
  await t.rejects(useBackend('wasm', { env: { RXTRAIN_BLAS: 'yes' } }), { code: 'INVALID_CONFIG', message: /RXTRAIN_BLAS/ });
  await t.rejects(useBackend('wasm', { env: { RXTRAIN_BLAS_THREADS: '0' } }), { code: 'INVALID_CONFIG', message: /RXTRAIN_BLAS_THREADS/ });
  await t.rejects(useBackend('wasm', { env: {}, blas: { threads: 1.5 } }), { code: 'INVALID_CONFIG', message: /blas\.threads/ });
});

if ('reason' in load) {
  t.test('the BLAS kernels', { skip: `BLAS add-on not built here: ${load.reason}` }, async () => undefined);
} else {
  t.test('useBackend turns it on, one BLAS thread by default, and says wasm+blas', async (t) => {
    const info = await useBackend('wasm', { env: {} });
    t.equal(info.runsOn, 'wasm+blas');
    t.ok(info.blas && info.blas.library.length > 0, `library: ${info.blas?.library}`);
    t.equal(info.blasUnavailable, undefined);
    t.equal(blasInfo()?.threads, 1);
    const two = await useBackend('wasm', { env: { RXTRAIN_BLAS_THREADS: '2' } });
    // Only libraries with a known thread setter change; OpenBLAS does.
    if (/OpenBLAS/.test(two.blas!.library)) t.equal(two.blas!.threads, 2);
    chooseBlas({ threads: 1 });
    t.equal(blasUnavailable(), undefined);
    const start = await runStart();
    t.equal(start.backend, 'wasm');
    t.equal(start.blas, info.blas!.library, 'runStart says wasm+blas and which BLAS');
  });

  t.test('the BLAS path is the one taken, except for what it leaves to wasm', async (t) => {
    chooseBlas();
    const sgemm = countCalls('sgemm');
    const taken = (f: () => tf.Tensor): number => {
      sgemm.calls = 0;
      tf.tidy(() => void f().dataSync());
      return sgemm.calls;
    };
    try {
      const a = tf.ones([2, 3, 4]);
      const b = tf.ones([4, 5]);
      t.equal(taken(() => tf.matMul(a, b)), 1, 'a batch of a against one b: one call');
      t.equal(taken(() => tf.matMul(a, tf.ones([2, 5, 4]), false, true)), 1, 'batched, transposed b');
      t.equal(taken(() => tf.matMul(tf.ones([4, 3]), b, true)), 1, 'transposed a');
      t.equal(taken(() => tf.fused.matMul({ a: tf.ones([3, 4]), b: b as tf.Tensor2D, bias: tf.ones([5]), activation: 'elu' })), 1, 'fused');
      t.equal(taken(() => tf.fused.matMul({ a: tf.ones([3, 4]), b: b as tf.Tensor2D, activation: 'prelu', preluActivationWeights: tf.scalar(0.1) })), 0, 'prelu: wasm');
      t.equal(taken(() => tf.matMul(tf.ones([2, 1, 3, 4]), tf.ones([1, 2, 4, 5]))), 0, 'batches broadcast both ways: wasm');
      chooseBlas({ enabled: false });
      t.equal(taken(() => tf.matMul(a, b)), 0, 'turned off: wasm');
      tf.dispose([a, b]);
    } finally {
      sgemm.restore();
      chooseBlas();
    }
  });

  t.test('random matMuls equal cpu: shapes, transposes, batches on either side, broadcast batches', async (t) => {
    chooseBlas();
    const r = createRandom(31);
    for (let trial = 0; trial < 24; trial++) {
      const m = 1 + r.int(9);
      const k = 1 + r.int(9);
      const n = 1 + r.int(9);
      const ta = r.float() < 0.5;
      const tb = r.float() < 0.5;
      // none, a only, b only, both the same, a against a broadcast 1, rank 4
      const batches: Array<[number[], number[]]> = [[[], []], [[3], []], [[], [2]], [[2], [2]], [[3], [1]], [[2, 3], [2, 3]]];
      const [ba, bb] = batches[trial % batches.length]!;
      const as = [...ba, ...(ta ? [k, m] : [m, k])];
      const bs = [...bb, ...(tb ? [n, k] : [k, n])];
      await check(t, `[${as}]${ta ? 'ᵀ' : ''} · [${bs}]${tb ? 'ᵀ' : ''}`, [randoms(r, as), randoms(r, bs)], ([a, b]) => {
        const product = tf.matMul(a!, b!, ta, tb);
        // tfjs-core's matMul gradient does not reduce broadcast batch axes (on any backend).
        if (ba.join() !== bb.join()) return [product];
        return [product, ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a!, b!])];
      });
    }
    // Large enough for the BLAS's blocked kernels (not just its edge cases).
    await check(t, 'dense-layer shapes [128,784]·[784,256] and its gradients', [randoms(r, [128, 784]), randoms(r, [784, 256])], ([a, b]) =>
      [tf.matMul(a!, b!), ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y))))([a!, b!])]);
  });

  t.test('fused matMul: every activation, with and without bias, transposed, equal cpu with NaN and ±Infinity kept', async (t) => {
    const r = createRandom(32);
    const a = randoms(r, [6, 5]);
    a.values[0] = NaN;
    a.values[7] = Infinity;
    a.values[13] = -Infinity;
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const) {
      for (const withBias of [true, false]) {
        for (const [ta, tb] of [[false, false], [true, true]] as const) {
          const { cpu, wasm } = await onBoth([a, randoms(r, [5, 4]), randoms(r, [4])], ([x, w, bias]) => [
            tf.fused.matMul({
              a: (ta ? tf.transpose(x!) : x!) as tf.Tensor2D, b: (tb ? tf.transpose(w!) : w!) as tf.Tensor2D, transposeA: ta, transposeB: tb,
              bias: withBias ? bias! : undefined, activation, leakyreluAlpha: 0.3,
              preluActivationWeights: activation === 'prelu' ? tf.scalar(0.1) : undefined,
            }),
          ]);
          const bad = Array.from(cpu[0]!).findIndex((c, i) => {
            const w = wasm[0]![i]!;
            if (Number.isNaN(c) || Number.isNaN(w)) return Number.isNaN(c) !== Number.isNaN(w);
            if (!Number.isFinite(c) || !Number.isFinite(w)) return c !== w;
            return Math.abs(c - w) > 1e-4 * Math.max(1, Math.abs(c));
          });
          t.equal(bad, -1, `${activation} bias=${withBias} transposed=${ta}${bad >= 0 ? `: cpu ${cpu[0]![bad]} wasm ${wasm[0]![bad]}` : ''}`);
        }
      }
    }
  });

  t.test('fused matMul gradients (bias, relu) equal cpu', async (t) => {
    const r = createRandom(33);
    await check(t, 'fused dense layer', [randoms(r, [9, 6]), randoms(r, [6, 4]), randoms(r, [4])], ([x, w, bias]) => {
      const f = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) => tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, bias: c, activation: 'relu' });
      return [f(x!, w!, bias!), ...tf.grads((p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(f(p, q, c))))([x!, w!, bias!])];
    });
  });

  t.test('the heap growing between calls does not matter (offsets are read per call)', async (t) => {
    const r = createRandom(34);
    const a = randoms(r, [64, 32]);
    const b = randoms(r, [32, 16]);
    const { cpu, wasm } = await onBoth([a, b], ([x, w]) => {
      // 64 MB of allocations in between grow wasm's memory, which replaces its ArrayBuffer.
      const big = tf.zeros([16 * 1024 * 1024]);
      const p = tf.matMul(x!, w!);
      big.dispose();
      return [p];
    });
    let worst = 0;
    cpu[0]!.forEach((c, i) => (worst = Math.max(worst, Math.abs(c - wasm[0]![i]!))));
    t.ok(worst < 1e-4, `max difference ${worst}`);
  });

  t.test('no tensors or wasm buffers left behind, BLAS and fallback paths', async (t) => {
    const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
    const a = tf.randomNormal([4, 6, 5]);
    const b = tf.randomNormal([5, 6]);
    const c = tf.randomNormal([3, 5]);
    const bias = tf.randomNormal([6]);
    const before = backend.numDataIds();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => void [
        tf.matMul(a, b, true, true),
        tf.matMul(tf.reshape(a, [24, 5]), c, false, true),
        tf.fused.matMul({ a: tf.reshape(a, [24, 5]) as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'relu6' }),
        tf.fused.matMul({ a: tf.reshape(a, [24, 5]) as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'prelu', preluActivationWeights: tf.scalar(0.2) }),
        tf.matMul(tf.reshape(a, [4, 1, 6, 5]), tf.reshape(tf.tile(b, [3, 1]), [1, 3, 5, 6])), // broadcast both ways: wasm's path
      ]);
    }
    t.equal(tf.memory().numTensors, tensors);
    t.equal(backend.numDataIds(), before);
    tf.dispose([a, b, c, bias]);
  });

  t.test('conv2d and its two gradients on the BLAS equal cpu (strides, padding, 1x1, dilation, channels 1 and more)', async (t) => {
    chooseBlas();
    const r = createRandom(35);
    for (let trial = 0; trial < 14; trial++) {
      const n = [1, 3][trial % 2]!;
      const ci = trial % 3 === 0 ? 1 : 2 + r.int(5);
      const co = 1 + r.int(6);
      const f = trial === 5 ? 1 : 1 + r.int(3);
      const stride = trial % 4 === 1 ? 2 : 1;
      const pad = trial % 2 === 0 ? 'same' as const : 'valid' as const;
      const h = 4 + r.int(6);
      const w = 4 + r.int(6);
      const label = `conv2d x[${n},${h},${w},${ci}] f[${f},${f},${ci},${co}] stride ${stride} ${pad}`;
      await check(t, label, [randoms(r, [n, h, w, ci]), randoms(r, [f, f, ci, co])], ([x, k]) => {
        const op = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
        return [op(x!, k!), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(op(a, b))))([x!, k!])];
      });
    }
    // tfjs refuses gradients of dilated convolutions; the forward pass is checked alone.
    await check(t, 'dilated conv2d forward', [randoms(r, [2, 9, 9, 3]), randoms(r, [3, 3, 3, 4])], ([x, k]) =>
      [tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'same', 'NHWC', 2)]);
    await check(t, 'explicit padding', [randoms(r, [2, 7, 6, 3]), randoms(r, [3, 2, 3, 4])], ([x, k]) => {
      const op = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [2, 1], [[0, 0], [2, 1], [0, 1], [0, 0]]);
      return [op(x!, k!), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(op(a, b))))([x!, k!])];
    });
  });

  t.test('conv2d kernels take the BLAS path and leave nothing behind', async (t) => {
    chooseBlas();
    const im2col = countCalls('im2col');
    const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
    const x = tf.randomNormal([2, 6, 6, 3]);
    const k = tf.randomNormal([3, 3, 3, 4]);
    const before = backend.numDataIds();
    const tensors = tf.memory().numTensors;
    try {
      for (let i = 0; i < 3; i++) {
        tf.tidy(() => void tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))))([x, k]));
      }
      t.equal(im2col.calls, 6, 'im2col for the forward pass and the filter gradient, each step');
      t.equal(tf.memory().numTensors, tensors);
      t.equal(backend.numDataIds(), before);
    } finally {
      im2col.restore();
      tf.dispose([x, k]);
    }
  });

  t.test('maxPool and its gradient on the add-on equal cpu: filters, strides, padding, batches, channels past a block, ties', async (t) => {
    chooseBlas();
    const r = createRandom(36);
    // Few distinct values, so windows hold ties: the gradient must go to the first maximum, as on cpu.
    const tied = (shape: number[]) => ({ values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.int(4) - 2), shape });
    for (let trial = 0; trial < 16; trial++) {
      const n = 1 + (trial % 3);
      const c = [1, 3, 16, 70][trial % 4]!; // 70: more than one native block of 64 channels
      const f = 1 + r.int(3);
      const stride = 1 + r.int(3);
      const pad = trial % 2 === 0 ? 'same' as const : 'valid' as const;
      const h = f + r.int(6);
      const w = f + r.int(6);
      const x = trial % 3 === 0 ? randoms(r, [n, h, w, c]) : tied([n, h, w, c]);
      await check(t, `maxPool x[${n},${h},${w},${c}] ${f}x${f} stride ${stride} ${pad}`, [x], ([a]) => {
        const op = (v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, f, stride, pad);
        return [op(a!), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op(v), ramp(op(v)))))(a!)];
      });
    }
    // tfjs's maxPool gradient does not pass dimRoundingMode on, and cpu then drops dy's last column;
    // its reference here is the same pooling written with explicit -Infinity padding.
    await check(t, 'maxPool with a numeric pad and dimRoundingMode ceil', [tied([2, 7, 8, 3])], ([a]) => {
      const op = (v: tf.Tensor) => tf.getBackend() === 'cpu'
        ? tf.maxPool(tf.pad(v, [[0, 0], [1, 1], [1, 2], [0, 0]], -Infinity) as tf.Tensor4D, 3, 2, 'valid')
        : tf.maxPool(v as tf.Tensor4D, 3, 2, 1, 'ceil');
      return [op(a!), tf.grad((v: tf.Tensor) => tf.sum(tf.square(op(v))))(a!)];
    });
    // NaN is passed over and a window of -Infinity gives -Infinity and no gradient, as on cpu (stock
    // wasm's MaxPool gives -Infinity for the window [NaN, 1, 2, 3]).
    const special = { values: Float32Array.from([NaN, 1, 2, 3, NaN, NaN, NaN, NaN, -Infinity, -Infinity, -Infinity, -Infinity, 5, NaN, 5, 4]), shape: [4, 2, 2, 1] };
    const { cpu, wasm } = await onBoth([special], ([a]) => [tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(a!)]);
    t.same(Array.from(wasm[0]!), Array.from(cpu[0]!), `NaN and -Infinity windows: ${Array.from(cpu[0]!)}`);
    t.same(Array.from(wasm[1]!), Array.from(cpu[1]!), 'their gradients');
  });

  t.test('sums over leading axes (bias gradients) equal cpu; other sums stay on wasm', async (t) => {
    chooseBlas();
    const r = createRandom(37);
    const sumRows = countCalls('sumRows');
    try {
      for (const [shape, axis, keepDims] of [[[5, 7], 0, false], [[3, 4, 5, 6], [0, 1, 2], false], [[3, 4, 5, 600], [1, 0], true], [[2, 3, 4], [0, 1], true], [[0, 3], 0, false]] as Array<[number[], number | number[], boolean]>) {
        await check(t, `sum [${shape}] over ${axis} keepDims ${keepDims}`, [randoms(r, shape)], ([a]) => [tf.sum(a!, axis, keepDims)]);
      }
      t.equal(sumRows.calls, 5, 'each on the add-on');
      sumRows.calls = 0;
      for (const [shape, axis] of [[[5, 7], 1], [[3, 4, 5], [0, 2]], [[3, 4], [0, 1]], [[3, 4], undefined]] as Array<[number[], number | number[] | undefined]>) {
        await check(t, `sum [${shape}] over ${axis ?? 'all'}`, [randoms(r, shape)], ([a]) => [tf.sum(a!, axis)]);
      }
      const ints = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
      const { cpu, wasm } = await onBoth([ints], ([a]) => [tf.sum(a!, 0)]);
      t.same(Array.from(wasm[0]!), Array.from(cpu[0]!), 'int32 on wasm');
      t.equal(sumRows.calls, 0, 'trailing, mixed, all axes and int32 stay on wasm');
      await check(t, 'a conv layer with bias: its bias gradient', [randoms(r, [3, 6, 6, 2]), randoms(r, [3, 3, 2, 4]), randoms(r, [4])], ([x, k, b]) => {
        const op = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) => tf.relu(tf.add(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'same'), c));
        return tf.grads((p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(op(p, q, c))))([x!, k!, b!]);
      });
      t.ok(sumRows.calls > 0, 'the bias gradient went through the add-on');
    } finally {
      sumRows.restore();
    }
  });

  t.test('pooling and sums take the add-on and leave nothing behind; turned off, wasm', async (t) => {
    chooseBlas();
    const calls = { maxPool: countCalls('maxPool'), maxPoolGrad: countCalls('maxPoolGrad'), sumRows: countCalls('sumRows') };
    const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
    const x = tf.randomNormal([2, 6, 6, 3]);
    const before = backend.numDataIds();
    const tensors = tf.memory().numTensors;
    const step = () => tf.tidy(() => void tf.grad((a: tf.Tensor) => tf.sum(tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'same'), [0, 1, 2])))(x).dataSync());
    try {
      for (let i = 0; i < 3; i++) step();
      t.same([calls.maxPool.calls, calls.maxPoolGrad.calls], [3, 3], 'maxPool and its gradient on the add-on, each step');
      t.ok(calls.sumRows.calls >= 3, 'the sum over leading axes too');
      t.equal(tf.memory().numTensors, tensors);
      t.equal(backend.numDataIds(), before);
      chooseBlas({ enabled: false });
      for (const c of Object.values(calls)) c.calls = 0;
      step();
      t.same(Object.values(calls).map((c) => c.calls), [0, 0, 0], 'turned off: wasm');
      t.equal(backend.numDataIds(), before);
    } finally {
      for (const c of Object.values(calls)) c.restore();
      chooseBlas();
      x.dispose();
    }
  });

  t.test('Adam on the add-on: the weights and slots of tfjs\'s Adam bit for bit, over several steps, on cpu and on wasm without it', async (t) => {
    const r = createRandom(38);
    const shapes = [[7, 5], [5], [300], [2, 3, 4]];
    const initial = shapes.map((s) => randoms(r, s).values);
    const grads = [0, 1, 2, 3, 4].map(() => shapes.map((s) => randoms(r, s).values));
    /** Five steps (the third leaves one variable out) of `make()`'s optimizer; the weights and m, v after. */
    const train = async (make: () => tf.AdamOptimizer) => {
      const vars = initial.map((v, i) => tf.variable(tf.tensor(v, shapes[i]), true, `adam-test-${i}-${Math.random()}`));
      const opt = make();
      for (const [step, g] of grads.entries()) {
        // As rxtrain's training loop applies them: by name, a variable left out handed no gradient.
        tf.tidy(() => applyGradientsByName(opt, Object.fromEntries(vars.flatMap((v, i) => (step === 2 && i === 1 ? [] : [[v.name, tf.tensor(g[i]!, shapes[i])]])))));
      }
      const weights = vars.map((v) => v.dataSync().slice() as Float32Array);
      const moments = await opt.getWeights(); // the step count, then each m and v
      const slots = moments.map((s) => s.tensor.dataSync().slice() as Float32Array);
      tf.dispose(vars);
      opt.dispose();
      return [...weights, ...slots];
    };
    const make = (cls: typeof tf.AdamOptimizer) => () => new cls(0.01, 0.8, 0.95, 1e-6);
    await tf.setBackend('cpu');
    const onCpu = await train(make(tf.AdamOptimizer));
    await tf.setBackend('wasm');
    chooseBlas({ enabled: false });
    const onWasm = await train(make(NativeAdamOptimizer));
    chooseBlas();
    const adam = countCalls('adam');
    try {
      const onAddon = await train(make(NativeAdamOptimizer));
      t.equal(adam.calls, 4 * 4 - 1, 'every step after the first on the add-on, the left-out variable skipped');
      const differing = (a: Float32Array[], b: Float32Array[]) => a.reduce((n, x, k) => n + x.filter((v, i) => !Object.is(v, b[k]![i])).length, 0);
      t.equal(differing(onAddon, onCpu), 0, 'bit for bit as tfjs\'s Adam on cpu');
      t.equal(differing(onAddon, onWasm), 0, 'and on wasm without the add-on');
      t.ok(onAddon[0]!.some((v, i) => v !== initial[0]![i]), 'the weights moved');
    } finally {
      adam.restore();
    }
  });

  t.test('Adam on the add-on leaves shared weights to tfjs, and nothing behind', async (t) => {
    chooseBlas();
    const adam = countCalls('adam');
    const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
    const w = tf.variable(tf.ones([4, 3]));
    const opt = new NativeAdamOptimizer(0.1, 0.9, 0.999, 1e-7);
    const step = () => tf.tidy(() => opt.applyGradients({ [w.name]: tf.fill([4, 3], 0.5) as tf.Variable }));
    try {
      step();
      step(); // slots exist now: the add-on
      const before = backend.numDataIds();
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      t.equal(adam.calls, 4, 'on the add-on from the second step');
      t.equal(tf.memory().numTensors, tensors);
      t.equal(backend.numDataIds(), before);
      const copy = tf.reshape(w, [12]); // shares w's memory: an in-place update would change it too
      const kept = copy.dataSync().slice();
      adam.calls = 0;
      step();
      t.equal(adam.calls, 0, 'a weight shared with another tensor: tfjs\'s update');
      t.same(Array.from(copy.dataSync()), Array.from(kept), 'the reshaped view is unchanged');
      copy.dispose();
    } finally {
      adam.restore();
      opt.dispose();
      w.dispose();
    }
  });

  t.test('the add-on refuses offsets outside the heap instead of writing there', async (t) => {
    const x = tf.zeros([4]);
    const heap = (tf.backend() as BackendWasm).typedArrayFromHeap(x).buffer as ArrayBuffer;
    const end = heap.byteLength;
    const addon = load.addon;
    t.throws(() => addon.sgemm(heap, false, false, 4, 4, 4, end - 32, 0, 128, 1, 0, 0, 0), /not inside the heap/);
    t.throws(() => addon.sgemm(heap, false, false, 2, 2, 2, 2, 0, 128, 1, 0, 0, 0), /not aligned/);
    t.throws(() => addon.biasActivation(heap, 0, 1, 4, end, 1, 0), /not inside the heap/);
    t.throws(() => addon.maxPool(heap, 0, 2, 4, 4, 3, 2, 2, 2, 2, 0, 0, 2, 2, end - 8), /'y' .* not inside the heap/);
    t.throws(() => addon.maxPoolGrad(heap, end - 4, 2, 4, 4, 3, 2, 2, 2, 2, 0, 0, 2, 2, 0, 0), /'x' .* not inside the heap/);
    t.throws(() => addon.maxPool(heap, 0, 1, 2, 2, 1, 2, 2, 0, 2, 0, 0, 1, 1, 64), /strides must be at least 1/);
    t.throws(() => addon.sumRows(heap, 0, 4, 4, end), /'out' .* not inside the heap/);
    t.throws(() => addon.adam(heap, 0, 16, 32, end - 4, 4, 0.9, 0.1, 0.999, 0.001, 0.1, 0.001, 1e-7, -0.001), /'gradient' .* not inside the heap/);
    x.dispose();
    t.throws(() => addon.sgemm(new ArrayBuffer(0) as ArrayBuffer, false, false, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0), /not inside the heap/);
  });
}
