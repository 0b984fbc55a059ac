import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { Batch, EpochBoundary, Metrics, RunStart, StepEvent } from '../lib/events.js';
import { applyGradientsByName, clipByGlobalNorm, optimizer as makeOptimizer, type OptimizerConfig } from '../lib/optimizers.js';
import { systemClock } from '../lib/clock.js';
import { subscribeSteps } from '../lib/step-source.js';
import { checkModelBatch } from '../lib/check-model-data.js';
import { batchArrays } from '../lib/data-parallel/batch-arrays.js';
import { checkDataParallelConfig, type DataParallelConfig } from '../lib/data-parallel/config.js';
import { replicaGroup } from '../lib/data-parallel/replica-group.js';
import { weightedSum } from '../lib/data-parallel/weighted-sum.js';
import { RxtrainError } from '../lib/errors.js';

export type { DataParallelConfig } from '../lib/data-parallel/config.js';

const where = 'dataParallel()';

/**
 * `trainStep` on several threads: each batch is split by rows between worker threads, each with its
 * own tfjs engine and a replica of the model; the main thread averages their gradients (weighted by
 * rows) and applies the update to `model` with the optimizer. Same events as `trainStep`.
 *
 * Intuition: synchronous data parallelism for backends that use one core (wasm, cpu). Every step is
 * synchronous, as in `trainStep`: when the `next` call returns, `model` holds the updated weights, so
 * evaluation, checkpoints, `earlyStopping` and learning-rate operators work between any two steps.
 * Weights are synchronised every step: before a step the replicas take the weights that changed in
 * the main thread (the update, or anything else that assigned them), and after it the main thread
 * takes the weights the step changed in the replicas (batch normalisation's moving statistics,
 * averaged). The optimizer's state lives in the main thread, where the update is applied. The
 * threads start at subscription (the first event, `runStart`, comes when every replica is ready) and
 * stop at teardown (complete, error or unsubscribe).
 *
 * @example
 * ```ts
 * import { batches, digits, mlp, split, useBackend } from 'rxtrain';
 * import { dataParallel, epochEnd, epochs } from 'rxtrain/operators';
 * await useBackend('wasm');
 * const { train, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });
 * const model = mlp({ inputShape: [64], units: [64], classes: 10 });
 * batches(train, { batchSize: 64, shuffle: true })
 *   .pipe(epochs(5), dataParallel(model, { workers: 2, optimizer: 'adam', metrics: ['accuracy'] }), epochEnd({ model, validation }))
 *   .subscribe((e) => e.type === 'epochEnd' && console.log(e.epoch, e.metrics.val_accuracy));
 * ```
 * @param model The model to train: a tfjs-layers model that `model.toJSON()` serialises (register
 *   custom layers in the workers with `imports`). It keeps the current weights.
 * @param config Workers, optimizer, loss and metrics by name, gradient clipping, the replicas' backend.
 * @returns An operator from batches and boundaries to `runStart`, `step` and filled-in boundaries.
 * @throws RxtrainError `INVALID_CONFIG` naming the field; the stream fails with `WORKER_FAILED` when a
 *   worker thread cannot start, throws, exits or does not answer within `stepTimeoutMs`.
 */
