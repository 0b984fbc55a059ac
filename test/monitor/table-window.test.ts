// The trial table renders only the rows in view (lib/monitor/dashboard/table-window.js): which ones,
// for a scroll position, a view height and a row height.
import t from 'tap';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = join(fileURLToPath(new URL('../../', import.meta.url)), 'lib', 'monitor', 'dashboard');
const load = async () => (await import(pathToFileURL(join(dir, 'table-window.js')).href)) as {
  visibleRange(scrollTop: number, viewHeight: number, rowHeight: number, count: number, overscan?: number, offset?: number): { first: number; last: number };
};

t.test('visibleRange: the rows under the view, and a few either side', async (t) => {
  const { visibleRange } = await load();
  t.same(visibleRange(0, 300, 30, 1000, 8), { first: 0, last: 18 }, 'at the top: 10 in view and 8 below');
  t.same(visibleRange(3000, 300, 30, 1000, 8), { first: 92, last: 118 }, 'rows 100..109 in view, 8 either side');
  t.same(visibleRange(29_700, 300, 30, 1000, 8), { first: 982, last: 1000 }, 'at the end: the last rows');
  t.same(visibleRange(0, 300, 30, 5, 8), { first: 0, last: 5 }, 'fewer rows than the view holds: all');
  t.same(visibleRange(0, 300, 30, 0, 8), { first: 0, last: 0 }, 'no rows');
  t.same(visibleRange(90_000, 300, 30, 10, 8), { first: 9, last: 10 }, 'scrolled past the end (rows removed): the last row');
  t.same(visibleRange(100, 300, 30, 1000, 0, 100), { first: 0, last: 10 }, 'an offset (a header above the rows) is taken off');
});
