import t from 'tap';
import type { Trial } from '../../lib/study/trial.js';
import { lastValueFrom, map, mergeMap, of, take, toArray, from, timer } from 'rxjs';
import { evolve } from '../../lib/evolve/evolve.js';
import { crossover } from '../../lib/search/genetic/crossover.js';
import { mutate } from '../../lib/evolve/mutation.js';
import { space, uniform, logUniform, int, choice, when } from '../../lib/search/space.js';
import { createRandom } from '../../lib/random.js';
import { study } from '../../lib/study/study.js';
import { randomSampler } from '../../lib/search/samplers/random-sampler.js';
import { memoryStorage } from '../../lib/storage/memory-storage.js';
import type { Population, MemberEvent } from '../../lib/evolve/types.js';
import type { Params, Pruner } from '../../lib/search/types.js';
import { prune } from '../../operators/prune.js';

const mixed = space({
  lr: logUniform(1e-5, 1e-1),
  units: int(8, 512, { log: true }),
  layers: int(1, 9, { step: 2 }),
  dropout: uniform(0, 0.5, { step: 0.1 }),
  x: uniform(-3, 3),
  opt: choice(['adam', 'sgd', 'rmsprop']),
  momentum: when('opt', 'sgd', uniform(0, 0.99)),
  nesterov: when('opt', 'sgd', choice([true, false])),
  schedule: when('opt', ['sgd', 'rmsprop'], choice(['step', 'cosine'])),
  decay: when('schedule', 'step', logUniform(0.1, 0.9)),
});

t.test('crossover and mutation give valid parameters, over many seeds', async (t) => {
  let checked = 0;
  let changed = 0;
  const conditionalFlips = { on: 0, off: 0 };
  for (let seed = 0; seed < 400; seed++) {
    const r = createRandom(seed);
    const a = mixed.sample(r);
    const b = mixed.sample(r);
    for (const kind of ['uniform', 'blend'] as const) {
      const child = crossover(mixed, kind, a, b, r);
      if (!mixed.validate(child)) t.fail(`${kind} crossover: ${mixed.problems(child).join('; ')}`);
      checked++;
    }
    for (const [rate, scale] of [[1, 0.1], [0.5, 1], [1, 3]] as const) {
      const m = mutate(mixed, a, rate, scale, r);
      if (!mixed.validate(m)) t.fail(`mutation: ${mixed.problems(m).join('; ')}`);
      if (JSON.stringify(m) !== JSON.stringify(a)) changed++;
      if (a.momentum === undefined && m.momentum !== undefined) conditionalFlips.on++;
      if (a.momentum !== undefined && m.momentum === undefined) conditionalFlips.off++;
      checked++;
    }
  }
  t.equal(checked, 400 * 5, 'every child was valid');
  t.ok(changed > 1150, `mutation changes parameters (${changed} of 1200)`);
  t.ok(conditionalFlips.on > 10 && conditionalFlips.off > 10, `conditional parameters appear and disappear with their parent (${JSON.stringify(conditionalFlips)})`);
});

t.test('mutation respects log scales and steps', async (t) => {
  const s = space({ lr: logUniform(1e-6, 1), n: int(1, 1000, { log: true }), k: int(0, 10, { step: 5 }) });
  const r = createRandom(3);
  const ratios: number[] = [];
  const ks = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const p = mutate(s, { lr: 1e-3, n: 31, k: 5 }, 1, 0.05, r);
    ratios.push(Math.log10((p.lr as number) / 1e-3));
    ks.add(p.k as number);
    t.ok(Number.isInteger(p.n), 'ints stay ints');
  }
  // A 0.05 step in a log coordinate spanning 6 decades moves about 0.3 decades either way.
  const sd = Math.sqrt(ratios.reduce((s2, x) => s2 + x * x, 0) / ratios.length);
  t.ok(sd > 0.2 && sd < 0.4, `log-scale mutation: sd ${sd.toFixed(3)} decades`);
  t.same([...ks].sort((a, b) => a - b), [0, 10], 'a stepped int moves to a neighbouring step');
});

