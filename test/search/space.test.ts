import t from 'tap';
import { RxtrainError } from '../../lib/errors.js';
import { createRandom } from '../../lib/random.js';
import { choice, int, logUniform, space, uniform, when, type InferParams, type SearchSpace } from '../../lib/search/space.js';

// ---- type-level tests: these lines fail to compile if inference breaks -----------------------------
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

const typed = space({
  lr: logUniform(1e-4, 1e-1),
  units: int(32, 512, { log: true }),
  optimizer: choice(['adam', 'sgd']),
  momentum: when('optimizer', ['sgd'], uniform(0, 0.99)),
  nesterov: when('optimizer', 'sgd', choice([true, false])),
  layers: choice([1, 2, 3]),
  width2: when('layers', [2, 3], int(8, 64)),
});
type Typed = typeof typed extends SearchSpace<infer P> ? P : never;
assertType<Equals<Typed, { lr: number; units: number; optimizer: 'adam' | 'sgd'; layers: 1 | 2 | 3; momentum?: number; nesterov?: boolean; width2?: number }>>();
assertType<Equals<InferParams<{ a: ReturnType<typeof uniform> }>, { a: number }>>();
{
  const p = typed.sample(createRandom(1));
  const opt: 'adam' | 'sgd' = p.optimizer;
  const lr: number = p.lr;
  // @ts-expect-error momentum is optional: it exists only when optimizer is 'sgd'
  const m: number = p.momentum;
  // @ts-expect-error optimizer is a union of its literals, not any string
  const o: 'rmsprop' = p.optimizer;
  void opt, lr, m, o;
  const unknown: unknown = { lr: 0.01 };
  if (typed.validate(unknown)) {
    const narrowed: number = unknown.units;
    void narrowed;
  }
}
export function neverCalled(): void {
  // @ts-expect-error a condition must name another parameter of the space
  space({ a: uniform(0, 1), b: when('nope', [1], uniform(0, 1)) });
  // @ts-expect-error a condition's values must be values of its parent
  space({ opt: choice(['adam', 'sgd']), m: when('opt', 'rmsprop', uniform(0, 1)) });
  // @ts-expect-error a condition cannot name the parameter itself
  space({ a: choice([1, 2]), b: when('b', [1], uniform(0, 1)) });
}

// ---- runtime tests ----------------------------------------------------------------------------------
type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];
function throwsSpace(t: TapTest, fn: () => unknown, param: string, pattern: RegExp): void {
  try {
    fn();
    t.fail(`expected INVALID_SPACE for ${param}`);
  } catch (e) {
    t.ok(e instanceof RxtrainError, 'an RxtrainError');
    const err = e as RxtrainError;
    t.equal(err.code, 'INVALID_SPACE');
    t.equal(err.details.param, param, `names the parameter '${param}'`);
    t.match(err.message, new RegExp(`'${param}'`));
    t.match(err.message, pattern);
  }
}

t.test('specs keep definition order and distributions', async (t) => {
  const s = space({ a: uniform(0, 1, { step: 0.25 }), b: logUniform(1e-3, 1), c: int(0, 10, { step: 2 }), d: choice(['x', 'y']), e: when('d', 'x', int(1, 4)) });
  t.same(s.params.map((p) => p.name), ['a', 'b', 'c', 'd', 'e']);
  t.same(s.get('a')?.distribution, { kind: 'float', low: 0, high: 1, log: false, step: 0.25 });
  t.same(s.get('b')?.distribution, { kind: 'float', low: 1e-3, high: 1, log: true });
  t.same(s.get('c')?.distribution, { kind: 'int', low: 0, high: 10, log: false, step: 2 });
  t.same(s.get('e')?.condition, { param: 'd', values: ['x'] });
  t.equal(s.isActive('e', { d: 'x' }), true);
  t.equal(s.isActive('e', { d: 'y' }), false);
  t.equal(s.isActive('a', {}), true);
  t.equal(s.isActive('zzz', {}), false);
});

