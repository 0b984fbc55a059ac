import t from 'tap';
import { hyperbandPruner } from '../../../lib/search/pruners/hyperband-pruner.js';
import { successiveHalvingPruner } from '../../../lib/search/pruners/successive-halving-pruner.js';
import { prunerContract, record } from './pruner-contract.js';

prunerContract(t, () => hyperbandPruner({ minResource: 1, maxResource: 16, reductionFactor: 2 }));

t.test('hyperband: number of brackets and their shares', async (t) => {
  t.equal(hyperbandPruner({ maxResource: 27 }).brackets, 4, 'log3(27) + 1, exactly');
  t.equal(hyperbandPruner({ maxResource: 26 }).brackets, 3);
  t.equal(hyperbandPruner({ minResource: 5, maxResource: 5 }).brackets, 1);
  const p = hyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
  // budgets ⌈4·3^s/(s+1)⌉ for s = 3, 2, 1, 0: 27, 12, 6, 4 of 49.
  const counts = [0, 0, 0, 0];
  for (let n = 0; n < 49_000; n++) counts[p.bracketOf(n)]!++;
  const shares = counts.map((c) => c / 49_000);
  [27, 12, 6, 4].forEach((b, i) => t.ok(Math.abs(shares[i]! - b / 49) < 0.01, `bracket ${i}: ${shares[i]} ≈ ${b / 49}`));
});

t.test('hyperband: the bracket depends only on the seed and the trial number', async (t) => {
  const a = hyperbandPruner({ maxResource: 27 });
  const b = hyperbandPruner({ maxResource: 27 });
  const c = hyperbandPruner({ maxResource: 27, seed: 1 });
  const seq = (p: typeof a) => Array.from({ length: 50 }, (_, n) => p.bracketOf(n));
  t.same(seq(a), seq(b));
  t.notSame(seq(a), seq(c));
});

t.test('hyperband: a trial is judged by its bracket, against its bracket only', async (t) => {
  const p = hyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
  const numbers = Array.from({ length: 200 }, (_, n) => n);
  const inBracket = (b: number) => numbers.filter((n) => p.bracketOf(n) === b);
  const [me, peer] = inBracket(0);
  const outsider = inBracket(1)[0]!;
  const good = Array(30).fill(0);
  // Only a much better trial from another bracket: trial `me` is alone in its bracket, so it goes on.
  t.equal(p.shouldPrune(record(me!, 'running', [1, 1]), [record(outsider, 'completed', good)], 'minimize'), false);
  // The same history in its own bracket: judged as ASHA with s = 0 would.
  const h = [record(peer!, 'completed', good)];
  const sh = successiveHalvingPruner({ minResource: 1, reductionFactor: 3, minEarlyStoppingRate: 0 });
  const mine = record(me!, 'running', [1, 1]);
  t.equal(p.shouldPrune(mine, h, 'minimize'), true);
  t.equal(sh.shouldPrune(mine, h, 'minimize'), true);
  // Bracket 2 starts judging at step 1·3² = 9.
  const [late, latePeer] = inBracket(2);
  const hist = [record(latePeer!, 'completed', good)];
  const at = (k: number) => p.shouldPrune(record(late!, 'running', Array(k + 1).fill(1)), hist, 'minimize');
  t.same([1, 3, 8, 9].map(at), [false, false, false, true]);
});

t.test('hyperband: config errors name the field', async (t) => {
  t.throws(() => hyperbandPruner({} as never), /hyperbandPruner\(\): option 'maxResource' is required/);
  t.throws(() => hyperbandPruner({ maxResource: 0 }), /option 'maxResource'/);
  t.throws(() => hyperbandPruner({ minResource: 4, maxResource: 3 }), /option 'maxResource' must be ≥ minResource \(4\)/);
  t.throws(() => hyperbandPruner({ maxResource: 9, reductionFactor: 1 }), /option 'reductionFactor'/);
  t.throws(() => hyperbandPruner({ maxResource: 9, seed: 'a' as never }), /option 'seed'/);
  t.throws(() => hyperbandPruner({ maxResource: 9, minEarlyStoppingRate: 1 } as never), /not a known option/);
});
