/**
 * `crossValidate()`: k-fold cross-validation as an Observable. Each fold trains on the other folds and
 * is validated on its own; the folds run one after another, and a summary gives each metric's mean and
 * standard deviation over the folds.
 */
import { Observable, concat, concatMap, defer, from, isObservable, map, of, tap } from 'rxjs';
import { RxtrainError, describe, errorMessage } from '../errors.js';
import { toArrayDataset } from '../data/batches.js';
import { subset } from '../data/split.js';
import type { ArrayDataset } from '../data/types.js';
import type { EvaluationSource } from '../evaluate.js';
import { kFoldIndices, parseKFold, type KFoldConfig } from './k-folds.js';

/** Metric values by name, as an `epochEnd` event carries them. */
export type FoldMetrics = Readonly<Record<string, number>>;

/**
 * What a fold's training gives back: its stream of training events (the fold's metrics are those of
 * the last `epochEnd`, or of the epoch `earlyStopping` restored), metrics, or a Promise of them.
 */
export type FoldOutcome = Observable<{ readonly type: string }> | FoldMetrics | PromiseLike<FoldMetrics>;

/** Trains a fresh model on `trainSet`, validates it on `validationSet`; `fold` counts from 1. */
export type FoldTraining = (trainSet: ArrayDataset, validationSet: ArrayDataset, fold: number) => FoldOutcome;

/** One fold's result. */
export interface FoldResult {
  readonly type: 'fold';
  /** 1 for the first fold. */
  readonly fold: number;
  readonly metrics: FoldMetrics;
  readonly trainSize: number;
  readonly validationSize: number;
}

/** After the last fold: each metric's mean and (population) standard deviation over the folds. */
export interface CrossValidationSummary {
  readonly type: 'summary';
  readonly folds: number;
  readonly mean: FoldMetrics;
  readonly std: FoldMetrics;
}

export type CrossValidationEvent = FoldResult | CrossValidationSummary;

const where = 'crossValidate()';

/**
 * k-fold cross-validation: for each fold, `buildAndTrain(trainSet, validationSet, fold)` trains a new
 * model on the other folds and gives back the metrics it reached on this one.
 *
 * Intuition: on a small data set, one validation split is a noisy estimate; k of them, each sample
 * validated on exactly once, give a mean and a spread. Folds come from a seeded shuffle (stratified by
 * class by default for class labels) and run one after another; unsubscribing stops the fold in
 * progress. The standard deviation is the population one (numpy's default, as scikit-learn's
 * `cv_results_` reports it). A metric missing from some fold is left out of the summary.
 *
 * @example
 * ```ts
 * import { crossValidate, iris, mlp, train, fitNormalizer, applyNormalizer } from 'rxtrain';
 * crossValidate(iris(), { folds: 5, seed: 1 }, (trainSet, validation) => {
 *   const stats = fitNormalizer(trainSet, 'standard');
 *   const model = mlp({ inputShape: [4], units: [16], classes: 3, seed: 1 });
 *   return train(model, applyNormalizer(trainSet, stats), { epochs: 20, validation: applyNormalizer(validation, stats), metrics: ['accuracy', 'f1'] });
 * }).subscribe((e) => console.log(e.type === 'fold' ? e.metrics.val_f1 : e.mean.val_f1));
 * ```
 * @param data An in-memory data set (or `{xs, ys}`).
 * @param config `folds` (≥ 2), `stratified`, `seed`.
 * @param buildAndTrain Trains one fold: a stream of training events, or metrics (or a Promise of them).
 * @returns A `fold` event per fold, then a `summary`.
 * @throws RxtrainError `INVALID_CONFIG` for a bad config; the stream fails with an error that names the
 *   fold when a fold's training fails or gives no metrics.
 */