const sphere = space({ x: uniform(-5, 5), y: uniform(-5, 5), n: int(-5, 5) });
const sphereValue = (p: Params) => (p.x as number) ** 2 + (p.y as number) ** 2 + (p.n as number) ** 2;

function collect<P extends Params>(pops: Population<P>[]): Promise<Array<{ g: number; members: Array<{ trial: number; origin: string; params: P; end: MemberEvent }> }>> {
  return Promise.all(
    pops.map(async (p) => ({
      g: p.generation,
      members: await Promise.all(p.members.map(async (m) => ({ trial: m.trial, origin: m.origin, params: m.params, end: await lastValueFrom(m.events) }))),
    })),
  );
}

t.test('populations: sizes, generation numbers, elitism, member streams', async (t) => {
  const pops = await lastValueFrom(evolve(sphere, (trial) => sphereValue(trial.params), { populationSize: 8, generations: 5, elitism: 2, seed: 4 }).pipe(toArray()));
  t.same(pops.map((p) => p.generation), [0, 1, 2, 3, 4]);
  t.ok(pops.every((p) => p.members.length === 8), 'every population has populationSize members');
  const done = await collect(pops);
  const value = (e: MemberEvent) => (e.type === 'trialCompleted' ? e.value : Infinity);
  let previousBest = Infinity;
  for (const gen of done) {
    const bestHere = Math.min(...gen.members.map((m) => value(m.end)));
    t.ok(bestHere <= previousBest, `generation ${gen.g}: the best never gets worse (${bestHere})`);
    if (gen.g > 0) {
      const prev = done[gen.g - 1]!.members.map((m) => ({ trial: m.trial, v: value(m.end) })).sort((a, b) => a.v - b.v || a.trial - b.trial);
      t.same(gen.members.slice(0, 2).map((m) => m.trial), prev.slice(0, 2).map((p) => p.trial), 'the two best carry over as elites, same trials');
      t.same(gen.members.slice(0, 2).map((m) => m.origin), ['elite', 'elite']);
      t.ok(gen.members.slice(2).every((m) => m.origin === 'offspring'));
    }
    previousBest = bestHere;
  }
  t.equal(pops[4]!.best?.value, Math.min(...done.slice(0, 4).flatMap((g) => g.members.map((m) => value(m.end)))), 'population.best is the best of the earlier generations');
});

t.test('the same seed gives the same populations; another seed does not', async (t) => {
  const run = (seed: number) =>
    lastValueFrom(evolve(sphere, (trial) => sphereValue(trial.params), { populationSize: 6, generations: 4, seed, crossover: 'blend', selection: 'truncation' }).pipe(
      map((p) => p.members.map((m) => m.params)),
      toArray(),
    ));
  const a = await run(11);
  t.same(await run(11), a);
  t.not(JSON.stringify(await run(12)), JSON.stringify(a));
});

t.test('asynchronous members with a concurrency limit, stream objectives and a failing member', async (t) => {
  let running = 0;
  let peak = 0;
  const objective = (trial: { number: number; params: Params }) => {
    if (trial.number === 3) throw new Error('member 3 breaks');
    running++;
    peak = Math.max(peak, running);
    return from([0, 1, 2]).pipe(
      mergeMap((epoch) => timer(1 + (trial.number % 3)).pipe(map(() => ({ type: 'epochEnd' as const, epoch, metrics: { loss: sphereValue(trial.params) / (epoch + 1) } })))),
      (src) => src.pipe(toArray(), mergeMap((es) => { running--; return of(...es); })),
    );
  };
  const pops = await lastValueFrom(evolve(sphere, objective, { populationSize: 6, generations: 3, seed: 1, concurrency: 3, metric: 'loss' }).pipe(toArray()));
  t.equal(peak, 3, 'at most 3 members at once, and 3 were reached');
  const done = await collect(pops);
  t.same(done[0]!.members.map((m) => m.end.type), ['trialCompleted', 'trialCompleted', 'trialCompleted', 'trialFailed', 'trialCompleted', 'trialCompleted'], 'a failing member does not end the population');
  t.equal(done.length, 3, 'all generations ran');
  const events = await lastValueFrom(pops[1]!.members[3]!.events.pipe(toArray()));
  t.same(events.map((e) => e.type), ['trialStarted', 'epochEnd', 'epochEnd', 'epochEnd', 'trialCompleted'], 'a member streams its epochs');
});

