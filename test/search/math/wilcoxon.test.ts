import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRandom } from '../../../lib/random.js';
import { averageRanks, signedRankTest, type SignedRankAlternative } from '../../../lib/search/math/wilcoxon.js';

const close = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.abs(b) + 1e-15;

t.test('ranks: ties get their average rank', async (t) => {
  t.same(averageRanks([3, 1, 4, 1, 5]), { ranks: [3, 1.5, 4, 1.5, 5], tieGroups: [2] });
  t.same(averageRanks([2, 2, 2]), { ranks: [2, 2, 2], tieGroups: [3] });
});

t.test('exact null distribution: critical values of the standard tables', async (t) => {
  // One-sided P(R+ ≤ T): n = 10, T = 10 → 0.0420, T = 11 → 0.0527 (so 10 is the 5% critical value);
  // n = 20: T = 60 → 0.0487, 61 → 0.0527 (5%); T = 52 → 0.0242, 51 → 0.0220 (2.5%). A 'less' test
  // with R+ = T gives P(R+ ≤ T).
  const withRPlus = (n: number, rPlus: number): number[] => {
    // Differences ±1…±n with the positive ones summing to rPlus (greedy from the largest rank).
    const d = Array.from({ length: n }, (_, i) => -(i + 1));
    let left = rPlus;
    for (let r = n; r >= 1 && left > 0; r--) if (r <= left) { d[r - 1] = r; left -= r; }
    return d;
  };
  const cases: Array<[number, number, number]> = [[10, 10, 43 / 1024], [10, 11, 54 / 1024], [20, 60, 51017 / 2 ** 20], [20, 61, 55259 / 2 ** 20], [20, 52, 25397 / 2 ** 20], [20, 51, 23097 / 2 ** 20]];
  for (const [n, T, p] of cases) {
    const r = signedRankTest(withRPlus(n, T), 'less');
    t.equal(r.method, 'exact');
    t.equal(r.statistic, T);
    t.ok(close(r.pValue, p, 1e-8), `n ${n}, R+ ${T}: ${r.pValue} vs ${p}`);
  }
  t.equal(signedRankTest([1, 2, 3, 4], 'greater').pValue, 1 / 16, 'all four positive: 1 pattern in 16');
  t.equal(signedRankTest([-1, 2, -3, 4, -5, 6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16, 17, -18, 19, -20, 21, -22, 23, -24, 25, -26, 27, -28, 29, -30, 31, -32, 33, -34, 35, -36, 37, -38, 39, -40, 41, -42, 43, -44, 45, -46, 47, -48, 49, -50], 'greater').method, 'exact', 'exact up to n = 50');
});

t.test('normal approximation with zeros and ties; method boundaries', async (t) => {
  t.equal(signedRankTest([1, 1, 2, 3], 'greater').method, 'normal', 'a tie');
  t.equal(signedRankTest([0, 1, 2, 3], 'greater').method, 'normal', 'a zero');
  t.equal(signedRankTest(Array.from({ length: 51 }, (_, i) => i + 1), 'greater').method, 'normal', 'n = 51');
  const zeros = signedRankTest([0, 0, 0, 0], 'greater');
  t.equal(zeros.statistic, 5, 'zeros split: half of 1 + 2 + 3 + 4... all ranked 2.5, so 4 · 2.5 / 2');
  t.ok(close(zeros.pValue, 0.5, 1e-6), 'all zeros: no evidence either way');
  t.throws(() => signedRankTest([], 'greater'), RangeError);
  t.throws(() => signedRankTest([1, Number.NaN], 'greater'), RangeError);
});

// Against SciPy (Debian's python3-scipy, through /usr/bin/python3) on random cases of every kind.
const PYTHON = '/usr/bin/python3';
const hasScipy = spawnSync(PYTHON, ['-c', 'import scipy.stats'], { encoding: 'utf8' }).status === 0;

t.test('p-values equal SciPy\'s wilcoxon(zero_method="zsplit")', { skip: hasScipy ? false : `${PYTHON} cannot import scipy (apt-get install python3-scipy to run this check)` }, async (t) => {
  const random = createRandom(18);
  const alternatives: SignedRankAlternative[] = ['greater', 'less', 'two-sided'];
  const cases: Array<{ d: number[]; alt: SignedRankAlternative }> = [];
  for (let k = 0; k < 240; k++) {
    const n = 1 + random.int(k % 3 === 0 ? 80 : 30);
    const kind = k % 4; // 0: continuous, 1: small integers (ties and zeros), 2: shifted continuous, 3: 0/1 losses
    const d = Array.from({ length: n }, () => {
      if (kind === 0) return random.normal();
      if (kind === 1) return random.int(7) - 3;
      if (kind === 2) return random.normal() + 0.7;
      return random.int(2) - random.int(2);
    });
    cases.push({ d, alt: alternatives[k % 3]! });
  }
  const ours = cases.map((c) => signedRankTest(c.d, c.alt));
  const script = [
    'import json, sys, warnings',
    'from scipy import stats',
    "warnings.simplefilter('ignore')",
    'out = []',
    'for c in json.load(sys.stdin):',
    "    r = stats.wilcoxon(c['d'], alternative=c['alt'], zero_method='zsplit', method=c['method'])",
    '    out.append([float(r.statistic), float(r.pvalue)])',
    'print(json.dumps(out))',
  ].join('\n');
  // SciPy returns min(R+, R−) for two-sided tests; ask it with the method we chose.
  const input = JSON.stringify(cases.map((c, i) => ({ ...c, method: ours[i]!.method === 'exact' ? 'exact' : 'approx' })));
  const theirs = JSON.parse(execFileSync(PYTHON, ['-c', script], { input, encoding: 'utf8' })) as Array<[number, number]>;
  let exact = 0;
  let mismatches = 0;
  cases.forEach((c, i) => {
    const r = ours[i]!;
    const [stat, p] = theirs[i]!;
    const n = c.d.length;
    const rMinus = (n * (n + 1)) / 2 - r.statistic;
    const statOk = c.alt === 'two-sided' ? stat === Math.min(r.statistic, rMinus) : stat === r.statistic;
    // erfc's relative error is 1.2e-7; an exact p-value is a ratio of integer counts.
    const pOk = r.method === 'exact' ? close(r.pValue, p, 1e-12) : close(r.pValue, p, 1e-6);
    if (r.method === 'exact') exact++;
    if (!statOk || !pOk) {
      mismatches++;
      t.fail(`case ${i} (n ${n}, ${c.alt}, ${r.method}): ours R+ ${r.statistic} p ${r.pValue}, SciPy ${stat} p ${p}`);
    }
  });
  t.equal(mismatches, 0, `${cases.length} cases, ${exact} exact`);
  t.ok(exact > 40 && exact < cases.length - 40, 'both methods exercised');
});
