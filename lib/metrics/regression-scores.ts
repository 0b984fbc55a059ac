/**
 * Regression metrics from sums over an epoch, per output column and then averaged over the columns
 * (scikit-learn's `multioutput='uniform_average'`).
 */

/** The sums one batch adds, in this order, each a row of `width` output columns. */
export const REGRESSION_SUMS = ['squared', 'absolute', 'relative', 'target', 'targetSquared'] as const;

export type RegressionMetric = 'mse' | 'mae' | 'rmse' | 'r2' | 'mape';

/**
 * `sums` holds {@link REGRESSION_SUMS} rows of `width` columns over `n` samples. R² of a column whose
 * targets are all equal is 1 when it is predicted exactly and 0 otherwise (scikit-learn's
 * `force_finite`).
 */
export function regressionMetric(metric: RegressionMetric, sums: ArrayLike<number>, width: number, n: number): number {
  const row = (r: number, j: number): number => sums[r * width + j]!;
  let total = 0;
  for (let j = 0; j < width; j++) {
    const sse = row(0, j);
    switch (metric) {
      case 'mse':
        total += sse / n;
        break;
      case 'rmse':
        total += Math.sqrt(sse / n);
        break;
      case 'mae':
        total += row(1, j) / n;
        break;
      case 'mape':
        total += row(2, j) / n;
        break;
      case 'r2': {
        const sst = row(4, j) - (row(3, j) * row(3, j)) / n;
        total += sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0;
        break;
      }
    }
  }
  return total / width;
}
