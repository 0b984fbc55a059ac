/** Tiny stand-ins for a space and a sampler, so the study tests do not depend on lib/search. */
import type { FrozenTrial, Params, Pruner, Sampler, SearchSpaceLike } from '../../lib/search/types.js';

/** One float parameter x in [-5, 5]. */
export const xSpace: SearchSpaceLike = {
  params: [{ name: 'x', distribution: { kind: 'float', low: -5, high: 5, log: false } }],
  isActive: () => true,
};

/** A space with a `problems` check, as lib/search's SearchSpace has. */
export const checkedSpace = {
  ...xSpace,
  validate: (p: unknown): p is { x: number } => checkedSpace.problems(p).length === 0,
  problems: (p: unknown): string[] => {
    const x = (p as Params).x;
    return typeof x === 'number' && x >= -5 && x <= 5 ? [] : [`x: ${String(x)} is not in [-5, 5]`];
  },
};

/** x = trial number mod 11, minus 5: predictable parameters. Records what it was shown. */
export function stepSampler(): Sampler & { seen: Array<{ number: number; trials: number[] }> } {
  const seen: Array<{ number: number; trials: number[] }> = [];
  return {
    name: 'step',
    seen,
    sample(_space, trials, context) {
      seen.push({ number: context.trialNumber, trials: trials.map((t) => t.number) });
      return { x: (context.trialNumber % 11) - 5 };
    },
  };
}

/** Prunes when the trial's last intermediate value is above `limit`. */
export function thresholdPruner(limit: number): Pruner & { calls: number } {
  const p = {
    name: 'threshold',
    calls: 0,
    shouldPrune(trial: FrozenTrial): boolean {
      p.calls++;
      const last = trial.intermediate[trial.intermediate.length - 1];
      return last !== undefined && last[1] > limit;
    },
  };
  return p;
}

export const epochEnd = (epoch: number, metrics: Record<string, number>) =>
  ({ type: 'epochEnd', epoch, metrics: { loss: 0, ...metrics }, samples: 1, steps: 1, durationMs: 0 }) as const;
