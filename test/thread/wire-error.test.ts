// Errors across a thread boundary: what toWire posts survives structured clone, and fromWire rebuilds
// what the other thread threw.
import t from 'tap';
import { RxtrainError, configError } from '../../lib/errors.js';
import { fromWire, toWire } from '../../lib/thread/wire-error.js';

/** Through structured clone, as postMessage sends it. */
const across = (err: unknown): Error => fromWire(structuredClone(toWire(err)));

t.test('an RxtrainError stays one, with its code, details and stack', async (t) => {
  const sent = configError('mlp()', 'units', 'must be a positive integer', 0);
  const got = across(sent);
  t.ok(got instanceof RxtrainError);
  t.match(got, { name: 'RxtrainError', code: 'INVALID_CONFIG', message: "mlp(): option 'units' must be a positive integer (got 0)", details: { where: 'mlp()', field: 'units', value: 0 } });
  t.equal(got.stack, sent.stack, "the other thread's stack");
});

t.test('another error keeps its name, message and string code', async (t) => {
  const sent = Object.assign(new TypeError("Cannot read properties of undefined (reading 'units')"), { code: 'ERR_X' });
  const got = across(sent);
  t.notOk(got instanceof RxtrainError);
  t.match(got, { name: 'TypeError', message: "Cannot read properties of undefined (reading 'units')", code: 'ERR_X' });
  t.match(across(new Error('no code')), { name: 'Error', message: 'no code', code: undefined });
});

t.test('a thrown value that is not an Error, and details JSON cannot hold', async (t) => {
  t.match(across('a string'), { name: 'Error', message: 'a string' });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const got = across(new RxtrainError('STORAGE', 'with odd details', { cyclic, n: 1n }));
  t.match(got, { name: 'RxtrainError', code: 'STORAGE', message: 'with odd details' }, 'the error crosses without them');
  t.same((got as RxtrainError).details, {});
  t.same((across(new RxtrainError('STORAGE', 'a function', { f: () => 1, n: 2 })) as RxtrainError).details, { n: 2 }, 'what JSON drops is dropped');
});