t.test('invalid spaces throw INVALID_SPACE naming the parameter', async (t) => {
  throwsSpace(t, () => space({ lr: uniform(1, 1) }), 'lr', /low \(1\) must be < high/);
  throwsSpace(t, () => space({ lr: uniform(2, 1) }), 'lr', /must be < high/);
  throwsSpace(t, () => space({ lr: logUniform(0, 1) }), 'lr', /log scale/);
  throwsSpace(t, () => space({ n: int(-1, 10, { log: true }) }), 'n', /log scale/);
  throwsSpace(t, () => space({ x: uniform(Number.NaN, 1) }), 'x', /finite/);
  throwsSpace(t, () => space({ o: choice([]) }), 'o', /no choices/);
  throwsSpace(t, () => space({ o: choice(['a', 'a']) }), 'o', /twice/);
  throwsSpace(t, () => space({ x: uniform(0, 1, { step: 0.3 }) }), 'x', /does not divide/);
  throwsSpace(t, () => space({ x: uniform(0, 1, { step: -1 }) }), 'x', /step must be/);
  throwsSpace(t, () => space({ n: int(0, 10, { step: 3 }) }), 'n', /does not divide/);
  throwsSpace(t, () => space({ n: int(0, 10, { step: 0.5 }) }), 'n', /positive integer/);
  throwsSpace(t, () => space({ n: int(0.5, 10) }), 'n', /integer/);
  throwsSpace(t, () => space({ n: int(1, 16, { log: true, step: 3 }) }), 'n', /cannot also have a step/);
  // conditions: unknown parent, later parent, self, float parent, impossible value, no values
  throwsSpace(t, () => space({ m: when('opt', ['sgd'], uniform(0, 1)) } as never), 'm', /not an earlier parameter/);
  throwsSpace(t, () => space({ m: when('opt', ['sgd'], uniform(0, 1)), opt: choice(['sgd', 'adam']) }), 'm', /'opt', which is not an earlier/);
  throwsSpace(t, () => space({ a: uniform(0, 1), m: when('a', [0.5], uniform(0, 1)) }), 'm', /float/);
  throwsSpace(t, () => space({ opt: choice(['sgd']), m: when('opt', ['rmsprop'], uniform(0, 1)) } as never), 'm', /never take/);
  throwsSpace(t, () => space({ opt: choice(['sgd']), m: when('opt', [], uniform(0, 1)) }), 'm', /no values/);
  throwsSpace(t, () => space({ x: 3 as never }), 'x', /must be made with/);
  t.throws(() => space({}), { code: 'INVALID_SPACE' });
  t.throws(() => space(null as never), { code: 'INVALID_SPACE' });
});

t.test('validate and problems', async (t) => {
  const s = space({ opt: choice(['adam', 'sgd']), m: when('opt', 'sgd', uniform(0, 0.9, { step: 0.1 })), n: int(1, 9, { step: 2 }), lr: logUniform(1e-3, 1) });
  t.ok(s.validate({ opt: 'adam', n: 3, lr: 0.01 }));
  t.ok(s.validate({ opt: 'sgd', m: 0.3, n: 9, lr: 1 }));
  t.notOk(s.validate({ opt: 'sgd', n: 3, lr: 0.01 }), 'active m missing');
  t.notOk(s.validate({ opt: 'adam', m: 0.3, n: 3, lr: 0.01 }), 'inactive m present');
  t.notOk(s.validate({ opt: 'sgd', m: 0.35, n: 3, lr: 0.01 }), 'm off the step grid');
  t.notOk(s.validate({ opt: 'adam', n: 4, lr: 0.01 }), 'n off the step grid');
  t.notOk(s.validate({ opt: 'adam', n: 3, lr: 2 }), 'lr out of range');
  t.notOk(s.validate({ opt: 'rmsprop', n: 3, lr: 0.01 }), 'unknown choice');
  t.notOk(s.validate({ opt: 'adam', n: 3, lr: 0.01, extra: 1 }), 'unknown key');
  t.notOk(s.validate('nope'));
  t.match(s.problems({ opt: 'sgd', n: 4, lr: 0.01 }).join('\n'), /'m' is missing[\s\S]*'n' = 4/);
});

t.test('sample respects types, bounds, steps and conditions; seeded', async (t) => {
  const s = space({
    opt: choice(['adam', 'sgd', 'rmsprop']),
    m: when('opt', ['sgd', 'rmsprop'], choice([0, 0.5, 0.9])),
    nest: when('m', [0.5, 0.9], choice([true, false])),
    f: uniform(0, 0.9, { step: 0.1 }),
    units: int(32, 512, { log: true }),
    layers: int(1, 7, { step: 2 }),
    lr: logUniform(1e-4, 1e-1),
    x: uniform(-1, 1),
  });
  const r = createRandom(7);
  let sawM = 0, sawNest = 0;
  const lows = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const p = s.sample(r);
    if (!s.validate(p)) t.fail(s.problems(p).join('; '));
    if (p.m !== undefined) sawM++;
    if (p.nest !== undefined) sawNest++;
    if (p.units === 32 || p.units === 512) lows.add(p.units);
  }
  t.ok(sawM > 1100 && sawM < 1600, `m active about 2/3 of the time (${sawM})`);
  t.ok(sawNest > 750 && sawNest < 1030, `nest active about 2/3·2/3 of the time (${sawNest})`);
  t.same([...lows].sort(), [32, 512], 'int end values are reachable');
  t.same(s.sample(createRandom(3)), s.sample(createRandom(3)), 'same seed, same params');
});

t.test('stepped floats come out as written (no binary noise)', async (t) => {
  const s = space({ f: uniform(0, 1, { step: 0.1 }) });
  const r = createRandom(2);
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) seen.add(s.sample(r).f);
  t.same([...seen].sort((a, b) => a - b), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
});
