/**
 * The one contract every Pruner passes, whatever its rule. A pruner's own test file calls
 * `prunerContract(t, make)` with a factory for a pruner whose startup and warm-up suit histories of
 * 64 steps (0..63) and 40 completed trials.
 */
import type { Test } from 'tap';
import type { Direction, FrozenTrial, Pruner, TrialState } from '../../../lib/search/types.js';

/** A frozen trial record from a curve: `curve[i]` is the value at step i. */
export function record(number: number, state: TrialState, curve: readonly number[], value?: number): FrozenTrial {
  return Object.freeze({
    number,
    state,
    params: Object.freeze({}),
    intermediate: Object.freeze(curve.map((v, i) => Object.freeze([i, v] as const))),
    ...(value !== undefined ? { value } : state === 'completed' && curve.length ? { value: curve[curve.length - 1]! } : {}),
  });
}

export const STEPS = 64;
/** A decreasing loss curve with a per-trial offset: lower offset, better trial. */
export const curve = (offset: number, steps = STEPS, sign = 1) => Array.from({ length: steps }, (_, i) => sign * (offset + 10 / (i + 1)));

/** Feed the trial its curve one step at a time, as prune(trial) does; the step it is pruned at, or undefined. */
export function prunedAt(pruner: Pruner, number: number, values: readonly number[], history: readonly FrozenTrial[], direction: Direction): number | undefined {
  for (let k = 1; k <= values.length; k++) {
    const me = record(number, 'running', values.slice(0, k));
    if (pruner.shouldPrune(me, [...history, me], direction)) return k - 1;
  }
  return undefined;
}

export interface PrunerContractOptions {
  /**
   * The pruner's rule is absolute (thresholdPruner: bounds, not other trials), so a trial alone in its
   * study is judged as any other: the contract then checks that its answer does not depend on the
   * other trials, instead of "never pruned alone".
   */
  readonly absolute?: boolean;
  /**
   * The curve (minimize form: lower is better; negated for maximize) of the trial that is worse than all
   * others, when the rule needs a particular shape to act on (patientPruner never judges a trial that
   * keeps improving, so its worst trial must stall). Default: `curve(100)`, decreasing.
   */
  readonly worst?: readonly number[];
}

export function prunerContract(t: Test, make: () => Pruner, options: PrunerContractOptions = {}): void {
  const history = (direction: Direction): FrozenTrial[] =>
    Array.from({ length: 40 }, (_, i) => record(i, 'completed', curve(1 + (i % 10) / 10, STEPS, direction === 'minimize' ? 1 : -1)));

  t.test('contract: has a name', async (t) => {
    const p = make();
    t.type(p.name, 'string');
    t.ok(p.name.length > 0);
  });

  t.test('contract: a trial with no report is never pruned', async (t) => {
    for (const direction of ['minimize', 'maximize'] as const) {
      const me = record(40, 'running', []);
      t.equal(make().shouldPrune(me, [...history(direction), me], direction), false, direction);
    }
  });

  if (options.absolute) {
    t.test('contract: an absolute rule answers the same alone as among other trials', async (t) => {
      for (const direction of ['minimize', 'maximize'] as const) {
        const sign = direction === 'minimize' ? 1 : -1;
        for (const offset of [0, 1.45, 100]) {
          t.equal(prunedAt(make(), 0, curve(offset, STEPS, sign), [], direction), prunedAt(make(), 40, curve(offset, STEPS, sign), history(direction), direction), `${direction}, offset ${offset}`);
        }
      }
    });
  } else {
    t.test('contract: a trial alone in its study is never pruned', async (t) => {
      for (const direction of ['minimize', 'maximize'] as const) {
        t.equal(prunedAt(make(), 0, curve(100), [], direction), undefined, direction);
      }
    });
  }

  t.test('contract: a trial worse than all others is pruned, in both directions', async (t) => {
    for (const number of [40, 41, 42, 43, 44]) {
      const worst = options.worst ?? curve(100);
      t.type(prunedAt(make(), number, worst, history('minimize'), 'minimize'), 'number', `minimize, trial ${number}`);
      t.type(prunedAt(make(), number, worst.map((v) => -v), history('maximize'), 'maximize'), 'number', `maximize, trial ${number}`);
    }
  });

  t.test('contract: a trial better than all others is never pruned', async (t) => {
    for (const number of [40, 41, 42, 43, 44]) {
      t.equal(prunedAt(make(), number, curve(0), history('minimize'), 'minimize'), undefined, `minimize, trial ${number}`);
      t.equal(prunedAt(make(), number, curve(0, STEPS, -1), history('maximize'), 'maximize'), undefined, `maximize, trial ${number}`);
    }
  });

  t.test('contract: the same question gets the same answer (no hidden state)', async (t) => {
    const p = make();
    const h = history('minimize');
    const answers = (): boolean[] =>
      Array.from({ length: 20 }, (_, k) => {
        const me = record(40, 'running', curve(1.45).slice(0, k + 1));
        return p.shouldPrune(me, [...h, me], 'minimize');
      });
    const first = answers();
    prunedAt(p, 41, curve(100), h, 'minimize');
    t.same(answers(), first);
    t.same(answers(), (() => { const q = make(); return Array.from({ length: 20 }, (_, k) => { const me = record(40, 'running', curve(1.45).slice(0, k + 1)); return q.shouldPrune(me, [...h, me], 'minimize'); }); })(), 'a fresh pruner agrees');
  });

  t.test('contract: any mix of trial states in the history is fine', async (t) => {
    const states: TrialState[] = ['waiting', 'running', 'completed', 'pruned', 'failed'];
    const mixed = Array.from({ length: 30 }, (_, i) => record(i, states[i % 5]!, states[i % 5] === 'waiting' ? [] : curve(1 + i / 30, 3 + (i % 7) * 9)));
    const me = record(30, 'running', curve(2, 10));
    t.doesNotThrow(() => make().shouldPrune(me, [...mixed, me], 'minimize'));
    t.doesNotThrow(() => make().shouldPrune(me, mixed, 'maximize'), 'the trial itself need not be in the list');
  });
}
