/**
 * Members in worker threads, for pbt's `workers` option: each worker (its own tfjs engine and backend)
 * hosts the members `i` with `i mod workers` equal to its index, and each member pbt sees is a proxy
 * that sends its calls there. Weights never cross threads: a copy goes through the checkpoint folder
 * (the copier's worker loads what the donor's saved), so the checkpoint store's rules hold unchanged.
 *
 * A worker that dies takes its members' live state with it. The next call on such a member makes it
 * again in a new worker (the objective, then its last checkpoint, then its parameters); a member that
 * had trained since that checkpoint lost the training: its next `save` saves what it holds now (that
 * checkpoint's state) and rejects with {@link LostTraining}, which pbt reports as `memberFailed`.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Observable, type Subscription } from 'rxjs';
import type { BackendName } from '../backend/use-backend.js';
import { RxtrainError } from '../errors.js';
import { entryUrl } from '../thread/start-thread.js';
import { workerPool, type WorkerPool } from '../parallel/worker-pool.js';
import type { Params } from '../search/types.js';
import { fromWire } from '../thread/wire-error.js';
import type { FromHost, HostInput, ToHost } from './host-protocol.js';
import { LostTraining } from './lost-training.js';
import type { PbtMember, PbtMemberInput, PbtObjective } from './types.js';

export interface WorkerMembersConfig {
  /** Absolute path or file URL of the module whose export makes a member. */
  readonly module: string;
  readonly exportName: string;
  /** Threads to start (unless `pool`), and their backend. */
  readonly count: number;
  readonly backend: BackendName | 'auto';
  /** Lent threads: its tasks are cancelled at the end, the pool stays open. */
  readonly pool?: WorkerPool;
  readonly populationSize: number;
}

export interface WorkerMembers<P extends Params> {
  /** Makes member `input.member` in its worker and returns its proxy. */
  readonly objective: PbtObjective<P>;
  /** Stop every worker now (their members' tensors go with their threads); with a lent pool, end the tasks (they dispose their members). */
  close(): Promise<void>;
}

interface Pending {
  event?(e: { readonly type: string }): void;
  resolve(): void;
  reject(err: Error): void;
}

interface Host {
  readonly index: number;
  readonly port: MessagePort;
  readonly calls: Map<number, Pending>;
  readonly residents: Set<Remote>;
  task?: Subscription;
  dead?: Error;
}

interface Remote {
  readonly index: number;
  host: Host | undefined;
  /** Trained since its last save or load: a crash would lose that. */
  dirty: boolean;
  /** Why it lost state, until its next save reports it. */
  loss?: Error;
}

const hostModule = entryUrl('member-host', import.meta.url).href;

