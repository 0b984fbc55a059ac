import { Observable, type OperatorFunction } from 'rxjs';
import { configError } from '../lib/errors.js';
import { isEvent } from '../lib/events.js';
import { positiveInt } from '../lib/validate.js';
import type { Layer } from '../lib/transfer/select-layers.js';

/** `unfreezeAt` made layers trainable; they train from `epoch` on. */
export interface LayersUnfrozen {
  readonly type: 'unfrozen';
  /** The first epoch the layers train in. */
  readonly epoch: number;
  /** Names of the layers unfrozen. */
  readonly layers: readonly string[];
}

const where = 'unfreezeAt()';
const isEpochEnd = isEvent('epochEnd');
const isEpochBoundary = isEvent('epochBoundary');

/**
 * Make frozen layers trainable from epoch `epoch` on (gradual unfreezing).
 *
 * Intuition: first let the new head settle on the frozen body, then let the body adapt. At the end of
 * epoch `epoch - 1` (its `epochEnd`, or its `epochBoundary` if placed before `epochEnd`) the event
 * passes on, the layers become trainable, and a `{type: 'unfrozen', epoch, layers}` event follows;
 * the next step already trains them, since `trainStep` reads `model.trainableWeights` again at the
 * first step of every epoch.
 * `unfreezeAt(1, ...)` unfreezes when subscribed. Each subscription unfreezes once; nothing is frozen
 * back at teardown (like trained weights, trainability is the model's state).
 *
 * Any optimizer works: `trainStep` keeps each variable's optimizer state (Adam's moments, momentum)
 * by name, so the layers that join start with fresh state and the others keep theirs. To let the
 * body learn more slowly than the head, use a `discriminativeLr` optimizer.
 *
 * @example
 * ```ts
 * import { pretrained, replaceHead, freeze, train } from 'rxtrain';
 * import { unfreezeAt } from 'rxtrain/operators';
 * const model = replaceHead(await pretrained('fashion-cnn-0to4'), 5);
 * const body = freeze(model, { upTo: -1 });
 * train(model, data, { epochs: 10, optimizer: { name: 'adam', lr: 1e-3 } }).pipe(
 *   unfreezeAt(3, body.slice(-2)), // the last dense block from epoch 3
 *   unfreezeAt(6, body),            // the whole body from epoch 6
 * ).subscribe();
 * ```
 * @param epoch The first epoch in which the layers train (1 is the first epoch of the run).
 * @param layers The layers (e.g. what `freeze` returned, or `layersOf(model, selector)`).
 * @returns An operator that passes events through and adds one `unfrozen` event.
 */
export function unfreezeAt<E extends { readonly type: string }>(epoch: number, layers: readonly Layer[]): OperatorFunction<E, E | LayersUnfrozen> {
  positiveInt(where, 'epoch', epoch);
  if (!Array.isArray(layers) || layers.length === 0) throw configError(where, 'layers', 'must be a non-empty array of layers (e.g. what freeze() returned)', layers);
  layers.forEach((l, i) => {
    if (l === null || typeof l !== 'object' || typeof (l as Layer).name !== 'string' || !('trainable' in l)) throw configError(where, `layers[${i}]`, 'must be a tfjs-layers layer', l);
  });
  const list = [...layers];
  return (source) =>
    new Observable<E | LayersUnfrozen>((subscriber) => {
      let done = false;
      const unfreezeNow = (): void => {
        done = true;
        for (const l of list) l.trainable = true;
        subscriber.next({ type: 'unfrozen', epoch, layers: list.map((l) => l.name) });
      };
      if (epoch === 1) unfreezeNow();
      return source.subscribe({
        next: (e) => {
          if (subscriber.closed) return;
          subscriber.next(e);
          if (!done && (isEpochEnd(e) || isEpochBoundary(e)) && e.epoch === epoch - 1) unfreezeNow();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
