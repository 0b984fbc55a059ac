/**
 * `evaluate({ report: true })`'s confusion matrix and per-class scores, as scikit-learn's
 * `confusion_matrix` and `classification_report` give them (a ratio whose denominator is 0 is 0).
 */
import { classScores } from './confusion-scores.js';

/** One class's line of the report. */
export interface ClassReportLine {
  /** The class id. */
  readonly class: number;
  /** The class's name (the data set's `classNames`), or its id as a string. */
  readonly name: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Samples whose true class this is. */
  readonly support: number;
}

export interface ClassReport {
  /** `confusionMatrix[t][p]`: samples of true class t predicted as class p. */
  readonly confusionMatrix: number[][];
  /** One line per class, in class id order. */
  readonly perClass: ClassReportLine[];
}

/** The report from a confusion matrix's counts (`counts[t * classes + p]`). */
export function classReport(counts: ArrayLike<number>, classes: number, classNames?: readonly string[]): ClassReport {
  const confusionMatrix = Array.from({ length: classes }, (_, t) => Array.from({ length: classes }, (_, p) => Math.round(counts[t * classes + p]!)));
  const perClass = classScores({ classes, counts }).map((s, k) => ({
    class: k,
    name: classNames?.[k] ?? String(k),
    precision: s.precision,
    recall: s.recall,
    f1: s.f1,
    support: Math.round(s.support),
  }));
  return { confusionMatrix, perClass };
}
