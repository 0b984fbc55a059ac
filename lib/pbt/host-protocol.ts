/**
 * Messages between pbt and a member host (a worker thread holding members), over the MessagePort the
 * host task was given. Plain, structured-clone-able data only.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Params } from '../search/types.js';
import type { WireError } from '../thread/wire-error.js';
import type { PbtMemberInput } from './types.js';

/** What the host task (`member-host.ts`) receives from the worker pool. */
export interface HostInput {
  readonly port: MessagePort;
  /** Absolute path or file URL of the objective's module. */
  readonly module: string;
  readonly exportName: string;
}

/** pbt → host. Each request but `cancel` is answered with `done` or `error` for its id. */
export type ToHost =
  | { readonly type: 'create'; readonly id: number; readonly input: PbtMemberInput }
  | { readonly type: 'train'; readonly id: number; readonly member: number; readonly from: number; readonly epochs: number }
  | { readonly type: 'setParams'; readonly id: number; readonly member: number; readonly params: Params }
  | { readonly type: 'save' | 'load'; readonly id: number; readonly member: number; readonly dir: string }
  | { readonly type: 'dispose'; readonly id: number; readonly member: number }
  /** Stop the training of request `id` (its stream is unsubscribed in the worker). */
  | { readonly type: 'cancel'; readonly id: number };

/** host → pbt. */
export type FromHost =
  | { readonly type: 'event'; readonly id: number; readonly event: { readonly type: string } }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError };
