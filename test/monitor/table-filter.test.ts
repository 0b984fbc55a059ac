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