t.test('results go to the study storage, and a search resumes where it stopped', async (t) => {
  const storage = memoryStorage();
  const open = () => study({ name: 'ga', direction: 'minimize', storage, space: sphere, sampler: randomSampler({ seed: 0 }) });
  const config = { populationSize: 5, generations: 4, seed: 9 };
  const full = await lastValueFrom(evolve(sphere, (trial) => sphereValue(trial.params), config).pipe(map((p) => p.members.map((m) => m.params)), toArray()));
  // Stop in the middle of generation 1: its first offspring ended, the second was running.
  const s1 = open();
  await new Promise<void>((resolve) => {
    const sub = evolve(sphere, (trial) => new Promise<number>((res) => setTimeout(() => res(sphereValue(trial.params)), 1)), { ...config, study: s1 }).subscribe((p) => {
      if (p.generation !== 1) return;
      p.members[1]!.events.subscribe((e) => {
        if (e.type !== 'trialCompleted') return;
        setTimeout(() => { sub.unsubscribe(); resolve(); }, 0);
      });
    });
  });
  t.equal(s1.trials().filter((tr) => tr.error === 'cancelled').length, 1, 'one member of generation 1 was cut short');
  const evaluated: number[] = [];
  const resumed = await lastValueFrom(
    evolve(sphere, (trial) => { evaluated.push(trial.number); return sphereValue(trial.params); }, { ...config, study: open() }).pipe(map((p) => p.members.map((m) => m.params)), toArray()),
  );
  t.same(resumed, full, 'the resumed search has the populations of an uninterrupted one');
  t.equal(evaluated.length, 3 + 4 + 4, 'only what was missing ran: 3 members of generation 1, then generations 2 and 3');
  const attrs = s1.trials(['completed']).map((tr) => tr.attrs?.evolve as { generation: number });
  t.same([...new Set(attrs.map((a) => a.generation))], [0, 1, 2, 3], 'members carry their generation in attrs');
});

t.test('pruning applies to members; pruned members rank after completed ones', async (t) => {
  // A perverse pruner, to pin the ranking: it stops members whose loss after an epoch is below 8, so
  // pruned members carry lower (better) partial values than many completed ones.
  const pruner: Pruner = { name: 'below-8', shouldPrune: (trial) => (trial.intermediate.at(-1)?.[1] ?? Infinity) < 8 };
  const s = study({ name: 'pruned', direction: 'minimize', metric: 'loss', space: sphere, sampler: randomSampler({ seed: 0 }), pruner });
  const objective = (trial: Trial) =>
    from([0, 1, 2].map((epoch) => ({ type: 'epochEnd' as const, epoch, metrics: { loss: sphereValue(trial.params) + 2 - epoch } }))).pipe(prune(trial));
  const pops = await lastValueFrom(evolve(sphere, objective, { populationSize: 8, generations: 3, seed: 2, study: s }).pipe(toArray()));
  const done = await collect(pops);
  const kinds = done.flatMap((g) => g.members.map((m) => m.end.type));
  t.ok(kinds.includes('trialPruned') && kinds.includes('trialCompleted'), `both kinds of end (${kinds.filter((k) => k === 'trialPruned').length} pruned)`);
  const elite = done[1]!.members[0]!;
  t.equal(elite.end.type, 'trialCompleted', 'the elite is a completed member, not a pruned one with a lower partial value');
});

