/** Shared by the monitor tests: a raw WebSocket client that records what it receives. */
import { WebSocket } from 'ws';
import type { MonitorRecord, ServerMessage } from '../../lib/monitor/protocol.js';

export interface RawClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[];
  readonly records: MonitorRecord[];
  /** Resolves with the first message (already received or future) that matches. */
  until<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, ms?: number): Promise<T>;
  until(pred: (m: ServerMessage) => boolean, ms?: number): Promise<ServerMessage>;
  closed: Promise<{ code: number; reason: string }>;
}

export function rawClient(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
  const ws = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  const records: MonitorRecord[] = [];
  const waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as ServerMessage;
    messages.push(m);
    if (m.type === 'events') records.push(...m.records);
    for (const w of [...waiters]) {
      if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const until = (pred: (m: ServerMessage) => boolean, ms = 120_000): Promise<ServerMessage> =>
    new Promise((resolve, reject) => {
      const found = messages.find(pred);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a message; got ${JSON.stringify(messages).slice(0, 400)}`)), ms);
      waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, records, until: until as RawClient['until'], closed }));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

export { eventually } from '../eventually.js';

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