export function workerMembers<P extends Params>(c: WorkerMembersConfig): WorkerMembers<P> {
  const own = c.pool === undefined;
  const pool = c.pool ?? workerPool({ size: c.count, backend: c.backend });
  const count = Math.min(c.count, c.populationSize);
  const hosts: Array<Host | undefined> = [];
  const crashes = new WeakSet<Error>();
  let nextId = 1;
  let closed = false;

  const die = (host: Host, why: string): void => {
    if (host.dead) return;
    const members = [...host.residents].map((r) => r.index).sort((a, b) => a - b);
    const err = new RxtrainError('WORKER_FAILED', `the worker thread of member${members.length === 1 ? '' : 's'} ${members.join(', ')} died: ${why}`);
    crashes.add(err);
    host.dead = err;
    host.port.close();
    for (const r of host.residents) {
      r.host = undefined;
      if (r.dirty) r.loss = err;
    }
    host.residents.clear();
    const calls = [...host.calls.values()];
    host.calls.clear();
    for (const call of calls) call.reject(err);
  };

  /** The live host of slot `h`, started now if it has none or it died. */
  const hostFor = (h: number): Host => {
    const live = hosts[h];
    if (live && !live.dead) return live;
    const { port1, port2 } = new MessageChannel();
    const host: Host = { index: h, port: port1, calls: new Map(), residents: new Set() };
    if (closed) {
      // The run stopped: start nothing more (a lent pool is still open).
      die(host, 'the run was stopped');
      return host;
    }
    hosts[h] = host;
    port1.on('message', (m: FromHost) => {
      const call = host.calls.get(m.id);
      if (!call) return;
      if (m.type === 'event') {
        call.event?.(m.event);
        return;
      }
      host.calls.delete(m.id);
      if (m.type === 'done') call.resolve();
      else call.reject(fromWire(m.error));
    });
    const input: HostInput = { port: port2, module: c.module, exportName: c.exportName };
    host.task = pool.run({ module: hostModule, input, transfer: [port2] }).subscribe({
      error: (err: unknown) => die(host, err instanceof Error ? err.message : String(err)),
      complete: () => die(host, 'its task ended'),
    });
    return host;
  };

  const send = (host: Host, m: ToHost & { id: number }, event?: Pending['event']): Promise<void> => {
    if (host.dead) return Promise.reject(host.dead);
    return new Promise<void>((resolve, reject) => {
      host.calls.set(m.id, { resolve, reject, ...(event ? { event } : {}) });
      host.port.postMessage(m);
    });
  };

  // Start every worker now: they take seconds to start (a tfjs backend each), and would otherwise start
  // one after the other as pbt makes the members in order.
  for (let h = 0; h < count; h++) hostFor(h);

  const objective: PbtObjective<P> = async (first: PbtMemberInput<P>) => {
    const r: Remote = { index: first.member, host: undefined, dirty: false };
    let params: P = first.params;
    let checkpoint: string | undefined;

    /** Make the member in its slot's worker; when `revive`, back to its last checkpoint and parameters. */
    const place = async (revive: boolean): Promise<Host> => {
      const host = hostFor(r.index % count);
      await send(host, { type: 'create', id: nextId++, input: { ...first, params } });
      host.residents.add(r);
      r.dirty = false;
      if (revive && checkpoint !== undefined) await send(host, { type: 'load', id: nextId++, member: r.index, dir: checkpoint });
      if (revive) await send(host, { type: 'setParams', id: nextId++, member: r.index, params });
      r.host = host;
      return host;
    };
    const live = (): Promise<Host> => (r.host && !r.host.dead ? Promise.resolve(r.host) : place(true));

    /** A call; if the member's worker died under it, once more in a new worker. */
    const call = async (make: () => ToHost & { id: number }): Promise<void> => {
      try {
        await send(await live(), make());
      } catch (err) {
        if (closed || !(err instanceof Error) || !crashes.has(err)) throw err;
        await send(await live(), make());
      }
    };

    await place(false);
    const member: PbtMember<P> = {
      train(from, epochs) {
        return new Observable<{ readonly type: string }>((subscriber) => {
          let host: Host | undefined;
          let id = 0;
          let stopped = false;
          live().then(
            (h) => {
              if (stopped) return;
              host = h;
              id = nextId++;
              r.dirty = true;
              send(h, { type: 'train', id, member: r.index, from, epochs }, (e) => subscriber.next(e)).then(
                () => subscriber.complete(),
                (err: unknown) => subscriber.error(err),
              );
            },
            (err: unknown) => subscriber.error(err),
          );
          return () => {
            stopped = true;
            if (host && host.calls.delete(id) && !host.dead) host.port.postMessage({ type: 'cancel', id } satisfies ToHost);
          };
        });
      },
      async setParams(p) {
        params = p;
        await call(() => ({ type: 'setParams', id: nextId++, member: r.index, params: p }));
      },
      async save(dir) {
        await call(() => ({ type: 'save', id: nextId++, member: r.index, dir }));
        checkpoint = dir;
        r.dirty = false;
        const loss = r.loss;
        r.loss = undefined;
        if (loss) throw new LostTraining(loss);
      },
      async load(dir) {
        await call(() => ({ type: 'load', id: nextId++, member: r.index, dir }));
        checkpoint = dir;
        r.dirty = false;
      },
      dispose() {
        const host = r.host;
        r.host = undefined;
        if (!host || host.dead) return;
        host.residents.delete(r);
        send(host, { type: 'dispose', id: nextId++, member: r.index }).catch(() => undefined);
      },
    };
    return member;
  };

  return {
    objective,
    async close() {
      if (closed) return;
      closed = true;
      if (own) await pool.close();
      for (const h of hosts) {
        if (!h) continue;
        // A lent pool's task is cancelled (its teardown disposes the members); calls still waiting fail.
        h.task?.unsubscribe();
        die(h, 'the run was stopped');
      }
    },
  };
}
