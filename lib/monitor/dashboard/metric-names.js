// Which metrics are better higher, for the dashboard (a plain file: the dashboard has no build step).
// The same rule as lib/metrics/metric-names.ts's metricDirection: the built-in metrics that are
// maximised, each also with a val_ prefix, and any name ending in "accuracy"; every other name
// (loss, lr, log_loss, mse, mae, rmse, mape, a user's own metric) is minimised.
// test/monitor/dashboard-metric-names.test.ts checks that the two agree.

/** The built-in metrics that are better higher (lib/metrics/metric-names.ts's metricKinds). */
export const MAXIMIZED = [
  'accuracy', 'precision', 'recall', 'f1', 'precision_macro', 'recall_macro', 'f1_macro',
  'precision_weighted', 'recall_weighted', 'f1_weighted', 'auc', 'pr_auc', 'r2',
];

/** 'maximize' or 'minimize', by the metric's name. */
export function metricDirection(metric) {
  const name = metric.startsWith('val_') ? metric.slice(4) : metric;
  return MAXIMIZED.includes(name) || /accuracy$/.test(name) ? 'maximize' : 'minimize';
}
