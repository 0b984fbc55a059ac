/** The messages between a page's study (webWorkerObjective) and its Web Workers (serveTrials). */
import type { WorkerTrialInput } from './trial-input.js';

/**
 * To a worker: run a trial (`paused`: whether it starts held), stop one (its stream is unsubscribed),
 * or pause / resume one (`paused`: the trial's new pause flag, which its `holdWhile` gate reads).
 */
export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly input: WorkerTrialInput; readonly paused?: boolean }
  | { readonly type: 'stop'; readonly id: number }
  | { readonly type: 'pause'; readonly id: number; readonly paused: boolean };

/**
 * From a worker: a trial's event, its end, or its failure (`id` -1: the worker itself failed); `held`
 * when the trial's pause gate really holds it (at an epoch boundary), `released` when the gate opens.
 */
export type FromWorker =
  | { readonly type: 'event'; readonly id: number; readonly event: { readonly type: string } }
  | { readonly type: 'held'; readonly id: number }
  | { readonly type: 'released'; readonly id: number }
  | { readonly type: 'complete'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly code?: string };
