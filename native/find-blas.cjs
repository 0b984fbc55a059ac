// Prints the compiler or linker flags for the system's CBLAS, for binding.gyp:
//   node native/find-blas.cjs cflags|libs
// RXTRAIN_BLAS_CFLAGS / RXTRAIN_BLAS_LIBS override the search (e.g. RXTRAIN_BLAS_LIBS='-lblis').
// Otherwise: pkg-config's openblas, cblas, blis or blas; on macOS Accelerate; else plain -lopenblas.
'use strict';
const { execFileSync } = require('node:child_process');

const what = process.argv[2];
if (what !== 'cflags' && what !== 'libs') {
  console.error('usage: node native/find-blas.cjs cflags|libs');
  process.exit(2);
}

function pkgConfig(pkg, flag) {
  try {
    return execFileSync('pkg-config', [flag, pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function find() {
  const override = process.env[what === 'cflags' ? 'RXTRAIN_BLAS_CFLAGS' : 'RXTRAIN_BLAS_LIBS'];
  if (override !== undefined) return override;
  for (const pkg of ['openblas', 'cblas', 'blis', 'blas']) {
    const libs = pkgConfig(pkg, '--libs');
    if (libs === undefined) continue;
    if (what === 'cflags') return pkgConfig(pkg, '--cflags') ?? '';
    // A library outside the loader's default path (Debian's openblas-pthread/, Homebrew's keg) is
    // found at run time through an rpath.
    const dirs = libs.split(/\s+/).filter((f) => f.startsWith('-L')).map((f) => `-Wl,-rpath,${f.slice(2)}`);
    return [libs, ...dirs].join(' ');
  }
  if (process.platform === 'darwin') return what === 'cflags' ? '-DRXTRAIN_ACCELERATE' : '-framework Accelerate';
  return what === 'cflags' ? '' : '-lopenblas';
}

// gyp splits the output on whitespace: one flag per line.
for (const flag of find().split(/\s+/).filter(Boolean)) console.log(flag);
