/**
 * Ask-and-tell by hand: you own the loop, the study picks the parameters, records the results and
 * says when to give up on a trial. The objective is the Branin function (minimum 0.397887) seen
 * through a fake "training curve" that starts high and settles on the true value, so that the
 * median pruner has something to prune. Runs in about a second.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/ask-and-tell.ts
 */
import { study, space, uniform, tpeSampler, medianPruner } from 'rxtrain';

const s = study({
  name: 'branin',
  direction: 'minimize',
  space: space({ x1: uniform(-5, 10), x2: uniform(0, 15) }),
  sampler: tpeSampler({ seed: 7 }),
  pruner: medianPruner({ nStartupTrials: 5, nWarmupSteps: 2 }),
});

function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const steps = 10;
for (let i = 0; i < 60; i++) {
  const trial = s.ask();
  const { x1, x2 } = trial.params; // typed from the space: numbers
  const target = branin(x1, x2);
  let pruned = false;
  for (let step = 0; step < steps; step++) {
    trial.report(step, target + 20 / (step + 1)); // the curve a training run would report
    if (trial.shouldPrune()) {
      pruned = true;
      break;
    }
  }
  s.tell(trial, pruned ? 'pruned' : target);
}

const trials = s.trials();
const count = (state: string) => trials.filter((t) => t.state === state).length;
const best = s.best()!;
console.log(`${trials.length} trials: ${count('completed')} completed, ${count('pruned')} pruned`);
console.log(`steps run: ${trials.reduce((n, t) => n + t.intermediate.length, 0)} of ${trials.length * steps}`);
console.log(`best: trial ${best.number}, value ${best.value!.toFixed(4)} (optimum 0.3979) at x1=${(best.params.x1 as number).toFixed(3)} x2=${(best.params.x2 as number).toFixed(3)}`);
