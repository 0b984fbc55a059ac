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

/** What the reference script prints: metrics by rxtrain's names, and `confusion_matrix` for classification. */
export type SklearnMetrics = Record<string, number> & { readonly confusion_matrix?: number[][] };

/**
 * scikit-learn's metrics of `yPred` against `yTrue`: `binary` (probabilities of class 1),
 * `multiclass` (rows of class probabilities) or `regression` (rows of outputs).
 */
export function sklearn(task: 'binary' | 'multiclass' | 'regression', yTrue: unknown, yPred: unknown): SklearnMetrics {
  const r = spawnSync(python, [script], { input: JSON.stringify({ task, y_true: yTrue, y_pred: yPred }), encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`metrics_sklearn.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SklearnMetrics;
}