export function crossValidate(data: EvaluationSource, config: KFoldConfig, buildAndTrain: FoldTraining): Observable<CrossValidationEvent> {
  const ds = toArrayDataset(data);
  const k = parseKFold(where, config, ds);
  if (typeof buildAndTrain !== 'function') throw new RxtrainError('INVALID_CONFIG', `${where}: buildAndTrain must be a function (trainSet, validationSet, fold) => a training stream or metrics`, { field: 'buildAndTrain' });
  // Composed from operators (not a hand-made subscribe) so that an unsubscribe from below, even one
  // made synchronously while a fold reports (a pruned trial), reaches concatMap before the next fold.
  return defer(() => {
    const indices = kFoldIndices(ds, k);
    const results: FoldMetrics[] = [];
    const name = (fold: number, part: string): string => `${ds.name ? `${ds.name}/` : ''}fold ${fold}/${part}`;
    const folds = from(indices.map((_, i) => i + 1)).pipe(
      concatMap((fold) => {
        const validationSet = subset(ds, indices[fold - 1]!, name(fold, 'validation'));
        const others = indices.filter((_, j) => j !== fold - 1);
        const trainSet = subset(ds, Int32Array.from(others.flatMap((f) => Array.from(f))).sort(), name(fold, 'train'));
        return foldMetrics(fold, k.folds, () => buildAndTrain(trainSet, validationSet, fold)).pipe(
          map((metrics): FoldResult => ({ type: 'fold', fold, metrics, trainSize: trainSet.length, validationSize: validationSet.length })),
        );
      }),
      tap((r) => results.push(r.metrics)),
    );
    const summary = defer(() => of<CrossValidationSummary>({ type: 'summary', folds: k.folds, ...meanAndStd(results) }));
    return concat<CrossValidationEvent[]>(folds, summary);
  });
}

/** Each metric present in every fold: its mean and population standard deviation. */
export function meanAndStd(folds: readonly FoldMetrics[]): { mean: Record<string, number>; std: Record<string, number> } {
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  const names = Object.keys(folds[0] ?? {}).filter((n) => folds.every((f) => typeof f[n] === 'number'));
  for (const n of names) {
    const values = folds.map((f) => f[n]!);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean[n] = m;
    std[n] = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
  }
  return { mean, std };
}

/** The metrics one fold's training reached, as a one-value Observable; errors name the fold. */
function foldMetrics(fold: number, folds: number, run: () => FoldOutcome): Observable<FoldMetrics> {
  const fail = (err: unknown): RxtrainError => {
    const message = `${where}: fold ${fold} of ${folds} failed: ${errorMessage(err)}`;
    return err instanceof RxtrainError ? new RxtrainError(err.code, message, { ...err.details, fold }, { cause: err }) : new RxtrainError('TRIAL_FAILED', message, { fold }, { cause: err });
  };
  return new Observable<FoldMetrics>((subscriber) => {
    const done = (m: unknown): void => {
      if (!isMetrics(m)) return subscriber.error(fail(new RxtrainError('TRIAL_FAILED', `buildAndTrain gave ${describe(m)}, not metrics (an object of numbers by name)`)));
      subscriber.next(m);
      subscriber.complete();
    };
    let outcome: FoldOutcome;
    try {
      outcome = run();
    } catch (err) {
      subscriber.error(fail(err));
      return;
    }
    if (isObservable(outcome)) {
      const byEpoch = new Map<number, FoldMetrics>();
      let last: FoldMetrics | undefined;
      let restored: number | undefined;
      const inner = outcome.subscribe({
        next: (e) => {
          if (e.type === 'epochEnd') {
            const { epoch, metrics } = e as { type: 'epochEnd'; epoch: number; metrics: FoldMetrics };
            byEpoch.set(epoch, metrics);
            last = metrics;
          } else if (e.type === 'stopped') {
            restored = (e as { restoredEpoch?: number }).restoredEpoch ?? restored;
          }
        },
        error: (err: unknown) => subscriber.error(fail(err)),
        complete: () => {
          const m = (restored !== undefined ? byEpoch.get(restored) : undefined) ?? last;
          if (m === undefined) subscriber.error(fail(new RxtrainError('TRIAL_FAILED', 'its training stream completed without an epochEnd event')));
          else done(m);
        },
      });
      return () => inner.unsubscribe();
    }
    if (isPromiseLike(outcome)) {
      let live = true;
      outcome.then((m) => live && done(m), (err: unknown) => live && subscriber.error(fail(err)));
      return () => {
        live = false;
      };
    }
    done(outcome);
    return undefined;
  });
}

function isMetrics(m: unknown): m is FoldMetrics {
  return typeof m === 'object' && m !== null && !Array.isArray(m) && Object.values(m).every((v) => typeof v === 'number' || v === undefined) && Object.keys(m).length > 0;
}

function isPromiseLike(v: unknown): v is PromiseLike<FoldMetrics> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
