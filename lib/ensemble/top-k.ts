/**
 * `topK`: an ensemble of a finished study's best trials. A trial's model is found through its
 * `modelPath` attribute: the folder its objective saved the trained model to (`saveTrialModel`).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { RxtrainError, configError } from '../errors.js';
import { loadModel, saveModel } from '../io/save-load.js';
import type { FrozenTrial } from '../search/types.js';
import type { Trial } from '../study/index.js';
import { nonEmptyString, positiveInt } from '../validate.js';
import { ensemble, type Combine, type Ensemble } from './ensemble.js';

/** The study surface `topK` reads. */
export interface FinishedStudy {
  readonly direction: 'minimize' | 'maximize';
  trials(states?: readonly ('completed' | 'pruned' | 'failed' | 'running' | 'waiting')[]): readonly FrozenTrial[];
}

/**
 * Save a trial's trained model to `dir` and record the folder as the trial's `modelPath` attribute,
 * for `topK`.
 *
 * @example
 * ```ts
 * s.optimize((trial) => train(model, data, config).pipe(
 *   concatWith(defer(() => saveTrialModel(trial, model, `models/trial-${trial.number}`)).pipe(ignoreElements()))));
 * ```
 */
export async function saveTrialModel(trial: Pick<Trial, 'setAttrs'>, model: tfl.LayersModel, dir: string): Promise<void> {
  nonEmptyString('saveTrialModel()', 'dir', dir);
  await saveModel(model, dir);
  trial.setAttrs({ modelPath: dir });
}

/**
 * An ensemble of the `k` best completed trials of `study` that saved a model (`attrs.modelPath`).
 *
 * Intuition: a search trains many good models and keeps one; averaging the best few is nearly free
 * and usually better than the single best.
 *
 * @example
 * ```ts
 * import { topK } from 'rxtrain';
 * const e = await topK(s, 5); // after s.optimize(...) completed
 * console.log(e.evaluate(test).accuracy);
 * ```
 * @throws RxtrainError `INVALID_CONFIG` when fewer than `k` completed trials have a saved model;
 *   `SHAPE_MISMATCH` when the saved models differ in shape or classes.
 */
export async function topK(study: FinishedStudy, k: number, options: { readonly combine?: Combine } = {}): Promise<Ensemble> {
  const where = 'topK()';
  if (study === null || typeof study !== 'object' || typeof study.trials !== 'function') throw configError(where, 'study', 'must be a study', study);
  positiveInt(where, 'k', k);
  const sign = study.direction === 'minimize' ? 1 : -1;
  const ranked = study
    .trials(['completed'])
    .filter((t) => t.value !== undefined && typeof t.attrs?.modelPath === 'string')
    .sort((a, b) => sign * (a.value! - b.value!) || a.number - b.number);
  if (ranked.length < k) {
    throw configError(where, 'k', `is ${k} but only ${ranked.length} completed trial(s) saved a model (set attrs.modelPath, e.g. with saveTrialModel)`);
  }
  const members: tfl.LayersModel[] = [];
  try {
    for (const t of ranked.slice(0, k)) {
      try {
        members.push(await loadModel(t.attrs!.modelPath as string));
      } catch (err) {
        throw new RxtrainError('DATA_MISSING', `${where}: cannot load trial ${t.number}'s model from ${String(t.attrs!.modelPath)}: ${(err as Error).message}`, { trial: t.number }, { cause: err });
      }
    }
    return ensemble({ kind: 'topK', members, ...(options.combine ? { combine: options.combine } : {}) });
  } catch (err) {
    for (const m of members) m.dispose();
    throw err;
  }
}
