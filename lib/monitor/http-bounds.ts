/**
 * Bounds on the monitor's plain HTTP connections (the dashboard's files and the WebSocket handshakes),
 * so that clients which open connections and then send slowly, or nothing, can neither pile up nor
 * keep the dashboard out:
 *
 * - **Time.** A request must be complete within `timeoutMs` of its start (its headers: the monitor
 *   takes no bodies), else Node answers 408 and closes the connection. A connection on which nothing
 *   moves for `timeoutMs` (one that never starts a request, or never reads its answer) is closed too:
 *   Node's request timeouts only start with a request. One idle after a response is closed after
 *   Node's `keepAliveTimeout` (5 s).
 * - **Number.** At most {@link MAX_HTTP_CONNECTIONS} plain HTTP connections at once; a new one closes
 *   the one that has gone longest without starting a request. A browser sends its request as soon as
 *   it has connected, so it is never the oldest for long, while a slow or silent connection loses its
 *   place to whoever comes next. Refusing new connections instead would let a few dozen held sockets
 *   keep the dashboard out until they time out. The bound is per server, not per remote address: on
 *   loopback every client, the user's own browser included, is 127.0.0.1.
 * - **Queue.** At most {@link LISTEN_BACKLOG} connections wait in the operating system to be accepted.
 *   Since libuv 1.45 (Node 20) a server accepts one connection per turn of the event loop
 *   (libuv/libuv#3696), and a training loop gives the event loop a turn about every 20 ms, so a
 *   connection waits about 20 ms for each one queued ahead of it: Node's default backlog (511) let
 *   300 connections opened at once hold a GET for 7–13 s. Past the backlog the operating system
 *   refuses the connection and the client tries again (TCP retries after 1 s, then 3 s, ...).
 *
 * A connection leaves the count when it becomes a WebSocket (`maxClients` bounds those).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** Plain HTTP connections at once (WebSockets not counted). */
export const MAX_HTTP_CONNECTIONS = 64;

/** Connections the operating system may hold for the monitor before it accepts them. */
export const LISTEN_BACKLOG = 32;

export interface BoundedServer {
  readonly server: Server;
  /** Tell it that a connection became a WebSocket: it no longer counts, nor times out here. */
  upgraded(socket: Socket): void;
}

/** An HTTP server whose connections are bounded in time (`timeoutMs`) and number. */
export function createBoundedServer(timeoutMs: number, onRequest: RequestListener): BoundedServer {
  const server = createServer(
    {
      headersTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      // How often Node checks those two (its default, 30 s, would let a request run well past them).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4))),
    },
    onRequest,
  );
  // Inactivity: a socket that times out with no listener of the server's 'timeout' is destroyed.
  server.timeout = timeoutMs;
  // Oldest first: a Set iterates in insertion order, and a connection that makes a request is moved
  // to the end.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if (sockets.size >= MAX_HTTP_CONNECTIONS) {
      const oldest = sockets.values().next().value as Socket;
      sockets.delete(oldest);
      oldest.destroy();
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage) => {
    if (!sockets.delete(req.socket)) return;
    if (!req.socket.destroyed) sockets.add(req.socket);
  });
  return {
    server,
    upgraded(socket) {
      sockets.delete(socket);
      // A WebSocket may be quiet for as long as it likes (ws clears the timeout too; say it here).
      socket.setTimeout(0);
    },
  };
}
