/**
 * The monitor's access rules, in one place:
 *
 * - Bound to a loopback address (the default), anyone on this machine may read events; the `Host`
 *   header must name a loopback host (so a web page cannot reach the monitor by DNS rebinding), and a
 *   browser's `Origin` must be the monitor's own page or one the user listed in `allowedOrigins` (so
 *   another site open in the browser cannot read the events). `Origin: null` is refused: a sandboxed
 *   iframe inside any site sends it, as do file: pages. A request without an `Origin` is a program
 *   (`connectMonitor`, `rxtrain watch`, curl), not a page: browsers send one on every WebSocket
 *   handshake, so no page can leave it out.
 * - Bound to any other address, a token is required, and reading events needs it too.
 * - Control commands always need the token; a monitor started without one accepts no commands.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { configError } from '../errors.js';

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
  if (origin === undefined || o.allowedOrigins.includes(origin)) return undefined;
  if (origin === 'null') return "Origin null (a sandboxed frame or a file: page) may not read this monitor; serve your page from an origin listed in 'allowedOrigins'";
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `bad Origin ${JSON.stringify(origin)}`;
  }
  // The monitor's own page: the origin the browser loaded it from is the Host it sends.
  if (!webSchemes.has(url.protocol) || url.host !== host.toLowerCase()) return `Origin ${JSON.stringify(origin)} is not this monitor's page (nor listed in 'allowedOrigins')`;
  return undefined;
}

const webSchemes = new Set(['http:', 'https:']);

/**
 * Validate `allowedOrigins`: each an origin exactly as a browser sends it (`scheme://host[:port]`,
 * lower case, no path, no default port), since it is compared as a string. `null` and `*` are
 * refused: `null` is every sandboxed frame's origin, so allowing it would allow every site.
 */
export function allowedOriginList(where: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw configError(where, 'allowedOrigins', 'must be an array of origins such as "http://localhost:5173"', value);
  return value.map((x: unknown, i) => {
    const field = `allowedOrigins[${i}]`;
    if (typeof x !== 'string') throw configError(where, field, 'must be a string (an origin such as "http://localhost:5173")', x);
    if (x === 'null') throw configError(where, field, 'may not be "null": that is the origin of every sandboxed frame (on every site) and of file: pages, so it would let any web page read the monitor');
    if (x === '*') throw configError(where, field, 'may not be "*": that would let every web site read the monitor; list the origins of your own pages');
    let url: URL | undefined;
    try {
      url = new URL(x);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.origin === 'null') throw configError(where, field, 'is not an origin (scheme://host[:port], e.g. "http://localhost:5173")', x);
    if (!webSchemes.has(url.protocol)) throw configError(where, field, `must be an http: or https: origin, as a browser page has`, x);
    if (url.origin !== x) throw configError(where, field, `is not an origin as a browser sends it (no path, lower case, no default port): did you mean ${JSON.stringify(url.origin)}?`, x);
    return x;
  });
}

/** The `token` query parameter of a request URL, if any. */
export function queryParam(req: IncomingMessage, name: string): string | undefined {
  const url = new URL(req.url ?? '/', 'http://x');
  return url.searchParams.get(name) ?? undefined;
}
