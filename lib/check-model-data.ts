/**
 * `checkModelData`: does a data set fit a model and its loss? The one check run wherever a model meets
 * data (`train`, `evaluate`, `trainStep`, `dataParallel`, `layersMember`, `checkFits`), so that a
 * mismatch fails where it is made, naming both shapes or the label and its row, instead of training
 * silently (an out-of-range class id one-hot encodes to a row of zeros, a 0.5 label truncates to
 * class 0) or failing at the first step with a tfjs error that names internal layers.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { RxtrainError } from './errors.js';
import type { Loss } from './losses.js';
import type { Batch } from './events.js';
import type { ArrayDataset } from './data/types.js';
import { fromTensors } from './data/from-arrays.js';

type Dim = number | null;

/** The sample shapes a model takes and gives (`null`: any size), and its number of classes (output units). */
export function modelSignature(model: tfl.LayersModel, where?: string): { inputShape: number[]; outputShape: Dim[]; classes: number } {
  const input = model.inputs[0];
  const output = model.outputs[0];
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || !input || !output) {
    const several = model.outputs.length !== 1 ? `several outputs are not supported (got ${model.outputs.length} outputs)` : `several inputs are not supported (got ${model.inputs.length} inputs)`;
    throw new RxtrainError('SHAPE_MISMATCH', `${where ? `${where}: ` : ''}models with ${several}: the model must have one input and one output`);
  }
  const outputShape = output.shape.slice(1);
  const last = outputShape[outputShape.length - 1];
  return { inputShape: input.shape.slice(1) as number[], outputShape, classes: typeof last === 'number' ? last : NaN };
}

/** Number of classes a classification data set has: one-hot width, class names, or largest id + 1. */
export function classCount(data: ArrayDataset): number {
  if (data.yShape.length === 1) return data.yShape[0]!;
  if (data.classNames) return data.classNames.length;
  let max = -1;
  for (const v of data.y) if (v > max) max = v;
  return max + 1;
}

/** Pairs already found to fit: data set → model → losses. A failure is not remembered. */
const fitted = new WeakMap<ArrayDataset, WeakMap<tfl.LayersModel, Set<Loss>>>();

/**
 * Throw unless `data` fits `model` trained or evaluated with `loss`:
 *
 * - the sample shape is the model's input shape;
 * - class targets (`categoricalCrossentropy`, `sparseCategoricalCrossentropy`): integer class ids
 *   within `[0, classes)` (and no more class names than classes), or one-hot rows as wide as the output;
 *   A single output with these losses is refused (its loss is 0 whatever the weights);
 * - `binaryCrossentropy`: as many targets a sample as outputs, each within [0, 1] (a binary
 *   classifier: one sigmoid output, `mlp({classes: 1})`, and integer or float 0/1 labels);
 * - `meanSquaredError`, `meanAbsoluteError`: as many targets a sample as outputs;
 * - a loss function: only the input shape (its targets are its own business).
 *
 * A pair that fits is remembered (per data set object, model and loss), so calling this at every
 * epoch's validation costs a lookup. Non-finite feature values are not refused here: training reports
 * them (`terminateOnNaN`).
 *
 * @param where The function named in the message, e.g. `train()`.
 * @param role Names the data in the message when it plays a part, e.g. `validation data`.
 * @throws RxtrainError `SHAPE_MISMATCH` naming both shapes, or the label and its row.
 */
