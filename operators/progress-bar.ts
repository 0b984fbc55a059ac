import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { systemClock, type Clock } from '../lib/clock.js';
import { configError } from '../lib/errors.js';
import { isEvent, type StepEvent } from '../lib/events.js';
import { booleanField, knownFields, nonNegativeInt, positiveInt, requireObject } from '../lib/validate.js';

/** Where the progress goes: `process.stderr` or any stream-like object with `write`. */
export interface ProgressStream {
  write(text: string): unknown;
  /** Set by Node on terminal streams; the live line is drawn only when true. */
  readonly isTTY?: boolean;
  /** Terminal width; the live line is cut to it. */
  readonly columns?: number;
}

export interface ProgressBarConfig {
  /** Default `process.stderr`. */
  readonly stream?: ProgressStream;
  /** Number of epochs the run will have, shown as `epoch 3/10`. */
  readonly total?: number;
  /** Clock for the redraw interval. Default: the system clock. */
  readonly clock?: Clock;
  /** Minimum milliseconds between two redraws of the live line. Default 100. */
  readonly interval?: number;
  /** Draw the live line even when the stream is not a TTY (`true`) or never (`false`). Default: `stream.isTTY`. */
  readonly tty?: boolean;
}

const where = 'progressBar()';
const isStep = isEvent('step');
const isEpochEnd = isEvent('epochEnd');
const isLrChange = isEvent('lrChange');
const isCheckpoint = isEvent('checkpoint');
const isStopped = isEvent('stopped');
const clearLine = '\r\x1b[2K';

/**
 * Show training progress: a live line on a terminal and one summary line per epoch.
 *
 * On a TTY, `step` events redraw a single line (`epoch 3/10 ████░░░░ 120/300 loss 0.1234`), at most
 * once per `interval` ms by the injected clock; the bar's length is the step count of the previous
 * epoch (the first epoch shows a count). Each `epochEnd` replaces it with a summary line with the
 * duration and every metric. Learning-rate changes, checkpoints and stops get a line each. On a stream
 * that is not a TTY (a file, a CI log) only those lines are written. Epochs are shown as the events number
 * them (`epoch 1/10` is event epoch 1). Events pass through unchanged; at teardown a half-drawn live line is
 * cleared.
 *
 * @example
 * ```ts
 * import { progressBar } from 'rxtrain/operators';
 *
 * events$.pipe(progressBar({ total: 20 })).subscribe();
 * // epoch 1/20  0.8s  loss 0.4123  val_loss 0.3874  val_accuracy 0.8972
 * ```
 *
 * @param config Where to write, how many epochs, and the clock.
 * @returns An operator that draws progress and passes every event through.
 */
export function progressBar<E extends { readonly type: string }>(config: ProgressBarConfig = {}): MonoTypeOperatorFunction<E> {
  const c = requireObject(where, config);
  knownFields(where, c, ['stream', 'total', 'clock', 'interval', 'tty']);
  const stream = (c.stream ?? process.stderr) as ProgressStream;
  if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function') {
    throw configError(where, 'stream', 'must have a write(text) method', stream);
  }
  const total = c.total === undefined ? undefined : positiveInt(where, 'total', c.total);
  const clock = (c.clock ?? systemClock) as Clock;
  if (clock === null || typeof clock !== 'object' || typeof clock.now !== 'function') {
    throw configError(where, 'clock', 'must have a now() method', clock);
  }
  const interval = c.interval === undefined ? 100 : nonNegativeInt(where, 'interval', c.interval);
  const tty = c.tty === undefined ? stream.isTTY === true : booleanField(where, 'tty', c.tty);
  const ofTotal = (epoch: number): string => `epoch ${epoch}${total === undefined ? '' : `/${total}`}`;

  return (source) =>
    new Observable<E>((subscriber) => {
      let lastDraw = -Infinity;
      let drawn = false;
      let stepsPerEpoch: number | undefined;
      let lastLoss: number | undefined;

      const line = (text: string): void => {
        stream.write((drawn ? clearLine : '') + text + '\n');
        drawn = false;
      };
      const draw = (s: StepEvent): void => {
        const now = clock.now();
        if (now - lastDraw < interval) return;
        lastDraw = now;
        const done = s.index + 1;
        let text = ofTotal(s.epoch);
        if (stepsPerEpoch !== undefined) {
          const width = 20;
          const filled = Math.min(width, Math.round((done / stepsPerEpoch) * width));
          text += ` ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${done}/${stepsPerEpoch}`;
        } else {
          text += ` step ${done}`;
        }
        if (lastLoss !== undefined) text += `  loss ${fmt(lastLoss)}`;
        const cols = stream.columns;
        if (cols !== undefined && cols > 1 && text.length >= cols) text = text.slice(0, cols - 1);
        stream.write(clearLine + text);
        drawn = true;
      };

      const upstream = source.subscribe({
        next: (e) => {
          if (subscriber.closed) return;
          try {
            if (isStep(e)) {
              if (e.loss !== undefined) lastLoss = e.loss;
              if (tty) draw(e);
            } else if (isEpochEnd(e)) {
              stepsPerEpoch = e.steps > 0 ? e.steps : stepsPerEpoch;
              lastLoss = undefined;
              lastDraw = -Infinity;
              const metrics = Object.entries(e.metrics).map(([k, v]) => `  ${k} ${fmt(v)}`).join('');
              line(`${ofTotal(e.epoch)}  ${(e.durationMs / 1000).toFixed(1)}s${metrics}`);
            } else if (isLrChange(e)) {
              line(`learning rate ${fmt(e.from)} → ${fmt(e.to)} from ${ofTotal(e.epoch)} (${e.source})`);
            } else if (isCheckpoint(e)) {
              line(`saved ${ofTotal(e.epoch)} to ${e.path} (${e.monitor} ${fmt(e.value)})`);
            } else if (isStopped(e)) {
              line(`stopped after ${ofTotal(e.epoch)} by ${e.source}: ${e.reason}` +
                (e.restoredEpoch === undefined ? '' : `; restored the weights of ${ofTotal(e.restoredEpoch)}`));
            }
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(e);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        upstream.unsubscribe();
        if (drawn) stream.write(clearLine);
        drawn = false;
      };
    });
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}
