// npm's `install` script: build the optional BLAS add-on (binding.gyp) and NEVER fail the install.
// Without a compiler, Node's headers or a system CBLAS, rxtrain runs on pure wasm, as before; the
// message says why. RXTRAIN_BLAS=0 skips the build.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const skip = (why) => {
  console.log(`rxtrain: BLAS add-on not built: ${why}; running on pure wasm (docs/wasm-backend.md says how to get it)`);
  process.exit(0);
};

if (process.env.RXTRAIN_BLAS === '0') skip('RXTRAIN_BLAS=0');

// npm hands its own node-gyp to lifecycle scripts (npm_config_node_gyp); a node-gyp in the
// project's node_modules/.bin or on PATH serves when run by hand.
const own = process.env.npm_config_node_gyp;
const local = path.join(__dirname, '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const [cmd, pre] = own && existsSync(own) ? [process.execPath, [own]] : existsSync(local) ? [process.execPath, [local]] : ['node-gyp', []];

// Node's headers: where this node was installed with them (Debian's nodejs, a distro package, a
// source build), use them rather than download them; otherwise node-gyp fetches them (or uses
// npm's nodedir setting).
const args = [...pre, 'rebuild'];
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);

const run = spawnSync(cmd, args, { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
if (run.error) skip(`cannot run node-gyp (${run.error.message})`);
if (run.status !== 0) {
  const lines = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => /error|not found|No such file|cannot find/i.test(l));
  skip(`node-gyp failed (${lines.slice(0, 3).join(' | ').trim() || `exit ${run.status}`}): install a C++ compiler and a CBLAS (Debian/Ubuntu: apt install g++ make python3 libopenblas-dev)`);
}
const check = spawnSync(process.execPath, ['-e', "console.log(require('./build/Release/rxtrain_blas.node').library())"], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
if (check.status !== 0) skip(`built, but it does not load (${(check.stderr || '').split('\n')[0]})`);
console.log(`rxtrain: BLAS add-on built (${check.stdout.trim()})`);
