import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { importance } from '../../../lib/search/importance/importance.js';
import { randomSampler } from '../../../lib/search/samplers/random-sampler.js';
import { choice, int, logUniform, space, uniform, when, type SearchSpace } from '../../../lib/search/space.js';
import type { FrozenTrial, Params } from '../../../lib/search/types.js';
import { study } from '../../../lib/study/study.js';

/** `n` random trials of `f` on a space, completed. */
function randomTrials(s: SearchSpace, f: (p: Params) => number, n: number, seed: number): FrozenTrial[] {
  const sampler = randomSampler({ seed });
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = sampler.sample(s, trials, { direction: 'minimize', trialNumber: i });
    trials.push({ number: i, state: 'completed', params, value: f(params), intermediate: [] });
  }
  return trials;
}

const num = (p: Params, k: string) => p[k] as number;

// Benchmark functions where the ranking is clear (each parameter's own variance at least 5x the next one's).
const problems = [
  { name: '10·x0² + x1 + 0.1·x2', space: space({ x0: uniform(-1, 1), x1: uniform(-1, 1), x2: uniform(-1, 1) }), f: (p: Params) => 10 * num(p, 'x0') ** 2 + num(p, 'x1') + 0.1 * num(p, 'x2'), ranking: ['x0', 'x1', 'x2'] },
  { name: 'a categorical, an int, a log and a float', space: space({ lr: logUniform(1e-4, 1), units: int(8, 128), act: choice(['relu', 'tanh', 'gelu']), drop: uniform(0, 0.5) }), f: (p: Params) => 3 * (p.act === 'tanh' ? 1 : 0) + 0.01 * num(p, 'units') + 0.5 * num(p, 'lr') + 0.01 * num(p, 'drop'), ranking: ['act', 'units', 'lr', 'drop'] },
  { name: '8·a² + 3·b + sin(3c) + 0.01·d', space: space({ a: uniform(0, 1), b: uniform(0, 1), c: uniform(0, 1), d: uniform(0, 1) }), f: (p: Params) => 8 * num(p, 'a') ** 2 + 3 * num(p, 'b') + Math.sin(3 * num(p, 'c')) + 0.01 * num(p, 'd'), ranking: ['a', 'b', 'c', 'd'] },
] as const;

t.test('the dominant parameter first, shares summing to 1, both evaluators', async (t) => {
  for (const p of problems) {
    const trials = randomTrials(p.space, p.f, 100, 1);
    for (const evaluator of ['fanova', 'meanDecreaseImpurity'] as const) {
      const shares = importance(trials, { evaluator, seed: 0, space: p.space });
      t.same([...shares.keys()], p.ranking, `${p.name}, ${evaluator}: ${[...shares].map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`);
      t.ok(Math.abs([...shares.values()].reduce((a, b) => a + b, 0) - 1) < 1e-12, 'sum 1');
    }
  }
  const quad = importance(randomTrials(problems[0].space, problems[0].f, 100, 1), { seed: 0, space: problems[0].space });
  t.ok(quad.get('x0')! > 0.9, `x0 dominates: ${quad.get('x0')}`);
});

t.test('seeded: the same seed gives the same shares, another seed about the same', async (t) => {
  const p = problems[2];
  const trials = randomTrials(p.space, p.f, 80, 3);
  t.same([...importance(trials, { seed: 5 })], [...importance(trials, { seed: 5 })]);
  const a = importance(trials, { seed: 5 });
  const b = importance(trials, { seed: 6 });
  t.notSame([...a.values()], [...b.values()]);
  t.ok([...a].every(([k, v]) => Math.abs(v - b.get(k)!) < 0.05), 'within 0.05');
});

t.test('a study: its completed trials, its space; categorical one-hot; conditional and single-valued parameters', async (t) => {
  const s = study({
    name: 'importance',
    direction: 'maximize',
    space: space({ opt: choice(['adam', 'sgd']), momentum: when('opt', 'sgd', uniform(0, 1)), lr: uniform(0, 1), only: choice(['x']) }),
    sampler: randomSampler({ seed: 2 }),
  });
  for (let i = 0; i < 60; i++) {
    const trial = s.ask();
    const { opt, lr } = trial.params;
    if (i % 10 === 9) s.tell(trial, 'failed', new Error('boom'));
    else s.tell(trial, (opt === 'adam' ? 2 : 0) + 0.3 * lr + (trial.params.momentum ?? 0) * 0.1);
  }
  const shares = importance(s, { seed: 0 });
  t.same([...shares.keys()], ['opt', 'lr', 'only'], 'momentum, which adam trials lack, is left out');
  t.equal(shares.get('only'), 0, 'a choice of one value explains nothing');
  const sgd = importance(s, { seed: 0, params: ['momentum', 'lr'] });
  t.same([...sgd.keys()].sort(), ['lr', 'momentum'], 'with params: the trials that have them');
  t.throws(() => importance(s, { seed: 0, params: ['mom'] }), { code: 'INVALID_CONFIG', details: { param: 'mom' }, message: /importance\(\): 'mom' is not a parameter of the space \(it has: opt, momentum, lr, only\)/ });
});

t.test('without a space: ranges and choices from the trials', async (t) => {
  const p = problems[1];
  const trials = randomTrials(p.space, p.f, 100, 1);
  t.same([...importance(trials, { seed: 0 }).keys()], p.ranking);
});

