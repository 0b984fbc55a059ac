/**
 * The monitor's wire protocol (version {@link MONITOR_PROTOCOL}): JSON text frames over one WebSocket.
 *
 * Server → client: `hello` once, then `events` frames (each carries one or more {@link MonitorRecord}s,
 * history first, then live), and `error` / `ack` replies to the client's own messages.
 * Client → server: `auth` (a token) and the control commands of {@link MonitorCommand}; and, from a
 * publisher (a connection opened with `?publish=<publishToken>`, e.g. `remoteMonitor` in a page),
 * `publish` frames of events for the monitor to show as if they came from its own `monitorTap`.
 * Everything the client sends is validated here; whatever does not fit is refused with an `error`
 * reply, and the connection stays open.
 */
import type { TrainEvent } from '../events.js';
import type { MemberOrigin } from '../evolve/types.js';
import type { PbtEvent } from '../pbt/types.js';
import type { Direction, Params } from '../search/types.js';
import type { StudyEvent, PrunedEvent } from '../study/index.js';
import type { ParamImportance } from './importance-feed.js';
import type { RunObjective } from './objective.js';

/** Bumped on any incompatible change of the frames below. */
export const MONITOR_PROTOCOL = 1;

/** Any event a stream carries: the monitor forwards every `{type: string}` object as it is. */
export interface AnyEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * The events the dashboard and the terminal watcher know by type; others are shown as they come.
 * Population-based training (`pbt()`) emits its events as they are; an `evolve()` stream of
 * populations reaches the monitor as {@link GenerationStarted} records followed by its members'
 * trial events (see `monitorTap`).
 */
export type KnownEvent = TrainEvent | StudyEvent | PrunedEvent | PbtEvent | GenerationStarted | RunObjective | MonitorControlEvent | HoldEvent | StopRequested | RunEnd | ParamImportance;

/** One member of a generation, as plain data (a `Member` without its event stream). */
export interface GenerationMember {
  /** Position in the population. */
  readonly index: number;
  /** Its trial's number: its `trialStarted`, `epochEnd`s and end event carry it (an elite keeps its original trial). */
  readonly trial: number;
  readonly params: Params;
  readonly origin: MemberOrigin;
  /** Trial numbers of its parents. */
  readonly parents: readonly number[];
}

/**
 * Published by `monitorTap` (to the monitor only) for each population of an `evolve()` stream, when
 * its generation starts; the members' trial events follow under the same run.
 */
export interface GenerationStarted {
  readonly type: 'generationStarted';
  /** 0-based. */
  readonly generation: number;
  readonly members: readonly GenerationMember[];
  /** The best completed member of the earlier generations, if any. */
  readonly best?: { readonly trial: number; readonly value: number; readonly params: Params };
  /** Which way fitness is better, and the metric it is read from (when members are training streams). */
  readonly direction: Direction;
  readonly metric?: string;
}

/** Published by the monitor itself when it accepted a `stop` command for a run (or one of its trials). */
export interface StopRequested {
  readonly type: 'stopRequested';
  readonly source: 'monitor';
  readonly trial?: number;
  readonly reason?: string;
}

/**
 * Published by the monitor itself when a `pause`/`resume` command was accepted (run `'*'`: all runs).
 * It says what was asked, not what happened: a run is held only where a `holdWhile` gate holds it,
 * which {@link HoldEvent}s acknowledge.
 */
export interface MonitorControlEvent {
  readonly type: 'paused' | 'resumed';
  readonly source: 'monitor';
}

/**
 * Published by the monitor when a `holdWhile(monitor.paused(run, trial))` gate really holds its stream
 * (`held`) and when it lets it go (`released`): the acknowledgement that a pause took effect, under the
 * run the gate watches, naming the trial when the gate was given one.
 */
export interface HoldEvent {
  readonly type: 'held' | 'released';
  readonly source: 'monitor';
  readonly trial?: number;
}

/** Published by `monitorTap` (to the monitor only) when the tapped stream ended. */
export interface RunEnd {
  readonly type: 'runEnd';
  readonly state: 'completed' | 'failed' | 'cancelled';
  readonly error?: string;
}

