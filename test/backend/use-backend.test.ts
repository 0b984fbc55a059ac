import t from 'tap';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../lib/backend/use-backend.js';

const missing = async (name: string) => {
  throw new Error(`Cannot find package '${name}'`);
};

t.test('explicit cpu and wasm', async (t) => {
  const cpu = await useBackend('cpu', { env: {} });
  t.match(cpu, { name: 'cpu', tfjsName: 'cpu', requestedBy: 'argument', addedKernels: [], replacedKernels: [] });
  t.equal(tf.getBackend(), 'cpu');
  const wasm = await useBackend('wasm', { env: {} });
  t.match(wasm, { name: 'wasm', tfjsName: 'wasm' });
  t.ok(wasm.addedKernels.includes('Conv2DBackpropFilter'), `registered ${wasm.addedKernels.join(', ')}`);
  t.ok(wasm.replacedKernels.includes('MaxPoolGrad'), `replaced ${wasm.replacedKernels.join(', ')}`);
  t.same((await useBackend('wasm', { env: {} })).addedKernels, [], 'kernels are registered once');
});

t.test("auto skips the node packages that are not installed and takes wasm", async (t) => {
  const tried: string[] = [];
  const info = await useBackend('auto', { env: {}, importModule: async (m) => { tried.push(m); return missing(m); } });
  t.same(tried, ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  t.match(info, { name: 'wasm', requestedBy: 'auto' });
});

t.test('an explicit backend that cannot load says how to install it', async (t) => {
  await t.rejects(useBackend('tensorflow', { env: {}, importModule: missing }), {
    code: 'BACKEND_UNAVAILABLE',
    message: /backend 'tensorflow' cannot be loaded here \(Cannot find package '@tensorflow\/tfjs-node'\); install it with 'npm install @tensorflow\/tfjs-node@4.22.0'/,
  });
  await t.rejects(useBackend('tensorflow-gpu', { env: {}, importModule: missing }), /npm install @tensorflow\/tfjs-node-gpu/);
});

t.test('RXTRAIN_BACKEND overrides the argument', async (t) => {
  const info = await useBackend('wasm', { env: { RXTRAIN_BACKEND: 'cpu' } });
  t.match(info, { name: 'cpu', requestedBy: 'RXTRAIN_BACKEND' });
  await t.rejects(useBackend('auto', { env: { RXTRAIN_BACKEND: 'webgpu' } }), /option 'RXTRAIN_BACKEND' must be 'auto' or one of tensorflow-gpu, tensorflow, wasm, cpu \(got "webgpu"\)/);
  await t.rejects(useBackend('gpu' as never, { env: {} }), /option 'name'/);
});
