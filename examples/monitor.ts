/**
 * Watch a search live, and steer it: a study of small MLPs on the bundled digits, three trials at a
 * time, every event sent to a monitor. Open the printed URL: curves of running trials, pruned ones
 * dashed, a table sortable by validation accuracy, and a stop button per running trial (the URL carries
 * the token). `rxtrain watch <url>` shows the same in a terminal.
 *
 *   node --conditions=rxtrain-source --import=tsx examples/monitor.ts            # serve until Ctrl-C
 *   node --conditions=rxtrain-source --import=tsx examples/monitor.ts --exit     # quit when done
 */
import { randomBytes } from 'node:crypto';
import { finalize, lastValueFrom } from 'rxjs';
import { digits, int, logUniform, medianPruner, mlp, optimizer, randomSampler, space, split, startMonitor, study, train, uniform, useBackend } from 'rxtrain';
import { controlledBy, holdWhile, monitorTap, prune } from 'rxtrain/operators';

await useBackend('auto');
const { train: trainSet, validation } = split(digits(), { validation: 0.2, test: 0, seed: 1 });

const token = process.env.RXTRAIN_MONITOR_TOKEN ?? randomBytes(9).toString('base64url');
const monitor = await startMonitor({ port: Number(process.env.PORT ?? 0), token });
console.log(`dashboard: ${monitor.url}?token=${token}`);
console.log(`terminal:  npx rxtrain watch ${monitor.url}`);

const s = study({
  name: 'digits-monitor',
  direction: 'maximize',
  metric: 'val_accuracy',
  space: space({ lr: logUniform(1e-3, 3e-2), units: int(16, 128, { log: true }), dropout: uniform(0, 0.4) }),
  sampler: randomSampler({ seed: 3 }),
  pruner: medianPruner({ nWarmupSteps: 4 }),
  seed: 3,
});

await lastValueFrom(
  s
    .optimize(
      (trial) => {
        const model = mlp({ inputShape: [64], units: [trial.params.units], dropout: trial.params.dropout, classes: 10, seed: trial.seed });
        const opt = optimizer({ name: 'adam', lr: trial.params.lr });
        return train(model, trainSet, { epochs: 30, optimizer: opt, validation, seed: trial.seed }).pipe(
          // 'pause all' on the dashboard holds trials that have not begun training yet (the page shows
          // those as paused: the monitor acknowledges each hold, naming the trial).
          holdWhile(monitor.paused('search', trial.number)),
          controlledBy(monitor.commands, { run: 'search', trial: trial.number, optimizer: opt }),
          prune(trial),
          finalize(() => {
            model.dispose();
            opt.dispose();
          }),
        );
      },
      { trials: 15, concurrency: 3 },
    )
    .pipe(monitorTap(monitor, { run: 'search' })),
);
const best = s.best();
console.log(`best: trial ${best?.number}, val_accuracy ${best?.value?.toFixed(4)}, ${JSON.stringify(best?.params)}`);
if (process.argv.includes('--exit')) await monitor.close();
else console.log('done; the dashboard stays up until Ctrl-C');
