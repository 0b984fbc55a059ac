/**
 * An error of the user's own program is printed as Node prints it without rxtrain. The wasm backend's
 * Emscripten runtime installs process-level uncaughtException/unhandledRejection handlers that rethrow
 * from its one-line source, so Node used to print about 38 KB of minified tfjs-backend-wasm.js before
 * the user's message, and exit with 7 instead of 1. tfjs's "Hi, looks like you are running TensorFlow.js
 * in Node.js" banner is not printed where rxtrain chooses the backend.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'user-error.ts');
const run = (mode: 'plain' | 'wasm', how: 'throw' | 'reject') => {
  const { RXTRAIN_BACKEND: _, ...env } = process.env;
  return spawnSync(process.execPath, ['--conditions=rxtrain-source', '--import=tsx', fixture, mode, how], { encoding: 'utf8', timeout: 120_000, env });
};

for (const how of ['throw', 'reject'] as const) {
  t.test(`an uncaught ${how === 'throw' ? 'exception' : 'rejection'} after the wasm backend loaded reads as it does without rxtrain`, async (t) => {
    const plain = run('plain', how);
    const wasm = run('wasm', how);
    t.equal(wasm.status, plain.status, `exit code ${wasm.status} (without rxtrain: ${plain.status})`);
    t.ok(wasm.stderr.length < 2000, `stderr is ${wasm.stderr.length} bytes`);
    t.notMatch(wasm.stderr, /tfjs-backend-wasm|Hi, looks like/, 'no wasm source, no tfjs banner');
    t.equal(wasm.stderr, plain.stderr, 'the same stderr, byte for byte');
    t.match(wasm.stderr.split('\n').slice(0, 8).join('\n'), how === 'throw' ? /Error: my own mistake\n\s+at userCode \(.*user-error\.ts/ : /Error: my own rejection/);
  });
}
