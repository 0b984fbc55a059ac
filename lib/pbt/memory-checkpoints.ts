/**
 * PBT checkpoints in memory, for a page (no folders there) or a run that needs none on disk: each
 * checkpoint is its tensors' values copied into typed arrays, not tensors, so a checkpoint holds no GPU
 * or wasm memory and nothing to dispose; `load` makes tensors from them, sets the live state and frees
 * them. The run's state is kept too, so a second run on the same store resumes where the first stopped.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RxtrainError, configError } from '../errors.js';
import type { Params } from '../search/types.js';
import type { MemberState, PbtCheckpoints } from './member-checkpoints.js';
import { setOptimizerWeights, withOptimizerWeights } from './optimizer-weights.js';
import type { SavedState } from './state.js';

interface StoredTensor {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: tf.DataType;
  readonly values: tf.TypedArray;
}

interface Stored {
  readonly model?: StoredTensor[];
  readonly variables?: StoredTensor[];
  readonly optimizer?: { readonly className: string; readonly weights: StoredTensor[] };
}

async function copyOut(name: string, t: tf.Tensor): Promise<StoredTensor> {
  if (t.dtype === 'string') throw new RxtrainError('INVALID_CONFIG', `memoryCheckpoints(): ${name} is a string tensor; checkpoints hold numbers`);
  // A backend may hand out its own array: copy it.
  const values = ((await t.data()) as tf.TypedArray).slice();
  return { name, shape: [...t.shape], dtype: t.dtype, values };
}

/** Tensors made from `stored` (copies), given to `f`, freed after. */
async function withTensors<T>(stored: readonly StoredTensor[], f: (tensors: tf.Tensor[]) => T | Promise<T>): Promise<T> {
  const tensors = stored.map((s) => tf.tensor(s.values.slice(), s.shape, s.dtype));
  try {
    return await f(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * Checkpoints kept in memory.
 *
 * @example
 * ```ts
 * import { pbt, memoryCheckpoints } from 'rxtrain';
 * const checkpoints = memoryCheckpoints();
 * const end = await lastValueFrom(pbt(space, makeMember, { ...config, checkpoints }));
 * await checkpoints.load(end.best.checkpoint!, { model }); // the best member's weights, in a model of the same shape
 * ```
 * @param name Names the store in `pbtStarted.dir` (`memory:<name>`) and in messages. Default `'pbt'`.
 */
export function memoryCheckpoints(name = 'pbt'): PbtCheckpoints {
  if (typeof name !== 'string' || name.length === 0) throw configError('memoryCheckpoints()', 'name', 'must be a non-empty string', name);
  const where = `memory:${name}`;
  const entries = new Map<string, Stored>();
  let state: SavedState | undefined;
  const find = (checkpoint: string): Stored => {
    const s = entries.get(checkpoint);
    if (!s) throw new RxtrainError('DATA_MISSING', `no checkpoint ${checkpoint} in ${where} (removed, or never saved)`, { path: checkpoint });
    return s;
  };
  return {
    where,
    checkpoint: (member, epoch) => `${where}/member-${member}/epoch-${epoch}`,
    async save(checkpoint, live: MemberState) {
      const { model, variables, optimizer } = live;
      const stored: Stored = {
        ...(model ? { model: await Promise.all(model.getWeights().map((t, i) => copyOut(`${model.name} weight ${i}`, t))) } : {}),
        ...(variables ? { variables: await Promise.all(Object.entries(variables).map(([n, v]) => copyOut(n, v))) } : {}),
        ...(optimizer
          ? { optimizer: { className: optimizer.getClassName(), weights: await withOptimizerWeights(optimizer, (ws) => Promise.all(ws.map((w) => copyOut(w.name, w.tensor)))) } }
          : {}),
      };
      entries.set(checkpoint, stored);
    },
    async load(checkpoint, live: MemberState) {
      const stored = find(checkpoint);
      const lacks = (['model', 'variables', 'optimizer'] as const).filter((k) => live[k] !== undefined && stored[k] === undefined);
      if (lacks.length > 0) throw new RxtrainError('DATA_MISSING', `checkpoint ${checkpoint} has no ${lacks.join(', ')} (saved without)`, { path: checkpoint });
      if (live.model && stored.model) {
        const model = live.model;
        const want = model.getWeights().length;
        if (stored.model.length !== want) throw new RxtrainError('INVALID_CONFIG', `checkpoint ${checkpoint} holds ${stored.model.length} weights, model ${model.name} has ${want}`, { path: checkpoint });
        await withTensors(stored.model, (ts) => model.setWeights(ts));
      }
      if (live.variables && stored.variables) {
        const variables = live.variables;
        for (const s of stored.variables) {
          const v = variables[s.name];
          if (!v) throw new RxtrainError('INVALID_CONFIG', `checkpoint ${checkpoint} holds variable ${s.name}, which the member has not`, { path: checkpoint });
          await withTensors([s], ([t]) => v.assign(t!));
        }
      }
      if (live.optimizer && stored.optimizer) {
        const opt = live.optimizer;
        const { className, weights } = stored.optimizer;
        if (className !== opt.getClassName()) throw new RxtrainError('INVALID_CONFIG', `the optimizer state in ${checkpoint} is a ${className}'s, not a ${opt.getClassName()}'s`, { path: checkpoint });
        await withTensors(weights, (ts) => setOptimizerWeights(opt, ts.map((tensor, i) => ({ name: weights[i]!.name, tensor }))));
      }
    },
    readState: async <P extends Params>() => state as SavedState<P> | undefined,
    async writeState(s) {
      state = structuredClone(s) as SavedState;
    },
    async remove(checkpoint) {
      entries.delete(checkpoint);
    },
    async removeOthers(keep) {
      for (const k of [...entries.keys()]) if (!keep.has(k)) entries.delete(k);
    },
    async clear() {
      entries.clear();
      state = undefined;
    },
  };
}
