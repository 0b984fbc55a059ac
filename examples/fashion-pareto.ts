/**
 * Accuracy against size on Fashion-MNIST: NSGA-II searches MLPs (depth, width, learning rate) for the
 * Pareto front of validation accuracy (up) against parameter count (down, the ready metric 'params').
 * A quick budget: 8k training images, 2k for validation, 3 epochs, 24 trials.
 *
 *   apt-get install dataset-fashion-mnist     # the data, once
 *   node --conditions=rxtrain-source --import=tsx examples/fashion-pareto.ts [trials] [--monitor]
 *
 * With --monitor, the dashboard's "Pareto front" and "importance" tabs show the search live, and the
 * monitor stays up after it (Ctrl-C ends the program).
 */
import { defer, filter, finalize, identity, lastValueFrom, tap } from 'rxjs';
import { study, space, int, logUniform, nsga2Sampler, hypervolume, train, mlp, fashionMnist, split, startMonitor, useBackend } from 'rxtrain';
import { monitorTap } from 'rxtrain/operators';

const args = process.argv.slice(2);
const trials = Number(args.find((a) => !a.startsWith('--')) ?? 24);
const monitor = args.includes('--monitor') ? await startMonitor() : undefined;
if (monitor) console.log(`dashboard: ${monitor.url}`);
const backend = await useBackend('auto');
const { train: trainSet, validation } = split(fashionMnist({ limit: 10_000 }).train, { validation: 2000, test: 0, seed: 1 });
console.log(`backend ${backend.name}; ${trainSet.length} train, ${validation.length} validation images; ${trials} trials`);

const s = study({
  name: 'fashion-pareto',
  directions: ['maximize', 'minimize'],
  metrics: ['val_accuracy', 'params'],
  space: space({ layers: int(1, 3), units: int(4, 256, { log: true }), lr: logUniform(3e-4, 1e-2) }),
  sampler: nsga2Sampler({ seed: 1, populationSize: 8 }),
});

const started = Date.now();
await lastValueFrom(
  s
    .optimize(
      (trial) =>
        defer(() => {
          const { layers, units, lr } = trial.params;
          const model = mlp({ inputShape: [28, 28, 1], units: Array.from({ length: layers }, (_, i) => Math.max(4, units >> i)), classes: 10, seed: trial.seed });
          return train(model, trainSet, { epochs: 3, batchSize: 128, validation, optimizer: { name: 'adam', lr }, seed: trial.seed }).pipe(finalize(() => model.dispose()));
        }),
      { trials },
    )
    .pipe(
      monitor ? monitorTap(monitor, { run: 'fashion-pareto' }) : identity,
      filter((e) => e.type === 'paretoFrontChanged'),
      tap((e) => e.type === 'paretoFrontChanged' && console.log(`trial ${e.trial} joins the front: val_accuracy ${e.values[0]!.toFixed(4)}, ${e.values[1]} parameters (front: ${e.front.join(', ')})`)),
    ),
);

const front = [...s.paretoFront()].sort((a, b) => a.values![1]! - b.values![1]!);
console.log(`\n${s.trials(['completed']).length} trials in ${((Date.now() - started) / 1000).toFixed(0)} s; the front, smallest first:`);
for (const t of front) {
  const { layers, units, lr } = t.params as { layers: number; units: number; lr: number };
  console.log(`  ${String(t.values![1]).padStart(7)} parameters  val_accuracy ${t.values![0]!.toFixed(4)}  (layers ${layers}, units ${units}, lr ${lr.toPrecision(2)})`);
}
// Accuracy up, parameters down: as losses (−accuracy, parameters), against (0, 300k) — accuracy 0 at 300k parameters.
console.log(`hypervolume ${hypervolume(front.map((t) => [-t.values![0]!, t.values![1]!]), [0, 300_000]).toFixed(0)}`);
if (monitor) console.log(`the dashboard stays up at ${monitor.url} (Ctrl-C to end)`);