/** One event as the monitor sends it: tagged with where it came from and its place in the order. */
export interface MonitorRecord<E extends { readonly type: string } = AnyEvent> {
  /** 1-based, increasing by one per event over the server's life: a gap means events were lost. */
  readonly seq: number;
  /** The run (or study) the event belongs to, as given to `monitorTap` (or generated: `run-1`, ...). */
  readonly run: string;
  /**
   * Server clock time (ms) when the event was published; for a step read from a storage
   * (`rxtrain dashboard`), the time the step was stored, or null when the storage does not know it.
   */
  readonly time: number | null;
  readonly event: E;
}

export type MonitorCommand =
  /** End a run (or one trial of a study run): `controlledBy` emits `stopped` and completes. */
  | { readonly type: 'stop'; readonly run: string; readonly trial?: number; readonly reason?: string }
  /** Hold a run (or every run, without `run`) at its next epoch boundary / before its next trial. */
  | { readonly type: 'pause'; readonly run?: string }
  | { readonly type: 'resume'; readonly run?: string }
  /** Change a run's learning rate at its next epoch boundary. */
  | { readonly type: 'setLearningRate'; readonly run: string; readonly trial?: number; readonly lr: number };

export type CommandType = MonitorCommand['type'];
export const COMMAND_TYPES: readonly CommandType[] = ['stop', 'pause', 'resume', 'setLearningRate'];

/**
 * Events of one run from a publisher, in order: the monitor publishes each as its own `monitorTap`
 * would. At most {@link MAX_PUBLISH_EVENTS} events a frame, each a JSON object with a string `type`.
 */
export interface PublishMessage {
  readonly type: 'publish';
  readonly run: string;
  readonly events: readonly AnyEvent[];
}

/** Events one `publish` frame may carry. */
export const MAX_PUBLISH_EVENTS = 1000;

export type ClientMessage = { readonly type: 'auth'; readonly token: string } | MonitorCommand | PublishMessage;

/**
 * A dashboard served from a study's storage (`rxtrain dashboard`): its events are the stored trials,
 * read from the storage as other processes write them; nothing there can be controlled.
 */
export interface MonitorSource {
  readonly kind: 'storage';
  /** The storage's kind (`sqlite`, `postgres`). */
  readonly storage: string;
  readonly study: string;
}

/**
 * A frame from the server. `E` is what the reader expects the events to be: the wire carries JSON, so
 * it is the reader's assumption, made once where the frame is parsed (as `connectMonitor<E>` does).
 */
export type ServerMessage<E extends { readonly type: string } = AnyEvent> =
  | {
      readonly type: 'hello';
      readonly protocol: number;
      /** Identifies this server's life: `seq` numbers restart with a new instance. */
      readonly instance: string;
      /** Whether this connection may send commands (it presented the token). */
      readonly control: boolean;
      /** Whether the server accepts commands at all (it was started with a token). */
      readonly controlAvailable: boolean;
      /** How many history records follow (before live ones). */
      readonly history: number;
      /** Where the events come from, when not from a program's `monitorTap` (see {@link MonitorSource}). */
      readonly source?: MonitorSource;
      /** This connection publishes (it presented the publish token): it is sent no records. */
      readonly publish?: boolean;
    }
  | { readonly type: 'events'; readonly records: readonly MonitorRecord<E>[] }
  | { readonly type: 'ack'; readonly command: MonitorCommand }
  | { readonly type: 'error'; readonly code: RefusalCode; readonly message: string }
  /**
   * Sent by `monitor.close()` before the connection closes: the program ended its monitor and no
   * further record will come from this server's life. Clients stop reconnecting and show the end.
   */
  | { readonly type: 'finished' };

/**
 * Why the server refused a client message. `UNKNOWN_RUN`: a `stop` or `setLearningRate` names a run
 * (or a trial of one) that never sent an event, or that has ended.
 */
export type RefusalCode = 'BAD_JSON' | 'BAD_MESSAGE' | 'UNKNOWN_TYPE' | 'UNAUTHORIZED' | 'BAD_TOKEN' | 'UNKNOWN_RUN';

/** WebSocket close codes the server uses (4000–4999 are for applications). */
export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_SHUTDOWN = 1001;
/** The WebSocket protocol's "policy violation": a client that keeps sending what is refused, or publishes too fast. */
export const CLOSE_POLICY = 1008;
/** A connection that asked to publish without the right publish token (or to a monitor that takes none). */
export const CLOSE_PUBLISH_REFUSED = 4003;

