/**
 * The dashboard in the page (docs/browser.md, `mountDashboard()`): a small random search over an MLP on
 * the digits whose study events go through `monitorTap` to the monitor's dashboard drawn in this page,
 * with no server. The dashboard's stop, lr and pause buttons reach the trials through the dashboard's
 * own `commands` and `paused()`, as they would from a served monitor. `?backend=` (default auto),
 * `?trials=` (4), `?epochs=` (6). The page reports to its tests through `window.rxtrainMounted`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { finalize, tap } from 'rxjs';
import { int, logUniform, mlp, mountDashboard, optimizer, parseDigits, randomSampler, space, split, study, train, useBackend, type BrowserBackendName, type StudyEvent } from 'rxtrain';
import { controlledBy, holdWhile, monitorTap } from 'rxtrain/operators';

const query = new URLSearchParams(location.search);
const backend = (query.get('backend') ?? 'auto') as BrowserBackendName | 'auto';
const trials = Number(query.get('trials') ?? 4);
const maxEpochs = Number(query.get('epochs') ?? 6);

/** What the page tells its tests. */
const state = {
  backend: '',
  /** The study's events, as the page's subscriber got them. */
  events: [] as StudyEvent[],
  tensorsBefore: 0,
  /** The most tensors alive at an epoch's end (the trials' models and optimizers). */
  tensorsPeak: 0,
  tensorsAfter: undefined as number | undefined,
  done: false,
  error: undefined as string | undefined,
  destroy: (): void => undefined,
};
Object.assign(window, { rxtrainMounted: state });

async function main(): Promise<void> {
  state.backend = (await useBackend(backend, { wasmPaths: '/rxtrain/vendor/' })).name;
  const response = await fetch('/data/digits.csv.gz');
  const text = await new Response(response.body!.pipeThrough(new DecompressionStream('gzip'))).text();
  const { train: trainSet, validation } = split(parseDigits(text, {}, 'digits.csv.gz'), { validation: 0.2, test: 0, seed: 1 });
  state.tensorsBefore = tf.memory().numTensors;

  const dash = mountDashboard(document.getElementById('dashboard')!, { title: 'digits, in this page' });
  state.destroy = () => dash.destroy();
  const s = study({
    name: 'digits-mounted',
    direction: 'maximize',
    metric: 'val_accuracy',
    space: space({ lr: logUniform(1e-3, 3e-2), units: int(8, 64, { log: true }) }),
    sampler: randomSampler({ seed: 5 }),
    seed: 5,
  });
  s.optimize(
    (trial) => {
      const model = mlp({ inputShape: [64], units: [trial.params.units], classes: 10, seed: trial.seed });
      const opt = optimizer({ name: 'adam', lr: trial.params.lr });
      return train(model, trainSet, { epochs: maxEpochs, batchSize: 64, optimizer: opt, validation, seed: trial.seed }).pipe(
        holdWhile(dash.paused('digits', trial.number)), // 'pause all' on the dashboard
        controlledBy(dash.commands, { run: 'digits', trial: trial.number, optimizer: opt }), // a row's stop and lr…
        finalize(() => {
          model.dispose();
          opt.dispose();
        }),
      );
    },
    { trials },
  )
    .pipe(
      monitorTap(dash, { run: 'digits' }),
      tap((e) => {
        state.events.push(e);
        if (e.type === 'epochEnd') state.tensorsPeak = Math.max(state.tensorsPeak, tf.memory().numTensors);
      }),
    )
    .subscribe({
      error: (err: unknown) => {
        state.error = String(err);
      },
      complete: () => {
        state.tensorsAfter = tf.memory().numTensors;
        state.done = true;
      },
    });
}

main().catch((err: unknown) => {
  state.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
});