export function dataParallel(model: tfl.LayersModel, config: DataParallelConfig): OperatorFunction<Batch | EpochBoundary, RunStart | StepEvent | EpochBoundary> {
  const o = checkDataParallelConfig(where, model, config);
  const clock = o.clock ?? systemClock;

  return (source) =>
    new Observable((subscriber) => {
      // The weights in the order of the shared buffers (model.weights reorders when a layer freezes).
      const weights = model.weights;
      const vars = weights.map((w) => w.read() as tf.Variable);
      const index = new Map(weights.map((w, i) => [w.originalName, i]));
      const group = replicaGroup({
        workers: o.workers, backend: o.backend, topology: o.topology, names: weights.map((w) => w.originalName),
        shapes: vars.map((v) => v.shape), imports: o.imports, loss: o.loss, metrics: o.metrics, stepTimeoutMs: o.stepTimeoutMs, where,
      });
      group.onFailure((err) => subscriber.error(err));
      const ownOptimizer = !(o.optimizer instanceof tf.Optimizer);
      const opt = o.optimizer instanceof tf.Optimizer ? o.optimizer : makeOptimizer(o.optimizer as OptimizerConfig);
      /** The data each weight had when it was last written for the replicas. */
      const sent: unknown[] = vars.map(() => undefined);
      let trained: number[] = [];
      let trainedKey = '';
      let stale = true;
      const sums = new Float64Array(1 + o.metrics.length);
      let samples = 0;
      let stepsInEpoch = 0;
      let step = 0;
      let sub: Subscription | undefined;
      let checked = false;

      const onBatch = (batch: Batch): void => {
        if (!checked) {
          checkModelBatch(where, model, batch, o.loss);
          // Training without them would look like success: refuse rather than ignore.
          if (batch.weights) throw new RxtrainError('INVALID_CONFIG', `${where}: the data set${batch.dataset?.name ? ` '${batch.dataset.name}'` : ''} has per-sample weights, which dataParallel does not apply yet; train in one thread (trainStep, train) to use them`, { field: 'weights' });
          checked = true;
        }
        // What is trained is read when an epoch starts, as trainStep does.
        let trainable: number[] | undefined;
        if (stale) {
          const now = model.trainableWeights.map((w) => index.get(w.originalName)!);
          if (now.join(',') !== trainedKey) trainable = now;
          trained = now;
          trainedKey = now.join(',');
          stale = false;
        }
        const changed: number[] = [];
        vars.forEach((v, i) => {
          if (v.dataId === sent[i]) return;
          group.weights.set(v.dataSync() as Float32Array, group.offsets[i]);
          sent[i] = v.dataId;
          changed.push(i);
        });
        const shards = group.step(batchArrays(batch), changed, trainable);
        tf.tidy(() => {
          let grads: tf.NamedTensorMap = {};
          for (const i of trained) grads[vars[i]!.name] = tf.tensor(weightedSum(shards, group.output, group.offsets[i]!, vars[i]!.size), vars[i]!.shape);
          if (o.clipNorm !== undefined) grads = clipByGlobalNorm(grads, o.clipNorm);
          applyGradientsByName(opt, grads);
          // The optimizer may rewrite a weight in place, keeping its dataId (the native Adam on
          // wasm+blas does): every trained weight goes to the replicas before the next step.
          for (const i of trained) sent[i] = undefined;
          // Weights the step itself changed in the replicas (moving statistics): their average.
          const isTrained = new Set(trained);
          vars.forEach((v, i) => {
            if (isTrained.has(i)) return;
            const changedIn = (rank: number): boolean => group.changedWeight(rank, i);
            if (!shards.some((s) => changedIn(s.rank))) return;
            v.assign(tf.tensor(weightedSum(shards, group.output, group.offsets[i]!, v.size, changedIn), v.shape));
          });
        });
        for (const s of shards) {
          const part = group.sums(s.rank);
          for (let k = 0; k < sums.length; k++) sums[k]! += part[k]!;
        }
        samples += batch.size;
        stepsInEpoch++;
        step++;
        const event: StepEvent = { type: 'step', epoch: batch.epoch, index: batch.index, step, size: batch.size };
        if (o.readEvery > 0 && step % o.readEvery === 0) {
          const loss = shards.reduce((n, s) => n + group.sums(s.rank)[0]!, 0) / batch.size;
          subscriber.next({ ...event, loss });
        } else {
          subscriber.next(event);
        }
      };

      const onBoundary = (b: EpochBoundary): void => {
        stale = true;
        const n = Math.max(samples, 1);
        const m: Record<string, number> = { loss: stepsInEpoch === 0 ? NaN : sums[0]! / n };
        o.metrics.forEach((name, k) => (m[name] = stepsInEpoch === 0 ? NaN : sums[k + 1]! / n));
        subscriber.next({ ...b, metrics: m as Metrics, samples, steps: stepsInEpoch });
        sums.fill(0);
        samples = 0;
        stepsInEpoch = 0;
      };

      group.ready.then(
        ({ backend, blas }) => {
          if (subscriber.closed) return;
          const trainableParams = model.trainableWeights.reduce((n, w) => n + (w.read() as tf.Variable).size, 0);
          subscriber.next({ type: 'runStart', backend, ...(blas !== undefined ? { blas } : {}), trainableParams, time: clock.now() });
          sub = subscribeSteps(source, subscriber, { onBatch, onBoundary });
          // The teardown ran before `sub` was set: unsubscribe now, or the source would go on alone.
          if (subscriber.closed) sub.unsubscribe();
        },
        (err: unknown) => subscriber.error(err),
      );

      return () => {
        sub?.unsubscribe();
        if (ownOptimizer) opt.dispose();
        void group.close();
      };
    });
}