export function checkModelData(where: string, model: tfl.LayersModel, data: ArrayDataset, loss: Loss, role?: string): void {
  const known = fitted.get(data)?.get(model);
  if (known?.has(loss)) return;
  const sig = modelSignature(model, where);
  const quoted = data.name ? `'${data.name}'` : '';
  const name = role ? `the ${role}${quoted && ` ${quoted}`}` : quoted || 'the data';
  if (!sameShape(sig.inputShape, data.xShape)) {
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: the model takes samples of shape [${shown(sig.inputShape)}] but ${name} has samples of shape [${data.xShape.join(', ')}]`, { expected: sig.inputShape, actual: [...data.xShape] });
  }
  if (typeof loss === 'string') checkTargets(where, sig.outputShape, data, loss, name);
  const byModel = fitted.get(data) ?? new WeakMap<tfl.LayersModel, Set<Loss>>();
  fitted.set(data, byModel);
  byModel.set(model, (known ?? new Set<Loss>()).add(loss));
}

/**
 * The same check on a batch, for a step that meets its data only as batches (`trainStep`,
 * `dataParallel`): the whole data set a batch was cut from when `batches()` says which, otherwise
 * the batch itself (read from the device once).
 */
export function checkModelBatch(where: string, model: tfl.LayersModel, batch: Batch, loss: Loss): void {
  if (batch.dataset) return checkModelData(where, model, batch.dataset, loss);
  checkModelData(where, model, fromTensors(batch.xs, batch.ys), loss, batch.index === 0 ? 'first batch' : `batch ${batch.index}`);
}

function checkTargets(where: string, out: readonly Dim[], data: ArrayDataset, loss: Exclude<Loss, (...a: never[]) => unknown>, name: string): void {
  const fail = (message: string, details: Record<string, unknown>): never => {
    throw new RxtrainError('SHAPE_MISMATCH', `${where}: ${message}`, details);
  };
  const of = `of ${name}`;
  const perSample = data.yShape.reduce((a, b) => a * b, 1);
  const outValues = out.every((d): d is number => typeof d === 'number') ? out.reduce((a, b) => a * b, 1) : undefined;
  const row = (k: number): number => Math.floor(k / Math.max(perSample, 1));
  if (loss === 'categoricalCrossentropy' || loss === 'sparseCategoricalCrossentropy') {
    const classes = out[out.length - 1];
    // Its loss would be 0 whatever the weights: one output is a binary classifier (or a regression).
    if (classes === 1) {
      fail(`the model has a single output (outputs of shape [${shown(out)}]: one sigmoid unit is a binary classifier) but ${loss} needs one output per class: train it with loss 'binaryCrossentropy' and 0/1 labels, or give it one output per class (mlp({classes: 2}))`, { expected: 'binaryCrossentropy', actual: loss });
    }
    const ids = data.yShape.length === out.length - 1;
    if (!ids && !(data.yShape.length === out.length && data.yShape[data.yShape.length - 1] === classes)) {
      if (data.yShape.length === out.length) fail(`the targets ${of} are one-hot rows of width ${data.yShape[data.yShape.length - 1]} (shape [${data.yShape.join(', ')}]) but the model has ${shown([classes ?? null])} classes (outputs of shape [${shown(out)}])`, { expected: classes, actual: data.yShape[data.yShape.length - 1] });
      fail(`the model gives outputs of shape [${shown(out)}] per sample but the targets ${of} have shape [${data.yShape.join(', ')}]: ${loss} takes integer class ids (shape [${shown(out.slice(0, -1))}]) or one-hot rows (shape [${shown(out)}])`, { expected: out, actual: [...data.yShape] });
    }
    if (!ids || typeof classes !== 'number') return;
    const names = data.classNames;
    if (names && names.length > classes) {
      fail(`the model has ${classes} classes but ${name} has ${names.length} (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}): give it ${names.length} outputs (mlp({classes: ${names.length}}), or replaceHead(model, ${names.length}) for a pre-trained model)`, { expected: names.length, actual: classes });
    }
    const y = data.y;
    for (let k = 0; k < y.length; k++) {
      const v = y[k]!;
      if (!Number.isInteger(v)) fail(`label value ${v} at row ${row(k)} ${of} is not a class id: ${loss} takes integer class ids in [0, ${classes}) or one-hot rows of width ${classes}`, { row: row(k), label: v });
      if (v < 0 || v >= classes) fail(`label value ${v} at row ${row(k)} ${of} is outside the valid range [0, ${classes}) of the model's ${classes} classes`, { row: row(k), label: v, classes });
    }
    return;
  }
  if (outValues !== undefined && perSample !== outValues) {
    const hint = loss !== 'binaryCrossentropy' ? '' : perSample === 1
      ? ': for class ids with one output per class use categoricalCrossentropy; for 0/1 labels give the model a single sigmoid output (mlp({classes: 1}))'
      : ': for one-hot rows use categoricalCrossentropy; binaryCrossentropy takes one 0/1 target per output';
    fail(`the model gives outputs of shape [${shown(out)}] per sample but the targets ${of} have shape [${data.yShape.join(', ')}] (${perSample} value${perSample === 1 ? '' : 's'}): ${loss} compares them one to one${hint}`, { expected: out, actual: [...data.yShape] });
  }
  if (loss === 'binaryCrossentropy') {
    const y = data.y;
    for (let k = 0; k < y.length; k++) {
      const v = y[k]!;
      if (!(v >= 0 && v <= 1)) fail(`label value ${v} at row ${row(k)} ${of} is outside the valid range [0, 1] of binaryCrossentropy`, { row: row(k), label: v });
    }
  }
}

function sameShape(model: readonly Dim[], data: readonly number[]): boolean {
  return model.length === data.length && model.every((d, i) => d === null || d === data[i]);
}

function shown(shape: readonly Dim[]): string {
  return shape.map((d) => (d === null ? 'any' : String(d))).join(', ');
}
