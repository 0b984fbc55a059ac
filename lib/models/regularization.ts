import * as tfl from '@tensorflow/tfjs-layers';
import { finiteNumber, nonNegativeInt, numberInRange } from '../validate.js';
import { configError } from '../errors.js';

/** Options shared by the model builders. */
export interface RegularizationOptions {
  /** Dropout rate after each hidden layer, in [0, 1). Default 0. */
  readonly dropout?: number;
  /** L1 penalty on hidden kernels. Default 0. */
  readonly l1?: number;
  /** L2 penalty on hidden kernels. Default 0. */
  readonly l2?: number;
}

export function checkRegularization(where: string, o: RegularizationOptions): Required<RegularizationOptions> {
  const dropout = o.dropout === undefined ? 0 : numberInRange(where, 'dropout', o.dropout, 0, 1, { hiOpen: true });
  const l1 = o.l1 === undefined ? 0 : finiteNumber(where, 'l1', o.l1);
  const l2 = o.l2 === undefined ? 0 : finiteNumber(where, 'l2', o.l2);
  if (l1 < 0) throw configError(where, 'l1', 'must be ≥ 0', l1);
  if (l2 < 0) throw configError(where, 'l2', 'must be ≥ 0', l2);
  return { dropout, l1, l2 };
}

export function kernelRegularizer(r: Required<RegularizationOptions>): ReturnType<typeof tfl.regularizers.l1l2> | undefined {
  return r.l1 > 0 || r.l2 > 0 ? tfl.regularizers.l1l2({ l1: r.l1, l2: r.l2 }) : undefined;
}

export function checkShape(where: string, field: string, shape: unknown, rank?: number): number[] {
  if (!Array.isArray(shape) || shape.length === 0 || (rank !== undefined && shape.length !== rank)) {
    throw configError(where, field, rank ? `must be an array of ${rank} positive integers` : 'must be a non-empty array of positive integers', shape);
  }
  shape.forEach((d, i) => nonNegativeInt(where, `${field}[${i}]`, d));
  if (shape.some((d) => d === 0)) throw configError(where, field, 'must not contain 0', shape);
  return shape as number[];
}

export type OutputKind = 'softmax' | 'sigmoid' | 'linear';

/** The output layer's activation: softmax for several classes, sigmoid for one (binary), linear for regression. */
export function outputActivation(classes: number | undefined, outputs: number | undefined): { units: number; activation: OutputKind } {
  if (classes !== undefined) return classes === 1 ? { units: 1, activation: 'sigmoid' } : { units: classes, activation: 'softmax' };
  return { units: outputs ?? 1, activation: 'linear' };
}
