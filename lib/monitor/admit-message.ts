/**
 * What the hub does with one message from a client: refuse it (with the code and message of its
 * `error` reply), grant control (`auth` with the right token), or obey it (a valid command the client
 * may give and the monitor can carry out). (Split from hub.ts.)
 */
import type { RawData } from 'ws';
import { parseClientMessage, type MonitorCommand, type RefusalCode } from './protocol.js';
import { sameToken } from './security.js';

/** Why a valid command cannot be obeyed (it names no live run), or undefined to accept it. */
export type CommandCheck = (command: MonitorCommand) => { readonly code: RefusalCode; readonly message: string } | undefined;

export type Admission =
  | { readonly kind: 'refuse'; readonly code: RefusalCode; readonly message: string }
  | { readonly kind: 'auth' }
  | { readonly kind: 'command'; readonly command: MonitorCommand };

const NO_TOKEN = 'this monitor was started without a token: it accepts no commands';

/**
 * @param control whether the client may give commands already
 * @param token the monitor's token, if it was started with one
 * @param readOnlyReason what a client is told when the monitor has no token: why it takes no commands
 */
export function admitMessage(data: RawData, isBinary: boolean, control: boolean, token: string | undefined, check?: CommandCheck, readOnlyReason = NO_TOKEN): Admission {
  const refuse = (code: RefusalCode, message: string): Admission => ({ kind: 'refuse', code, message });
  if (isBinary) return refuse('BAD_MESSAGE', 'binary frames are not accepted; send JSON text');
  const parsed = parseClientMessage(data.toString());
  if (!parsed.ok) return refuse(parsed.code, parsed.message);
  const m = parsed.message;
  if (m.type === 'auth') {
    if (token === undefined) return refuse('UNAUTHORIZED', readOnlyReason);
    if (!sameToken(m.token, token)) return refuse('BAD_TOKEN', 'wrong token');
    return { kind: 'auth' };
  }
  if (!control) {
    return refuse('UNAUTHORIZED', token === undefined ? readOnlyReason : `'${m.type}' needs the monitor's token (send {type:'auth', token} first, or connect with ?token=)`);
  }
  const why = check?.(m);
  if (why) return refuse(why.code, why.message);
  return { kind: 'command', command: m };
}
