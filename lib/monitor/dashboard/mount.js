// The dashboard mounted in a page (`mountDashboard()`, lib/monitor/mount-dashboard.ts): the served
// page's markup (index.html's body) inserted into an element, its styles scoped to that element, and the
// same views (./dashboard-view.js) fed records by the page itself. The build (scripts/build-browser.mjs)
// bundles index.html and the CSS as text, and uPlot's files from its package (scripts/dashboard-bundling.mjs).
import css from './style.css';
import studyCss from './study-views.css';
// uPlot's style sheet (the served page links /uplot.css): from its package, by the build.
import uplotCss from './uplot.css';
import page from './index.html';
import { createDashboardView } from './dashboard-view.js';

/** The class the mounted dashboard's element gets; its styles apply under it only. */
export const MOUNT_CLASS = 'rxtrain-dashboard';

/**
 * The page's styles under `.rxtrain-dashboard` (CSS nesting): what the served page sets on `:root` and
 * `body` goes on the element, whose height is `--rxtrain-dashboard-height` (default 720px).
 */
function scoped(text) {
  const inner = text.replace(/:root\s*\{/g, '& {').replace(/(^|\n)body\s*\{/g, '$1& {');
  return `.${MOUNT_CLASS} {\n${inner}\n}\n.${MOUNT_CLASS} { height: var(--rxtrain-dashboard-height, 720px); }\n`;
}

/**
 * Insert the dashboard into `element` and start drawing.
 *
 * @returns null when the page holds a dashboard already (the views find their elements by id), else
 *   { apply(record), stop() }.
 */
export function mountView(element, { title, send }) {
  const doc = element.ownerDocument;
  if (doc.getElementById('trials')) return null;
  const body = new DOMParser().parseFromString(page, 'text/html').body;
  element.replaceChildren(...body.childNodes);
  element.classList.add(MOUNT_CLASS);
  // A constructed sheet: a page whose CSP allows no inline styles can still have it.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(scoped(`${uplotCss}\n${css}\n${studyCss}`));
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  const $ = (id) => doc.getElementById(id);
  if (title !== undefined) $('title').textContent = title;
  const status = (text, cls) => { $('status').textContent = text; $('status').className = `status ${cls}`; };
  status('live · in this page · control', 'open');
  $('controls').hidden = false;
  const view = createDashboardView({ send, canCommand: () => true });
  const m = view.model;
  view.start();
  return {
    apply(record) {
      m.apply(record);
      if (record.event.type !== 'runEnd') return;
      // Every run ended: the status line says how, as the served page's does when its monitor finished.
      const runs = new Set([...m.series.values()].map((s) => s.run));
      if ([...runs].every((r) => m.ended.has(r))) status(`finished: ${view.results(null)}`, 'finished');
      else status('live · in this page · control', 'open');
    },
    stop() {
      view.stop();
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
      element.replaceChildren();
      element.classList.remove(MOUNT_CLASS);
      if (window.__rxtrain) delete window.__rxtrain;
    },
  };
}
