/** Shared by the operator tests: hand-built events and a TestScheduler wired to tap. */
import type { Test } from 'tap';
import { from, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { EpochEnd, Metrics, StepEvent, TrainEvent } from '../../lib/events.js';

export function epochEnd(epoch: number, metrics: Partial<Metrics> & Record<string, number>): EpochEnd {
  return { type: 'epochEnd', epoch, metrics: { loss: 1, ...metrics } as Metrics, samples: 100, steps: 10, durationMs: 50 };
}

export function step(epoch: number, index: number, loss?: number): StepEvent {
  const s = { type: 'step' as const, epoch, index, step: epoch * 10 + index + 1, size: 10 };
  return loss === undefined ? s : { ...s, loss };
}

export function scheduler(t: Test): TestScheduler {
  return new TestScheduler((actual, expected) => t.same(actual, expected));
}

/** epochEnd events for a sequence of monitored values, keyed a, b, c, ... */
export function epochsOf(monitor: string, values: readonly number[]): Record<string, EpochEnd> {
  const out: Record<string, EpochEnd> = {};
  values.forEach((v, i) => {
    out[String.fromCharCode(97 + i)] = epochEnd(i, { [monitor]: v });
  });
  return out;
}

/** `of(...)` typed as a stream of TrainEvent. */
export function ofEvents(...events: TrainEvent[]): Observable<TrainEvent> {
  return from(events);
}
