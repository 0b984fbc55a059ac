/**
 * A monitor's WebSocket URL (`ws://h:p/events`) from its dashboard URL (`http://h:p/`) or its
 * WebSocket URL: what `connectMonitor`, `sendCommand` and `remoteMonitor` connect to. No Node module,
 * so a page's `remoteMonitor` has it too.
 */
import { configError } from '../errors.js';

/** @param where The function the URL was given to, for the error. */
export function monitorSocketUrl(where: string, url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw configError(where, 'url', 'must be a URL like http://127.0.0.1:8080/ or ws://127.0.0.1:8080/events', url);
  }
  if (u.protocol === 'http:' || u.protocol === 'https:') u.protocol = u.protocol === 'http:' ? 'ws:' : 'wss:';
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw configError(where, 'url', 'must be an http(s) or ws(s) URL', url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/events';
  return u;
}
