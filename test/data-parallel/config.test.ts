// dataParallel's options are checked when it is called: each bad one names its field.
import t from 'tap';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { dataParallel } from '../../operators/data-parallel.js';
import { mlp } from '../../lib/models/mlp.js';

const model = mlp({ inputShape: [4], units: [8], classes: 3, seed: 1 });

t.test('bad options throw INVALID_CONFIG naming the field', async (t) => {
  const bad = (config: object, field: string, why: RegExp): void => {
    t.throws(() => dataParallel(model, config as never), { name: 'RxtrainError', code: 'INVALID_CONFIG', message: new RegExp(`^dataParallel\\(\\): option '${field.replace(/[[\]]/g, '\\$&')}' ${why.source}`) }, field);
  };
  bad({}, 'optimizer', /is required/);
  bad({ optimizer: 'adam', workers: 0 }, 'workers', /must be a positive integer/);
  bad({ optimizer: 'adam', workers: 1.5 }, 'workers', /must be a positive integer/);
  bad({ optimizer: 'adam', loss: (a: unknown) => a }, 'loss', /must be a loss name: a function cannot be sent to the worker threads/);
  bad({ optimizer: 'adam', loss: 'hinge' }, 'loss', /must be one of/);
  bad({ optimizer: 'adam', metrics: ['auroc'] }, 'metrics[0]', /must be one of/);
  bad({ optimizer: 'adam', metrics: ['auc'] }, 'metrics[0]', /'auc' is not computed across workers yet/);
  bad({ optimizer: 'adam', clipNorm: -1 }, 'clipNorm', /must be a finite number > 0/);
  bad({ optimizer: 'adam', readEvery: -1 }, 'readEvery', /must be an integer ≥ 0/);
  bad({ optimizer: 'adam', backend: 'webgl' }, 'backend', /must be one of/);
  bad({ optimizer: 'adam', imports: 'x.js' }, 'imports', /must be an array/);
  bad({ optimizer: 'adam', imports: [''] }, 'imports[0]', /must be a non-empty string/);
  bad({ optimizer: 'adam', stepTimeoutMs: 0 }, 'stepTimeoutMs', /must be a finite number > 0/);
  bad({ optimizer: 'adam', worker: 2 }, 'worker', /is not a known option/);
  t.throws(() => dataParallel(model, { optimizer: 'adamw' } as never), { code: 'INVALID_CONFIG', message: /option 'name' must be one of/ });
  t.throws(() => dataParallel(model, null as never), { code: 'INVALID_CONFIG', message: /option 'config' must be an object/ });
});

t.test('the model must be a layers model that the workers can rebuild', async (t) => {
  t.throws(() => dataParallel({ loss: () => 0 } as never, { optimizer: 'adam' }), { code: 'INVALID_CONFIG', message: /option 'model' must be a tfjs-layers LayersModel/ });
  const input = tfl.input({ shape: [4] });
  const twoHeads = tfl.model({ inputs: input, outputs: [tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor, tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor] });
  t.throws(() => dataParallel(twoHeads, { optimizer: 'adam' }), { code: 'INVALID_CONFIG', message: /option 'model' must have one output \(it has 2\)/ });
});

t.test('a valid config makes an operator without starting any thread', async (t) => {
  const op = dataParallel(model, { optimizer: { name: 'adam', lr: 0.01 }, workers: 3, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], backend: 'cpu', imports: ['./x.ts'], clipNorm: 1, readEvery: 5, stepTimeoutMs: 1000 });
  t.type(op, 'function');
  const threads = (process.report.getReport() as unknown as { workers: unknown[] }).workers.length;
  // new Worker() would have started it synchronously; one turn of the event loop lets any deferred start happen.
  await new Promise((r) => setImmediate(r));
  t.equal((process.report.getReport() as unknown as { workers: unknown[] }).workers.length, threads, 'no worker thread started');
});
