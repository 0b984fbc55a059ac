/**
 * The task a worker thread runs for pbt's `workers` option: it holds members made by the objective's
 * module in this thread's tfjs engine and runs pbt's requests on them (train, setParams, save, load,
 * dispose). It runs until the pool cancels it or pbt stops the worker; a cancel disposes its members.
 */
import { Observable, type Subscription } from 'rxjs';
import { loadFunction } from '../thread/load-module.js';
import { toWire } from '../thread/wire-error.js';
import { folderMemberCheckpoints } from './folder-checkpoints.js';
import type { FromHost, HostInput, ToHost } from './host-protocol.js';
import type { PbtMember, PbtObjective } from './types.js';

export default function memberHost(input: HostInput): Observable<never> {
  return new Observable<never>(() => {
    const { port } = input;
    const members = new Map<number, PbtMember>();
    const training = new Map<number, Subscription>();
    const post = (m: FromHost): void => port.postMessage(m);
    let objective: Promise<PbtObjective> | undefined;
    const load = (): Promise<PbtObjective> => (objective ??= loadFunction<PbtObjective>('pbt():', input.module, input.exportName));
    const get = (i: number): PbtMember => {
      const m = members.get(i);
      if (!m) throw new Error(`pbt(): member ${i} is not in this worker`);
      return m;
    };
    const answer = (id: number, work: () => unknown): void => {
      Promise.resolve()
        .then(work)
        .then(
          () => post({ type: 'done', id }),
          (err: unknown) => post({ type: 'error', id, error: toWire(err) }),
        );
    };
    const disposeAll = (): void => {
      for (const s of training.values()) s.unsubscribe();
      training.clear();
      for (const m of members.values()) m.dispose();
      members.clear();
    };

    port.on('message', (m: ToHost) => {
      switch (m.type) {
        case 'create':
          return answer(m.id, async () => {
            const member = await (await load())(m.input);
            members.set(m.input.member, member);
          });
        case 'setParams':
          return answer(m.id, () => get(m.member).setParams(m.params));
        case 'save':
          return answer(m.id, () => get(m.member).save(m.dir, folderMemberCheckpoints));
        case 'load':
          return answer(m.id, () => get(m.member).load(m.dir, folderMemberCheckpoints));
        case 'dispose':
          return answer(m.id, () => {
            members.get(m.member)?.dispose();
            members.delete(m.member);
          });
        case 'train': {
          let sub: Subscription | undefined;
          let finished = false;
          try {
            sub = get(m.member).train(m.from, m.epochs).subscribe({
              next: (event) => post({ type: 'event', id: m.id, event }),
              error: (err: unknown) => {
                finished = true;
                training.delete(m.id);
                post({ type: 'error', id: m.id, error: toWire(err) });
              },
              complete: () => {
                finished = true;
                training.delete(m.id);
                post({ type: 'done', id: m.id });
              },
            });
          } catch (err) {
            post({ type: 'error', id: m.id, error: toWire(err) });
            return;
          }
          if (!finished) training.set(m.id, sub);
          return;
        }
        case 'cancel':
          training.get(m.id)?.unsubscribe();
          training.delete(m.id);
          return;
      }
    });

    return () => {
      disposeAll();
      port.close();
    };
  });
}
