/**
 * `sendCommand()`: one control command to a monitor, from a script or the CLI, without a browser.
 */
import { WebSocket } from 'ws';
import { configError } from '../errors.js';
import { nonEmptyString } from '../validate.js';
import { eventsUrl } from './connect-monitor.js';
import { parseClientMessage, type MonitorCommand } from './protocol.js';

/**
 * Send a command with the monitor's token; resolves when the server acknowledged it, rejects with the
 * server's refusal (`UNAUTHORIZED`, `BAD_MESSAGE`, ...) otherwise.
 *
 * @example
 * ```ts
 * import { sendCommand } from 'rxtrain';
 * await sendCommand('http://127.0.0.1:8080/', { type: 'stop', run: 'a' }, { token: 'secret' });
 * ```
 */
export function sendCommand(url: string, command: MonitorCommand, options: { readonly token: string; readonly timeoutMs?: number }): Promise<void> {
  const where = 'sendCommand()';
  const u = eventsUrl(url);
  const token = nonEmptyString(where, 'token', options?.token);
  const checked = parseClientMessage(JSON.stringify(command));
  if (!checked.ok || checked.message.type === 'auth') throw configError(where, 'command', checked.ok ? 'must be a command, not auth' : checked.message, command);
  u.searchParams.set('token', token);
  // No history: only the reply matters.
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(u, { perMessageDeflate: false });
    const timer = setTimeout(() => finish(new Error(`${where}: no answer from ${u.origin} in ${options.timeoutMs ?? 5000} ms`)), options.timeoutMs ?? 5000);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      if (err) reject(err);
      else resolve();
    };
    ws.on('message', (data) => {
      let m: { type?: string; code?: string; message?: string };
      try {
        m = JSON.parse(data.toString()) as typeof m;
      } catch {
        return;
      }
      if (m.type === 'hello') ws.send(JSON.stringify(command));
      else if (m.type === 'ack') finish();
      else if (m.type === 'error') finish(Object.assign(new Error(`${where}: refused (${m.code}): ${m.message}`), { code: m.code }));
    });
    ws.on('error', (err) => finish(err));
    ws.on('close', (code) => finish(new Error(`${where}: connection closed (${code}) before an answer`)));
  });
}
