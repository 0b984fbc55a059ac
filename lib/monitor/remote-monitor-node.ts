/**
 * `remoteMonitor()` in Node: the same sink (lib/monitor/remote-monitor.ts) over the `ws` package's
 * WebSocket (Node 20 has no WebSocket of its own), e.g. a training process that reports to a monitor
 * another process serves.
 */
import { WebSocket } from 'ws';
import { remoteMonitor as remote, type RemoteMonitor, type RemoteMonitorConfig, type SocketLike } from './remote-monitor.js';

/** A `ws` WebSocket as the browser-shaped socket `remoteMonitor` drives. */
function wsSocket(url: string): SocketLike {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const s: SocketLike = {
    get readyState() {
      return ws.readyState;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  ws.on('open', () => s.onopen?.(undefined));
  ws.on('message', (data) => s.onmessage?.({ data: data.toString() }));
  ws.on('close', (code, reason) => s.onclose?.({ code, reason: reason.toString() }));
  ws.on('error', (err) => s.onerror?.(err));
  return s;
}

/** See lib/monitor/remote-monitor.ts; `webSocket` defaults to `ws`'s. */
export function remoteMonitor(url: string, config: RemoteMonitorConfig): RemoteMonitor {
  return remote(url, { webSocket: wsSocket, ...config });
}