t.test('better than random search on Branin with the same budget (median of 10 seeds)', async (t) => {
  const branin = space({ x0: uniform(-5, 10), x1: uniform(0, 15) });
  const f = (p: Params) => {
    const x1 = p.x0 as number, x2 = p.x1 as number;
    const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, tt = 1 / (8 * Math.PI);
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - tt) * Math.cos(x1) + 10 - 0.397887;
  };
  const ga: number[] = [];
  const rnd: number[] = [];
  for (let seed = 0; seed < 10; seed++) {
    let evals = 0;
    let best = Infinity;
    await lastValueFrom(evolve(branin, (trial) => { evals++; const v = f(trial.params); best = Math.min(best, v); return v; }, { populationSize: 10, generations: 10, seed, crossover: 'blend', mutationScale: 0.05 }));
    ga.push(best);
    const r = createRandom(seed + 1000);
    let rb = Infinity;
    for (let i = 0; i < evals; i++) rb = Math.min(rb, f(branin.sample(r)));
    rnd.push(rb);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  t.ok(median(ga) < median(rnd) / 3, `median regret: genetic ${median(ga).toExponential(2)} vs random ${median(rnd).toExponential(2)}`);
});

t.test('config errors name the field', async (t) => {
  const obj = () => 0;
  t.throws(() => evolve(sphere, obj, { populationSize: 1, generations: 2 }), /'populationSize' must be at least 2/);
  t.throws(() => evolve(sphere, obj, { populationSize: 4, generations: 0 }), /'generations' must be a positive integer/);
  t.throws(() => evolve(sphere, obj, { populationSize: 4, generations: 2, elitism: 4 }), /'elitism' must be less than populationSize/);
  t.throws(() => evolve(sphere, obj, { populationSize: 4, generations: 2, selection: 'roulette' as never }), /'selection' must be one of 'tournament', 'truncation'/);
  t.throws(() => evolve(sphere, obj, { populationSize: 4, generations: 2, mutationRate: 2 }), /'mutationRate' must be in \[0, 1\]/);
  t.throws(() => evolve(sphere, obj, { populationSize: 4, generations: 2, popSize: 3 } as never), /'popSize' is not a known option/);
  t.throws(() => evolve({} as never, obj, { populationSize: 4, generations: 2 }), /'space' must be a search space/);
});

t.test("a member replayed from the storage ends with the same event as when it ran (the study's endEvent)", async (t) => {
  const pruner: Pruner = { name: 'below-8', shouldPrune: (trial) => (trial.intermediate.at(-1)?.[1] ?? Infinity) < 8 };
  const s = study({ name: 'replayed', direction: 'minimize', metric: 'loss', space: sphere, sampler: randomSampler({ seed: 0 }), pruner });
  const objective = (trial: Trial) =>
    from([0, 1, 2].map((epoch) => ({ type: 'epochEnd' as const, epoch, metrics: { loss: sphereValue(trial.params) + 2 - epoch } }))).pipe(prune(trial));
  const config = { populationSize: 6, generations: 2, seed: 2, study: s };
  const ends = async (pops: Population<Params>[]) =>
    (await collect(pops)).flatMap((g) => g.members.map((m) => ({ ...m.end, durationMs: 0 })));
  const ran = await ends(await lastValueFrom(evolve(sphere, objective, config).pipe(toArray())));
  const runs = s.trials().length;
  const replayed = await ends(await lastValueFrom(evolve(sphere, () => { throw new Error('nothing should run again'); }, config).pipe(toArray())));
  t.equal(s.trials().length, runs, 'every member came from the storage');
  t.ok(ran.some((e) => e.type === 'trialPruned' && e.step !== undefined), 'live pruned members name their last step');
  t.same(replayed, ran, 'replayed ends equal the live ones (pruned ones with their step)');
});
