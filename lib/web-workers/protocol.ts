/** The messages between a page's study (webWorkerObjective) and its Web Workers (serveTrials). */
import type { WorkerTrialInput } from './trial-input.js';

/** To a worker: run a trial, or stop one (its stream is unsubscribed). */
export type ToWorker = { readonly type: 'run'; readonly id: number; readonly input: WorkerTrialInput } | { readonly type: 'stop'; readonly id: number };

/** From a worker: a trial's event, its end, or its failure (`id` -1: the worker itself failed). */
export type FromWorker =
  | { readonly type: 'event'; readonly id: number; readonly event: { readonly type: string } }
  | { readonly type: 'complete'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly code?: string };
