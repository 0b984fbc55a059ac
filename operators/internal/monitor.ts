/**
 * Shared by the decision operators that watch one metric (`earlyStopping`, `reduceLROnPlateau`,
 * `checkpoint`): which direction is better, what counts as an improvement, and reading the metric from an
 * epoch. Internal: not re-exported from `operators/index.ts`.
 */
import { RxtrainError } from '../../lib/errors.js';
import type { EpochEnd, MetricName } from '../../lib/events.js';
import { configError } from '../../lib/errors.js';
import { isMetricKind, metricDirection, metricKinds } from '../../lib/metrics/metric-names.js';
import { oneOf } from '../../lib/validate.js';

/** Whether smaller or larger values of the monitored metric are better. */
export type MonitorMode = 'min' | 'max' | 'auto';

/** Is `name` a metric an epoch can carry (`loss`, `lr`, a built-in metric, each with `val_`)? */
function isMetricName(name: unknown): name is MetricName {
  if (typeof name !== 'string') return false;
  const base = name.startsWith('val_') ? name.slice(4) : name;
  return base === 'loss' || name === 'lr' || isMetricKind(base);
}

/** Validate `monitor` (default `val_loss`): a closed list, so a typo fails at once. */
export function monitorField(where: string, value: unknown): MetricName {
  if (value === undefined) return 'val_loss';
  if (isMetricName(value)) return value;
  throw configError(where, 'monitor', `must be loss, lr, or a metric (${metricKinds.join(', ')}, top<k>_accuracy), each also with a val_ prefix`, value);
}

/** Validate `mode` (default `auto`) and resolve `auto` for the given monitor. */
export function modeField(where: string, value: unknown, monitor: MetricName): 'min' | 'max' {
  const mode = value === undefined ? 'auto' : oneOf<MonitorMode>(where, 'mode', value, ['min', 'max', 'auto']);
  if (mode !== 'auto') return mode;
  return metricDirection(monitor) === 'maximize' ? 'max' : 'min';
}

/**
 * Is `current` better than `reference` by more than `minDelta`? A non-finite `current` never is (NaN
 * compares false, and an infinite loss is no progress); `terminateOnNaN()` is the operator that fails on it.
 */
export function improves(current: number, reference: number, mode: 'min' | 'max', minDelta: number): boolean {
  if (!Number.isFinite(current)) return false;
  return mode === 'min' ? current < reference - minDelta : current > reference + minDelta;
}

/** The starting reference: anything finite improves on it. */
export function worst(mode: 'min' | 'max'): number {
  return mode === 'min' ? Infinity : -Infinity;
}

/** Read the monitored metric of an epoch; its absence is a config error that lists what is there. */
export function readMonitor(where: string, event: EpochEnd, monitor: MetricName): number {
  const value = event.metrics[monitor];
  if (typeof value === 'number') return value;
  const present = Object.keys(event.metrics).join(', ');
  throw new RxtrainError(
    'INVALID_CONFIG',
    `${where}: monitor '${monitor}' is not in the metrics of epoch ${event.epoch} (present: ${present})` +
      (monitor.startsWith('val_') ? `; give epochEnd() validation data to get '${monitor}'` : ''),
    { where, field: 'monitor', value: monitor, present: Object.keys(event.metrics), epoch: event.epoch },
  );
}
