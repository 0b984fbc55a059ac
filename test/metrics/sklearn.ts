/**
 * scikit-learn's metrics on given predictions, through bench/reference/metrics_sklearn.py, for the
 * tests that check rxtrain's against them. Debian's python3-sklearn: /usr/bin/python3, not whatever
 * python3 comes first on PATH.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench/reference/metrics_sklearn.py');
const python = '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import sklearn'], { encoding: 'utf8' });

/** A reason to skip, when scikit-learn cannot be imported; false when it can. */
export const sklearnMissing: string | false = probe.status !== 0 ? `scikit-learn is not importable by ${python} (install Debian's python3-sklearn)` : false;

/** scikit-learn's metrics by rxtrain's names. */
export type SklearnMetrics = Record<string, number>;

/** A line of scikit-learn's `classification_report(output_dict=True)`. */
export interface SklearnReportLine {
  readonly precision: number;
  readonly recall: number;
  readonly 'f1-score': number;
  readonly support: number;
}

/** scikit-learn's `confusion_matrix` and `classification_report` (lines by class id as a string, and `macro avg`, `weighted avg`). */
export interface SklearnReport {
  readonly confusion_matrix: number[][];
  readonly classification_report: Record<string, SklearnReportLine>;
}

function run(task: string, yTrue: unknown, yPred: unknown): unknown {
  const r = spawnSync(python, [script], { input: JSON.stringify({ task, y_true: yTrue, y_pred: yPred }), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`metrics_sklearn.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

/**
 * scikit-learn's metrics of `yPred` against `yTrue`: `binary` (probabilities of class 1),
 * `multiclass` (rows of class probabilities) or `regression` (rows of outputs).
 */
export function sklearn(task: 'binary' | 'multiclass' | 'regression', yTrue: unknown, yPred: unknown): SklearnMetrics {
  const out = run(task, yTrue, yPred) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(out).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

/** scikit-learn's confusion matrix and classification report of class predictions (as {@link sklearn}'s tasks). */
export function sklearnReport(task: 'binary' | 'multiclass', yTrue: unknown, yPred: unknown): SklearnReport {
  return run(task, yTrue, yPred) as SklearnReport;
}
