/**
 * What a bundle of the dashboard's modules (lib/monitor/dashboard/, reached from lib/browser.ts by
 * `mountDashboard()`) needs besides plain JS, for esbuild: its markup and CSS as text (./mount.js
 * inserts them), and the third-party files the dashboard imports as if they were beside it (the served
 * page gets them at those paths from lib/monitor/dashboard-assets.ts), taken from their packages in
 * node_modules. Used by scripts/build-browser.mjs and the browser example's server.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A dashboard import `./<name>` → the package file it is: `<package>/<path>`. */
export const DASHBOARD_DEPENDENCIES = {
  'uplot.js': 'uplot/dist/uPlot.esm.js',
  'uplot.css': 'uplot/dist/uPlot.min.css',
};

const require = createRequire(import.meta.url);

/** The installed file of `<package>/<path>`, found from the package's package.json. */
export function dependencyPath(spec) {
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.slice(0, spec.indexOf('/'));
  return join(dirname(require.resolve(`${name}/package.json`)), spec.slice(name.length + 1));
}

/** esbuild options: text loaders and the dependency plugin. */
export const dashboardBundling = {
  loader: { '.html': 'text', '.css': 'text' },
  plugins: [
    {
      name: 'rxtrain-dashboard-dependencies',
      setup(b) {
        b.onResolve({ filter: /^\.\/[\w.-]+$/ }, (args) => {
          const spec = DASHBOARD_DEPENDENCIES[args.path.slice(2)];
          if (spec === undefined || !/[\\/]lib[\\/]monitor[\\/]dashboard$/.test(args.resolveDir)) return undefined;
          return { path: dependencyPath(spec) };
        });
      },
    },
  ],
};
