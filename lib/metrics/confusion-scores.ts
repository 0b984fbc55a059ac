/**
 * Precision, recall and F1 from a confusion matrix, as scikit-learn computes them: a ratio whose
 * denominator is 0 counts as 0 (its `zero_division` default), and macro and weighted averages run over
 * the classes that occur in the targets or the predictions (its `labels=None`).
 */
import type { ConfusionMetric } from './metric-names.js';

/** Rows are true classes, columns predicted ones: `counts[t * classes + p]`. */
export interface Confusion {
  readonly classes: number;
  readonly counts: ArrayLike<number>;
}

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Samples whose true class this is. */
  readonly support: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Per-class precision, recall, F1 and support. */
export function classScores(c: Confusion): ClassScores[] {
  const out: ClassScores[] = [];
  for (let k = 0; k < c.classes; k++) {
    let tp = 0;
    let predicted = 0;
    let support = 0;
    for (let j = 0; j < c.classes; j++) {
      predicted += c.counts[j * c.classes + k]!;
      support += c.counts[k * c.classes + j]!;
    }
    tp = c.counts[k * c.classes + k]!;
    out.push({ precision: ratio(tp, predicted), recall: ratio(tp, support), f1: ratio(2 * tp, predicted + support), support });
  }
  return out;
}

/** Whether class k occurs among the targets or the predictions. */
function present(c: Confusion, k: number): boolean {
  for (let j = 0; j < c.classes; j++) if (c.counts[k * c.classes + j]! > 0 || c.counts[j * c.classes + k]! > 0) return true;
  return false;
}

/**
 * One confusion metric. Without a suffix: class 1's score for a binary model (two classes), the macro
 * average for more.
 */
export function confusionMetric(metric: ConfusionMetric, c: Confusion): number {
  const [score, average = c.classes === 2 ? 'binary' : 'macro'] = metric.split('_') as [keyof Omit<ClassScores, 'support'>, string?];
  const scores = classScores(c);
  if (average === 'binary') return scores[1]![score];
  let sum = 0;
  let weight = 0;
  scores.forEach((s, k) => {
    if (!present(c, k)) return;
    const w = average === 'weighted' ? s.support : 1;
    sum += w * s[score];
    weight += w;
  });
  return ratio(sum, weight);
}
