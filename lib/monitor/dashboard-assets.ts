/**
 * The dashboard's files, read once when a monitor starts. They ship as plain files in the package
 * (`lib/monitor/dashboard/`): no CDN, no build step. From a build in `dist/`, the source folder is
 * found beside it. The charting library, uPlot, is served from its own package's files (resolved as
 * a dependency, so the page works offline): /uplot.js its ES module, /uplot.css its style sheet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

const files: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/dashboard-view.js': 'dashboard-view.js',
  '/chart.js': 'chart.js',
  '/parallel.js': 'parallel.js',
  '/parallel-model.js': 'parallel-model.js',
  '/range-filters.js': 'range-filters.js',
  '/model.js': 'model.js',
  '/metric-names.js': 'metric-names.js',
  '/lineage-model.js': 'lineage-model.js',
  '/population-model.js': 'population-model.js',
  '/lineage.js': 'lineage.js',
  '/population.js': 'population.js',
  '/svg.js': 'svg.js',
  '/run-views.js': 'run-views.js',
  '/style.css': 'style.css',
  '/table-filter.js': 'table-filter.js',
  '/detail-view.js': 'detail-view.js',
  '/row-values.js': 'row-values.js',
  '/studies': 'studies.html',
  '/studies.html': 'studies.html',
  '/studies.js': 'studies.js',
  '/studies-model.js': 'studies-model.js',
  '/pareto-model.js': 'pareto-model.js',
  '/pareto.js': 'pareto.js',
  '/importance.js': 'importance.js',
  '/study-views.js': 'study-views.js',
  '/study-views.css': 'study-views.css',
  '/ticks.js': 'ticks.js',
  '/plot.js': 'plot.js',
  '/view-panel.js': 'view-panel.js',
  '/trials-model.js': 'trials-model.js',
  '/trials-views.js': 'trials-views.js',
  '/history.js': 'history.js',
  '/slice.js': 'slice.js',
  '/contour.js': 'contour.js',
  '/curves-model.js': 'curves-model.js',
  '/curves-view.js': 'curves-view.js',
  '/table-window.js': 'table-window.js',
};

/** Files of dependencies by URL path: the package's own file, as installed beside rxtrain. */
const packageFiles: Record<string, string> = {
  '/uplot.js': 'uplot/dist/uPlot.esm.js',
  '/uplot.css': 'uplot/dist/uPlot.min.css',
};

/** Where a dependency's file is: found from its package.json, as Node resolves a dependency. */
function packageFile(spec: string): string {
  const name = spec.slice(0, spec.indexOf('/'));
  return join(dirname(createRequire(import.meta.url).resolve(`${name}/package.json`)), spec.slice(name.length + 1));
}

/** The file of a dependency served at URL `path` (/uplot.js, /uplot.css), or undefined. */
export function dependencyFile(path: string): string | undefined {
  const spec = Object.hasOwn(packageFiles, path) ? packageFiles[path] : undefined;
  return spec === undefined ? undefined : packageFile(spec);
}

const types: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

function dashboardDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, 'dashboard'), join(here, '..', '..', '..', 'lib', 'monitor', 'dashboard')];
  for (const dir of candidates) if (existsSync(join(dir, 'index.html'))) return dir;
  throw new Error(`rxtrain monitor: dashboard files not found (looked in ${candidates.join(', ')})`);
}

/** The dashboard's files by URL path. */
export function loadDashboard(): ReadonlyMap<string, Asset> {
  const dir = dashboardDir();
  const out = new Map<string, Asset>();
  const all = [...Object.entries(files).map(([path, file]) => [path, join(dir, file)]), ...Object.keys(packageFiles).map((path) => [path, dependencyFile(path)])];
  for (const [path, file] of all) {
    const ext = file!.slice(file!.lastIndexOf('.') + 1);
    out.set(path!, { body: readFileSync(file!), contentType: types[ext] ?? 'application/octet-stream' });
  }
  return out;
}
