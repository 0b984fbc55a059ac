// A bundler that imports `rxtrain` and `rxtrain/operators` for a page gets the browser build
// (dist/browser/, through the `browser` export condition) and no Node module. esbuild here, as any
// bundler resolves the package's exports. (Issue 21.)
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = new URL('../../', import.meta.url).pathname;

t.test('esbuild bundles a page that imports rxtrain from the browser build, with no Node module', async (t) => {
  await promisify(execFile)(process.execPath, [join(root, 'scripts/build-browser.mjs')]);
  // Inside the package, so that 'rxtrain' resolves to this checkout (a package may import itself by name).
  const dir = mkdtempSync(join(root, 'test', '.bundle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'app.js'), "import { train, study, useBackend, indexedDbStorage, webWorkerObjective, mountDashboard } from 'rxtrain';\nimport { prune, epochs, monitorTap } from 'rxtrain/operators';\nconsole.log(train, study, useBackend, indexedDbStorage, webWorkerObjective, mountDashboard, prune, epochs, monitorTap);\n");
  const out = await build({ entryPoints: [join(dir, 'app.js')], bundle: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent', absWorkingDir: root });
  const inputs = Object.keys(out.metafile.inputs);
  t.ok(inputs.some((f) => f.startsWith('dist/browser/')), 'rxtrain came from dist/browser/');
  t.same(inputs.filter((f) => f.startsWith('lib/') || f.startsWith('operators/')), [], 'not from the sources or the Node build');
  t.same(inputs.filter((f) => f.startsWith('node:') || /better-sqlite3|\/pg\/|\/ws\//.test(f)), [], 'no Node module');
  t.same(out.errors, []);
});
