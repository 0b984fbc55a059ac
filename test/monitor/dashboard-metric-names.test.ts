/**
 * The dashboard ranks, stars and sorts a run without a declared objective by its metric's name
 * (issue 20: any metric, e.g. val_f1, val_auc, val_r2). Its copy of the rule (a plain file, the
 * dashboard has no build step) must agree with lib/metrics/metric-names.ts's for every metric.
 */
import t from 'tap';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { metricDirection, metricKinds } from '../../lib/metrics/metric-names.js';
import { loadDashboard } from '../../lib/monitor/dashboard-assets.js';

const dir = join(fileURLToPath(new URL('../../', import.meta.url)), 'lib', 'monitor', 'dashboard');
type Rule = { metricDirection: (name: string) => string };

t.test("the dashboard's metric directions are rxtrain's", async (t) => {
  const model = (await import(pathToFileURL(join(dir, 'model.js')).href)) as Rule;
  const names = [
    ...metricKinds, 'loss', 'lr', 'top1_accuracy', 'top5_accuracy',
    'my_accuracy', 'my_score', 'balanced_accuracy', 'error', 'f2', 'auc_roc',
  ];
  const all = [...names, ...names.map((n) => `val_${n}`)];
  const disagree = all.filter((n) => model.metricDirection(n) !== metricDirection(n)).map((n) => `${n}: dashboard ${model.metricDirection(n)}, rxtrain ${metricDirection(n)}`);
  t.same(disagree, [], `${all.length} names`);
  t.equal(model.metricDirection('val_f1'), 'maximize');
  t.equal(model.metricDirection('val_rmse'), 'minimize');
  t.ok(loadDashboard().has('/metric-names.js'), 'the monitor serves the file model.js imports');
});