export type Parsed = { readonly ok: true; readonly message: ClientMessage } | { readonly ok: false; readonly code: RefusalCode; readonly message: string };

const refuse = (code: RefusalCode, message: string): Parsed => ({ ok: false, code, message });

/** Validate one text frame from a client. Never throws. */
export function parseClientMessage(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return refuse('BAD_JSON', `not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return refuse('BAD_MESSAGE', 'a message must be a JSON object');
  const m = value as Record<string, unknown>;
  const type = m.type;
  if (typeof type !== 'string') return refuse('BAD_MESSAGE', "field 'type' must be a string");
  const extra = (allowed: readonly string[]): Parsed | undefined => {
    const bad = Object.keys(m).find((k) => !allowed.includes(k));
    return bad === undefined ? undefined : refuse('BAD_MESSAGE', `${type}: field '${bad}' is not known (known: ${allowed.join(', ')})`);
  };
  const badRun = (): Parsed => refuse('BAD_MESSAGE', `${type}: field 'run' must be a non-empty string of at most 200 characters`);
  const badTrial = (): Parsed => refuse('BAD_MESSAGE', `${type}: field 'trial' must be an integer ≥ 0`);
  const accept = (message: ClientMessage): Parsed => ({ ok: true, message });
  const { run, trial } = m;
  switch (type) {
    case 'auth':
      if (typeof m.token !== 'string') return refuse('BAD_MESSAGE', "auth: field 'token' must be a string");
      return extra(['type', 'token']) ?? accept({ type, token: m.token });
    case 'stop': {
      const bad = extra(['type', 'run', 'trial', 'reason']);
      if (bad) return bad;
      if (!isRun(run)) return badRun();
      if (!isTrial(trial)) return badTrial();
      const reason = m.reason;
      if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) return refuse('BAD_MESSAGE', "stop: field 'reason' must be a string of at most 500 characters");
      return accept({ type, run, ...(trial === undefined ? {} : { trial }), ...(reason === undefined ? {} : { reason }) });
    }
    case 'pause':
    case 'resume': {
      const bad = extra(['type', 'run']);
      if (bad) return bad;
      if (run !== undefined && !isRun(run)) return badRun();
      return accept(run === undefined ? { type } : { type, run });
    }
    case 'setLearningRate': {
      const bad = extra(['type', 'run', 'trial', 'lr']);
      if (bad) return bad;
      if (!isRun(run)) return badRun();
      if (!isTrial(trial)) return badTrial();
      const lr = m.lr;
      if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) return refuse('BAD_MESSAGE', "setLearningRate: field 'lr' must be a finite number > 0");
      return accept({ type, run, ...(trial === undefined ? {} : { trial }), lr });
    }
    case 'publish': {
      const bad = extra(['type', 'run', 'events']);
      if (bad) return bad;
      if (!isRun(run)) return badRun();
      const events = m.events;
      if (!Array.isArray(events) || events.length === 0 || events.length > MAX_PUBLISH_EVENTS) return refuse('BAD_MESSAGE', `publish: field 'events' must be an array of 1 to ${MAX_PUBLISH_EVENTS} events`);
      for (let i = 0; i < events.length; i++) {
        const e: unknown = events[i];
        if (e === null || typeof e !== 'object' || Array.isArray(e)) return refuse('BAD_MESSAGE', `publish: events[${i}] must be an object`);
        const { type: t, source } = e as Record<string, unknown>;
        if (typeof t !== 'string' || t.length === 0 || t.length > 100) return refuse('BAD_MESSAGE', `publish: events[${i}].type must be a non-empty string of at most 100 characters`);
        if (source === 'monitor') return refuse('BAD_MESSAGE', `publish: events[${i}] says source 'monitor': only the monitor publishes those`);
      }
      return accept({ type, run, events: events as AnyEvent[] });
    }
    default:
      return refuse('UNKNOWN_TYPE', `unknown message type ${JSON.stringify(type.slice(0, 40))} (known: auth, publish, ${COMMAND_TYPES.join(', ')})`);
  }
}

/** A run's name in a command: a non-empty string of at most 200 characters. */
function isRun(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200;
}

/** A command's optional trial number: absent, or an integer ≥ 0. */
function isTrial(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= 0);
}