t.test('clear errors', async (t) => {
  const p = problems[0];
  const trials = randomTrials(p.space, p.f, 10, 1);
  t.throws(() => importance(trials.slice(0, 1), { seed: 0 }), { code: 'INVALID_CONFIG', details: { field: 'trials' }, message: /importance\(\): needs at least 2 completed trials with a finite value to assess importance \(got 1 of 1 trials\)/ });
  const unfinished = trials.map((x, i) => (i < 9 ? { ...x, state: 'pruned' as const } : x));
  t.throws(() => importance(unfinished, { seed: 0 }), { code: 'INVALID_CONFIG', message: /got 1 of 10 trials/ });
  t.throws(() => importance(trials.map((x) => ({ ...x, value: 1 })), { seed: 0 }), { code: 'INVALID_CONFIG', message: /all 10 trials have the same value \(1\): no parameter explains any of it/ });
  t.throws(() => importance(trials, { seed: 0, params: ['y'] }), { code: 'INVALID_CONFIG', details: { param: 'y' }, message: /no completed trial has the parameter 'y'/ });
  const sparse = trials.map((x, i) => (i === 0 ? x : { ...x, params: { x0: x.params.x0!, x1: x.params.x1! } }));
  t.throws(() => importance(sparse, { seed: 0, params: ['x0', 'x2'] }), { code: 'INVALID_CONFIG', details: { field: 'params' }, message: /only 1 of the 10 completed trials have all of the parameters \('x0' in 10, 'x2' in 1\); at least 2 must/ });
  t.throws(() => importance(trials, {} as never), { code: 'INVALID_CONFIG', details: { field: 'seed' } });
  t.throws(() => importance(trials, { seed: 0, evaluator: 'ped' as never }), { code: 'INVALID_CONFIG', details: { field: 'evaluator' } });
  t.throws(() => importance(trials, { seed: 0, nTrees: 0 }), { code: 'INVALID_CONFIG', details: { field: 'nTrees' } });
  t.throws(() => importance(trials, { seed: 0, trees: 3 } as never), { code: 'INVALID_CONFIG', details: { field: 'trees' } });
  t.throws(() => importance({} as never, { seed: 0 }), { code: 'INVALID_CONFIG', details: { field: 'source' } });
  const wrong = trials.map((x, i) => (i === 3 ? { ...x, params: { ...x.params, x1: 'a' } } : x));
  t.throws(() => importance(wrong, { seed: 0, space: p.space }), { code: 'INVALID_CONFIG', details: { param: 'x1' }, message: /a trial's 'x1' = "a" is not a number/ });
  t.same([...importance(trials, { seed: 0, params: [] })], [], 'no parameters asked: none assessed');
});

// Against Optuna 3.1's evaluators (Debian's python3-optuna, through /usr/bin/python3) on the same trials,
// exported as JSON and imported with optuna.trial.create_trial + study.add_trials
// (bench/reference/importance_optuna.py).
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import optuna, sklearn'], { encoding: 'utf8' });
const noOptuna = probe.status === 0 ? false : `${PYTHON} cannot import optuna and sklearn (apt-get install python3-optuna python3-sklearn to run this check)`;

t.test("the same ranking as Optuna 3.1's FanovaImportanceEvaluator and MeanDecreaseImpurityImportanceEvaluator", { skip: noOptuna }, async (t) => {
  for (const p of problems) {
    for (const seed of [0, 1, 2]) {
      const trials = randomTrials(p.space, p.f, 100, seed);
      const out = execFileSync(PYTHON, ['bench/reference/importance_optuna.py', `--seed=${seed}`], { input: JSON.stringify({ direction: 'minimize', space: p.space.params, trials }), encoding: 'utf8' });
      const theirs = JSON.parse(out) as Record<'fanova' | 'meanDecreaseImpurity', Array<[string, number]>>;
      for (const evaluator of ['fanova', 'meanDecreaseImpurity'] as const) {
        const ours = importance(trials, { evaluator, seed, space: p.space });
        const label = `${p.name}, seed ${seed}, ${evaluator}: ours ${[...ours].map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}; Optuna ${theirs[evaluator].map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`;
        t.same([...ours.keys()], theirs[evaluator].map(([k]) => k), label);
        t.ok(theirs[evaluator].every(([k, v]) => Math.abs(v - ours.get(k)!) < 0.05), 'each share within 0.05 of Optuna\'s');
      }
    }
  }
});

t.test('several objectives: target chooses which one to explain, and is required', async (t) => {
  const s = problems[0].space;
  const single = randomTrials(s, problems[0].f, 100, 1);
  // Objective 0 is driven by x2 alone, objective 1 is problem 0 (x0 first).
  const multi: FrozenTrial[] = single.map(({ value, ...rest }) => ({ ...rest, values: [5 * num(rest.params, 'x2'), value!] }));
  t.throws(() => importance(multi, { seed: 0, space: s }), { code: 'INVALID_CONFIG', message: /importance\(\): option 'target' is required for a multi-objective study/ });
  t.equal([...importance(multi, { seed: 0, space: s, target: (tr) => tr.values![0]! }).keys()][0], 'x2');
  t.same([...importance(multi, { seed: 0, space: s, target: (tr) => tr.values![1]! }).keys()], ['x0', 'x1', 'x2']);
  t.throws(() => importance(multi, { seed: 0, target: 3 as never }), { code: 'INVALID_CONFIG', message: /option 'target' must be a function/ });
});
