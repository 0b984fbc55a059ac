// The trial table's filter box (lib/monitor/dashboard/table-filter.js): words, parameter ranges, states.
import t from 'tap';

interface Filter {
  readonly words: string[];
  readonly ranges: Array<{ name: string; op: string; value: number | string }>;
  readonly states: Set<string> | null;
  readonly problems: string[];
}
interface Row {
  text: string;
  state: string;
  params: Record<string, number | string> | null;
  value?: number;
  epoch?: number;
}
const { parseFilter, rowMatches, isEmptyFilter } = (await import(new URL('../../lib/monitor/dashboard/table-filter.js', import.meta.url).href)) as {
  parseFilter(text: string): Filter;
  rowMatches(row: Row, f: Filter): boolean;
  isEmptyFilter(f: Filter): boolean;
};

const rows: Row[] = [
  { text: 'search #0 lr=0.001 units=32 optimizer=adam', state: 'completed', params: { lr: 0.001, units: 32, optimizer: 'adam' }, value: 0.95, epoch: 9 },
  { text: 'search #1 lr=0.03 units=128 optimizer=sgd', state: 'pruned', params: { lr: 0.03, units: 128, optimizer: 'sgd' }, value: 0.6, epoch: 3 },
  { text: 'search #2 lr=0.005 units=64 optimizer=adam', state: 'running', params: { lr: 0.005, units: 64, optimizer: 'adam' }, value: 0.9, epoch: 5 },
  { text: 'baseline', state: 'failed', params: null, epoch: 0 },
];
const names = (text: string): string[] => {
  const f = parseFilter(text);
  return rows.filter((r) => rowMatches(r, f)).map((r) => r.text.split(' lr')[0]!);
};

t.test('ranges on parameters, value and epoch; equality on a choice', async (t) => {
  t.same(names('lr<0.01'), ['search #0', 'search #2']);
  t.same(names('lr<0.01 units>=64'), ['search #2'], 'every word must pass');
  t.same(names('value>0.9'), ['search #0']);
  t.same(names('epoch<=3'), ['search #1', 'baseline']);
  t.same(names('optimizer=adam'), ['search #0', 'search #2']);
  t.same(names('units=128'), ['search #1'], 'a number equal as a number');
  t.same(names('momentum>0'), [], 'a row without the parameter does not pass');
});

t.test('states, text, nothing', async (t) => {
  t.same(names('state:running'), ['search #2']);
  t.same(names('state:pruned,failed'), ['search #1', 'baseline']);
  t.same(names('BASE'), ['baseline'], 'text in any case');
  t.same(names('sgd'), ['search #1'], 'text in the parameters');
  t.same(names('completed'), ['search #0'], 'text in the state');
  t.same(names('  '), ['search #0', 'search #1', 'search #2', 'baseline'], 'an empty filter passes all');
  t.ok(isEmptyFilter(parseFilter('')));
  t.notOk(isEmptyFilter(parseFilter('state:running')));
});

t.test('what cannot be read is said, not guessed', async (t) => {
  t.same(parseFilter('lr<abc state:').problems, ['lr<abc: < needs a number', 'state:: which state? (state:running, state:pruned,failed)']);
  t.same(parseFilter('lr<abc').ranges, [], 'the unreadable range filters nothing');
});

type Range = { min: number | null; max: number | null } | { categories: string[] };
const tf = (await import(new URL('../../lib/monitor/dashboard/table-filter.js', import.meta.url).href)) as {
  rangeFromFields(min: string, max: string): { range: Range | null; problems: { min?: string; max?: string } };
  rowInRanges(row: { params: Record<string, unknown> | null; value?: number }, ranges: Map<string, Range>): boolean;
  rangeText(name: string, r: Range): string;
  fmtBound(v: number | null): string;
  createRanges(): { version: number; map: Map<string, Range>; get(n: string): Range | null; set(n: string, r: Range | null): void; clear(): void; onChange(fn: () => void): void };
};

t.test('range fields: min and max as typed, and what is wrong with them said on the field', async (t) => {
  t.same(tf.rangeFromFields('1e-3', ' 0.01 '), { range: { min: 0.001, max: 0.01 }, problems: {} });
  t.same(tf.rangeFromFields('64', ''), { range: { min: 64, max: null }, problems: {} }, 'one end open');
  t.same(tf.rangeFromFields('', ''), { range: null, problems: {} }, 'both empty: no range');
  t.same(tf.rangeFromFields('abc', '2'), { range: null, problems: { min: 'min: "abc" is not a number' } }, 'unreadable: no range, the field says why');
  t.same(tf.rangeFromFields('0.1', '0.01').problems, { min: 'min 0.1 is above max 0.01: nothing could pass', max: 'min 0.1 is above max 0.01: nothing could pass' }, 'min above max: both fields');
  t.equal(tf.rangeFromFields('0.1', '0.01').range, null);
  t.same(tf.rangeFromFields('5', '5').range, { min: 5, max: 5 }, 'min equal to max is one value');
});

t.test('rows in ranges: every range must hold; `value` ranges the objective', async (t) => {
  const inRanges = (entries: [string, Range][]): string[] => rows.filter((r) => tf.rowInRanges(r, new Map(entries))).map((r) => r.text.split(' lr')[0]!);
  t.same(inRanges([['lr', { min: 0.001, max: 0.005 }]]), ['search #0', 'search #2'], 'bounds included');
  t.same(inRanges([['lr', { min: 0.001, max: null }], ['units', { min: null, max: 32 }]]), ['search #0']);
  t.same(inRanges([['value', { min: 0.9, max: null }]]), ['search #0', 'search #2']);
  t.same(inRanges([['optimizer', { categories: ['sgd'] }]]), ['search #1'], "a choice's range: its categories");
  t.same(inRanges([['lr', { min: null, max: null }]]), ['search #0', 'search #1', 'search #2'], 'an open range still needs the parameter');
  t.equal(tf.rangeText('lr', { min: 0.001, max: 0.0123456 }), '0.001 ≤ lr ≤ 0.0123');
  t.equal(tf.rangeText('units', { min: 64, max: null }), 'units ≥ 64');
  t.equal(tf.rangeText('optimizer', { categories: ['adam', 'sgd'] }), 'optimizer ∈ {adam, sgd}');
  t.equal(Number(tf.fmtBound(1e-7)), 1e-7, 'a bound as written reads back');
});

t.test('the shared ranges: set, replace, drop, clear; a change is counted and told once', async (t) => {
  const r = tf.createRanges();
  let told = 0;
  r.onChange(() => told++);
  r.set('lr', { min: 1, max: 2 });
  r.set('lr', { min: 1, max: 2 });
  t.equal(told, 1, 'the same range again is no change');
  r.set('units', { min: 3, max: null });
  t.same([...r.map.keys()], ['lr', 'units']);
  r.set('lr', null);
  r.set('lr', null);
  t.equal(r.get('lr'), null);
  t.equal(told, 3, 'dropping what is not there is no change');
  r.clear();
  t.equal(r.map.size, 0);
  t.equal(r.version, 4);
});
