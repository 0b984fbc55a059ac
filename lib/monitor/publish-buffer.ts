/**
 * The events the hub was given since its last flush, not serialised yet, and their serialising into
 * the record log, in publish order. (Split from hub.ts.)
 *
 * Serialising in batches rather than in `publish` keeps the producer's share small: between two events
 * a training step runs and evicts the serialiser's code and data from the caches, so an event
 * serialised on its own costs several times what it costs in a batch (benchmarks.md, Monitor). Events
 * are plain data that nobody changes once emitted (their types are readonly), so serialising them up
 * to `flushMs` later sends what was published.
 */
import type { RecordLog } from './record-log.js';

export class PublishBuffer {
  // Run, time, event, in turn (one flat array: no object per event).
  private pending: unknown[] = [];
  // The run id's JSON, for the run of the last record (consecutive records mostly share it).
  private lastRun = '';
  private lastRunJson = '""';

  /** Events set aside. */
  get size(): number {
    return this.pending.length / 3;
  }

  /** Set `event` of run `run`, published at `time`, aside. */
  add(run: string, time: number, event: { readonly type: string }): void {
    this.pending.push(run, time, event);
  }

  /** Serialise what was set aside into `log`, in order; returns the characters written. */
  writeTo(log: RecordLog): number {
    if (this.pending.length === 0) return 0;
    const batch = this.pending;
    this.pending = [];
    let written = 0;
    for (let i = 0; i < batch.length; i += 3) {
      const run = batch[i] as string;
      const time = batch[i + 1] as number;
      const event = batch[i + 2] as { readonly type: string };
      if (run !== this.lastRun) {
        this.lastRun = run;
        this.lastRunJson = JSON.stringify(run);
      }
      // The record's envelope is written by hand around the event's JSON: one stringify of the event,
      // no envelope object. A non-finite time would not be JSON: it goes as null, as stringify writes it.
      let body: string | undefined;
      try {
        body = JSON.stringify(event);
      } catch (err) {
        // A cyclic or BigInt-carrying event must not break training: send what can be said about it.
        body = JSON.stringify({ type: String(event.type), unserializable: String((err as Error).message) });
      }
      body ??= JSON.stringify({ type: String(event.type), unserializable: 'not representable in JSON' });
      const s = log.nextSeq;
      const json = `{"seq":${s},"run":${this.lastRunJson},"time":${Number.isFinite(time) ? time : 'null'},"event":${body}}`;
      log.push(s, json);
      written += json.length;
    }
    return written;
  }
}
