// moduleUrl is how every thread boundary (worker pools, PBT members, dataParallel imports, the
// `rxtrain worker` command) turns a user's module spec into what a thread imports.
import t from 'tap';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadFunction, moduleUrl } from '../../lib/thread/load-module.js';

t.test('paths become file URLs, relative ones against the current directory', async (t) => {
  t.equal(moduleUrl('examples/digits-trial.ts'), pathToFileURL(join(process.cwd(), 'examples/digits-trial.ts')).href);
  t.equal(moduleUrl('./a/../b.js'), pathToFileURL(join(process.cwd(), 'b.js')).href);
  t.equal(moduleUrl('/abs/m.js'), 'file:///abs/m.js');
  t.equal(moduleUrl('/with space/m#1.js'), pathToFileURL('/with space/m#1.js').href, 'characters a URL would misread are escaped');
});

t.test('file: and data: URLs are kept as they are', async (t) => {
  t.equal(moduleUrl('file:///x/y.js'), 'file:///x/y.js');
  const data = 'data:text/javascript,export default () => 42';
  t.equal(moduleUrl(data), data);
  const fn = await loadFunction<() => number>('test:', data, 'default');
  t.equal(fn(), 42, 'loadFunction imports through moduleUrl');
  await t.rejects(loadFunction('test:', data, 'other'), /test: module 'data:.*' has no function export 'other' \(exports: default\)/);
});

t.test('an export that is missing or not a function is a configuration error naming the module and the export', async (t) => {
  const data = 'data:text/javascript,export const n = 1; export default () => 1';
  const refused = { name: 'RxtrainError', code: 'INVALID_CONFIG', details: { module: data, export: 'n', exports: ['default', 'n'] } };
  await t.rejects(loadFunction('worker:', data, 'n'), { ...refused, message: /^worker: module 'data:.*' has no function export 'n' \(exports: default, n\)$/ });
  await t.rejects(loadFunction('pbt():', data, 'm'), { message: /^pbt\(\): module 'data:.*' has no function export 'm'/, details: { export: 'm' } });
});
