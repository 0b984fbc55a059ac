/**
 * The monitor's access rules, in one place:
 *
 * - Bound to a loopback address (the default), anyone on this machine may read events; the `Host`
 *   header must name a loopback host (so a web page cannot reach the monitor by DNS rebinding), and a
 *   browser's `Origin` must be the monitor's own page (so another site open in the browser cannot read
 *   the events).
 * - Bound to any other address, a token is required, and reading events needs it too.
 * - Control commands always need the token; a monitor started without one accepts no commands.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const loopbackNames = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return loopbackNames.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a `Host` header value (`127.0.0.1:8080`, `[::1]:80`, `localhost`). */
export function hostName(header: string): string {
  if (header.startsWith('[')) {
    const end = header.indexOf(']');
    return end < 0 ? header : header.slice(0, end + 1);
  }
  const colon = header.lastIndexOf(':');
  return colon < 0 ? header : header.slice(0, colon);
}

/** Constant-time comparison of two tokens (of any lengths). */
export function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Why a request must be refused, or undefined when it may go on. */
export function refuseRequest(req: IncomingMessage, o: { loopback: boolean; allowedOrigins: readonly string[] }): string | undefined {
  const host = req.headers.host;
  if (typeof host !== 'string' || host.length === 0) return 'missing Host header';
  if (o.loopback && !isLoopbackHost(hostName(host))) return `Host ${JSON.stringify(host)} is not a loopback name`;
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    if (o.allowedOrigins.includes(origin)) return undefined;
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return `bad Origin ${JSON.stringify(origin)}`;
    }
    if (originHost !== host) return `Origin ${JSON.stringify(origin)} is not this monitor's page`;
  }
  return undefined;
}

/** The `token` query parameter of a request URL, if any. */
export function queryParam(req: IncomingMessage, name: string): string | undefined {
  const url = new URL(req.url ?? '/', 'http://x');
  return url.searchParams.get(name) ?? undefined;
}
