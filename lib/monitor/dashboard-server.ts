/**
 * The HTTP side of a monitor: one server on one port that serves the dashboard's files (and any other
 * page its owner answers) and hands each WebSocket on {@link EVENTS_PATH} to the hub its owner picks.
 * `startMonitor` has one hub; `storageDashboard` one per study. The access rules (./security.ts) and
 * the bounds on connections (./http-bounds.ts) are the same for both.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Asset } from './dashboard-assets.js';
import type { Hub } from './hub.js';
import { createBoundedServer, LISTEN_BACKLOG } from './http-bounds.js';
import { isLoopbackHost, refuseRequest } from './security.js';

export const EVENTS_PATH = '/events';

/** A page made for one request (a JSON listing, a redirect). */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface DashboardServerOptions {
  readonly port: number;
  readonly host: string;
  readonly maxClients: number;
  readonly maxMessageBytes: number;
  readonly requestTimeoutMs: number;
  readonly allowedOrigins: readonly string[];
  /** The dashboard's files by URL path. */
  readonly assets: ReadonlyMap<string, Asset>;
  /** Pages answered before the files (GET only): a reply, or undefined to look among the files. */
  readonly page?: (url: URL) => Reply | undefined;
  /** The hub of a WebSocket asking for `url`, or why there is none (answered with status 404). */
  readonly hubFor: (url: URL) => Hub | string;
}

export interface DashboardServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly host: string;
  /** Stop listening and drop every connection (the hubs are their owner's to close). */
  close(): Promise<void>;
}

/** Listen on `host:port` and serve the dashboard. */
export async function serveDashboard(o: DashboardServerOptions): Promise<DashboardServer> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxMessageBytes, perMessageDeflate: false, clientTracking: false });
  const rules = { loopback: isLoopbackHost(o.host), allowedOrigins: o.allowedOrigins };
  let connections = 0;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const why = refuseRequest(req, rules);
    if (why) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`forbidden: ${why}\n`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const get = req.method === 'GET' || req.method === 'HEAD';
    const reply = get ? o.page?.(url) : undefined;
    const asset = reply ?? (get ? o.assets.get(url.pathname) : undefined);
    if (!asset) {
      res.writeHead(get ? 404 : 405, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(reply?.status ?? 200, {
      'content-type': asset.contentType,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'self'; connect-src 'self' ws://${req.headers.host ?? ''}; img-src 'self' data:; frame-ancestors 'none'`,
      ...reply?.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  };

  const reject = (socket: Duplex, status: number, text: string): void => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\n${text}\n`);
  };

  const { server, upgraded } = createBoundedServer(o.requestTimeoutMs, onRequest);
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const why = refuseRequest(req, rules);
    if (why) return reject(socket, 403, `Forbidden: ${why}`);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== EVENTS_PATH) return reject(socket, 404, 'Not Found');
    const hub = o.hubFor(url);
    if (typeof hub === 'string') return reject(socket, 404, `Not Found: ${hub.replace(/[\r\n]/g, ' ')}`);
    if (connections >= o.maxClients) return reject(socket, 503, 'Service Unavailable: too many clients');
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgraded(socket as Socket);
      connections++;
      ws.on('close', () => connections--);
      hub.attach(ws, req);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: o.port, host: o.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const urlHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/`,
    wsUrl: `ws://${urlHost}:${port}${EVENTS_PATH}`,
    port,
    host: o.host,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
