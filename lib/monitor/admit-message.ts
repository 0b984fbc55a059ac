/**
 * What the hub does with one message from a client: refuse it (with the code and message of its
 * `error` reply), grant control (`auth` with the right token), obey it (a valid command the client
 * may give and the monitor can carry out), or publish its events (a `publish` from a connection that
 * presented the publish token). (Split from hub.ts.)
 */
import type { RawData } from 'ws';
import { parseClientMessage, type MonitorCommand, type PublishMessage, type RefusalCode } from './protocol.js';
import { sameToken } from './security.js';

/** Why a valid command cannot be obeyed (it names no live run), or undefined to accept it. */
export type CommandCheck = (command: MonitorCommand) => { readonly code: RefusalCode; readonly message: string } | undefined;

export type Admission =
  | { readonly kind: 'refuse'; readonly code: RefusalCode; readonly message: string }
  | { readonly kind: 'auth' }
  | { readonly kind: 'command'; readonly command: MonitorCommand }
  | { readonly kind: 'publish'; readonly message: PublishMessage };

/** What the client may do: give commands (it gave the token), publish (it connected with the publish token). */
export interface Rights {
  readonly control: boolean;
  readonly publish: boolean;
}

const NO_TOKEN = 'this monitor was started without a token: it accepts no commands';

/**
 * @param rights whether the client may give commands already, and publish
 * @param token the monitor's token, if it was started with one
 * @param readOnlyReason what a client is told when the monitor has no token: why it takes no commands
 */
export function admitMessage(data: RawData, isBinary: boolean, rights: Rights, token: string | undefined, check?: CommandCheck, readOnlyReason = NO_TOKEN): Admission {
  const refuse = (code: RefusalCode, message: string): Admission => ({ kind: 'refuse', code, message });
  if (isBinary) return refuse('BAD_MESSAGE', 'binary frames are not accepted; send JSON text');
  const parsed = parseClientMessage(data.toString());
  if (!parsed.ok) return refuse(parsed.code, parsed.message);
  const m = parsed.message;
  if (m.type === 'publish') {
    if (!rights.publish) return refuse('UNAUTHORIZED', "'publish' needs the monitor's publish token: connect with ?publish=<publishToken>");
    return { kind: 'publish', message: m };
  }
  if (rights.publish) return refuse('UNAUTHORIZED', 'a publishing connection only publishes: read and command on a connection of their own');
  if (m.type === 'auth') {
    if (token === undefined) return refuse('UNAUTHORIZED', readOnlyReason);
    if (!sameToken(m.token, token)) return refuse('BAD_TOKEN', 'wrong token');
    return { kind: 'auth' };
  }
  if (!rights.control) {
    return refuse('UNAUTHORIZED', token === undefined ? readOnlyReason : `'${m.type}' needs the monitor's token (send {type:'auth', token} first, or connect with ?token=)`);
  }
  const why = check?.(m);
  if (why) return refuse(why.code, why.message);
  return { kind: 'command', command: m };
}
