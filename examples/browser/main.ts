/**
 * The browser example (docs/browser.md): a TPE + ASHA search over an MLP on the digits, in the page,
 * on the backend the URL asks for (`?backend=webgl|webgpu|wasm|cpu|auto`, default auto). Curves are
 * drawn by the monitor dashboard's chart, fed straight from the study's events; stop ends the search
 * (unsubscribing), pause holds each trial at its next epoch boundary, in the page or in its Web Worker
 * (a row's own button pauses that trial alone). With `?storage=indexeddb` the
 * study lives in IndexedDB: reload the page and it resumes. The page reports to its tests through
 * `window.rxtrainDemo` and console lines that start with `rxtrain:`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BehaviorSubject, combineLatest, distinctUntilChanged, finalize, map, tap, type Observable, type Subscription } from 'rxjs';
import {
  batches, indexedDbStorage, webWorkerObjective, int, logUniform, memoryStorage, mlp, parseDigits, split, study, successiveHalvingPruner, tpeSampler, uniform, useBackend, space,
  type BrowserBackendName, type Storage, type StudyEvent, type WorkerHold,
} from 'rxtrain';
import { epochEnd, epochs, holdWhile, trainStep } from 'rxtrain/operators';
import { color, createChart } from './chart.js';

const query = new URLSearchParams(location.search);
// `none`: the page chooses no backend, and the first training step chooses 'auto' itself.
const backend = (query.get('backend') ?? 'auto') as BrowserBackendName | 'auto' | 'none';
const trials = Number(query.get('trials') ?? 12);
const maxEpochs = Number(query.get('epochs') ?? 9);
const threads = query.has('threads') ? Number(query.get('threads')) : undefined;
/** `?workers=2`: trials run in that many Web Workers (examples/browser/trial-worker.ts), two at a time. */
const workers = Number(query.get('workers') ?? 0);
/** `?pruner=none`: every trial runs all its epochs (ASHA otherwise). */
const pruned = query.get('pruner') !== 'none';

/** What the page tells its tests (and a curious console). */
const demo = {
  backend: undefined as undefined | Awaited<ReturnType<typeof useBackend>>,
  crossOriginIsolated,
  events: [] as StudyEvent[],
  runStart: [] as string[],
  tensorsBefore: 0,
  tensorsAfter: undefined as number | undefined,
  /** The study's trials when the page opened it (from IndexedDB after a reload). */
  atOpen: [] as Array<{ number: number; state: string; value?: number }>,
  /** Per trial, the Web Worker that ran it (`?workers=`). */
  workers: [] as string[],
  /** What the workers acknowledged: a paused trial held at its epoch boundary, or released. */
  holds: [] as WorkerHold[],
  /** Resolves when the storage has written everything so far (IndexedDB writes behind). */
  flush: (): Promise<void> => Promise.resolve(),
  done: false,
  error: undefined as string | undefined,
};
Object.assign(window, { rxtrainDemo: demo });
const say = (line: string): void => {
  document.getElementById('status')!.textContent = line;
  console.log(`rxtrain: ${line}`);
};

async function loadDigits() {
  const response = await fetch('/data/digits.csv.gz');
  const text = await new Response(response.body!.pipeThrough(new DecompressionStream('gzip'))).text();
  return parseDigits(text, {}, 'digits.csv.gz');
}

async function openStorage(): Promise<Storage> {
  if (query.get('storage') !== 'indexeddb') return memoryStorage();
  const storage = await indexedDbStorage(query.get('db') ?? 'rxtrain-demo');
  demo.flush = () => storage.flush();
  return storage;
}

async function main(): Promise<void> {
  if (backend !== 'none') demo.backend = await useBackend(backend, { wasmPaths: '/rxtrain/vendor/', ...(threads ? { threads } : {}) });
  say(`backend ${demo.backend?.name ?? 'chosen by the first step'}${demo.backend?.threads ? ` (${demo.backend.threads} threads)` : ''}; crossOriginIsolated ${crossOriginIsolated}`);
  const { train: trainSet, validation } = split(await loadDigits(), { validation: 0.2, test: 0, seed: 1 });
  demo.tensorsBefore = tf.memory().numTensors;

  // Pause: the page's button pauses every trial, a row's button its own trial.
  const pausedAll = new BehaviorSubject(false);
  const pausedTrials = new BehaviorSubject<ReadonlySet<number>>(new Set());
  const pausedOf = (trial: number): Observable<boolean> =>
    combineLatest([pausedAll, pausedTrials]).pipe(map(([all, some]) => all || some.has(trial)), distinctUntilChanged());
  const s = study({
    name: 'digits-browser',
    direction: 'maximize',
    metric: 'val_accuracy',
    space: space({ lr: logUniform(1e-3, 3e-1), units: int(8, 128, { log: true }), dropout: uniform(0, 0.4) }),
    sampler: tpeSampler({ seed: 3 }),
    ...(pruned ? { pruner: successiveHalvingPruner({ minResource: 1, reductionFactor: 3 }) } : {}),
    storage: await openStorage(),
    seed: 3,
    onInterrupted: 'retry', // after a reload, the trial that was cut short runs again
  });
  demo.atOpen = s.trials().map((t) => ({ number: t.number, state: t.state, ...(t.value !== undefined ? { value: t.value } : {}) }));
  const finishedBefore = s.trials().filter((t) => t.state === 'completed' || t.state === 'pruned').length;
  if (demo.atOpen.length > 0) say(`resumed: ${demo.atOpen.length} trials in IndexedDB, ${finishedBefore} finished`);

  const chart = createChart(document.getElementById('chart')!);
  const curves = new Map<number, Array<[number, number]>>();
  const rows = new Map<number, HTMLTableRowElement>();
  const row = (trial: number): HTMLTableRowElement => {
    let r = rows.get(trial);
    if (!r) {
      r = document.createElement('tr');
      r.id = `trial-${trial}`;
      r.innerHTML = `<td>${trial}</td><td class="state">running</td><td class="value"></td><td><button class="pause">pause</button></td><td class="params"></td>`;
      r.querySelector<HTMLButtonElement>('.pause')!.onclick = (ev) => {
        const next = new Set(pausedTrials.value);
        if (!next.delete(trial)) next.add(trial);
        pausedTrials.next(next);
        (ev.target as HTMLButtonElement).textContent = next.has(trial) ? 'resume' : 'pause';
      };
      document.getElementById('trials')!.append(r);
      rows.set(trial, r);
    }
    return r;
  };
  const draw = (): void => {
    let bounds: { x0: number; x1: number; y0: number; y1: number; growing: boolean } | null = null;
    const live = [...curves].map(([trial, points]) => {
      for (const [x, y] of points) bounds = bounds ? { x0: Math.min(bounds.x0, x), x1: Math.max(bounds.x1, x), y0: Math.min(bounds.y0, y), y1: Math.max(bounds.y1, y), growing: true } : { x0: x, x1: x, y0: y, y1: y, growing: true };
      return { points, color: color(trial), width: 1.5 };
    });
    chart.draw({ fixed: [], live, bounds, log: false });
  };
  const show = (e: StudyEvent): void => {
    demo.events.push(e);
    if (e.type === 'trialStarted') row(e.trial).querySelector('.params')!.textContent = Object.entries(e.params).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(3)) : v}`).join(' ');
    if (e.type === 'epochEnd' && e.value !== undefined) {
      curves.set(e.trial, [...(curves.get(e.trial) ?? []), [e.epoch, e.value]]);
      row(e.trial).querySelector('.value')!.textContent = e.value.toFixed(4);
      draw();
    }
    if (e.type === 'trialCompleted' || e.type === 'trialPruned' || e.type === 'trialFailed') {
      row(e.trial).querySelector('.state')!.textContent = e.type.slice('trial'.length).toLowerCase();
      row(e.trial).querySelector('.pause')!.remove();
      console.log(`rxtrain: trial ${e.trial} ${e.type}`);
    }
    if (e.type === 'newBest') {
      for (const r of rows.values()) r.classList.remove('best');
      row(e.trial).classList.add('best');
    }
  };

  let sub: Subscription | undefined;
  const inWorkers = workers > 0 ? webWorkerObjective<{ lr: number; units: number; dropout: number }>({ url: `/trial-worker.js?epochs=${maxEpochs}`, workers, paused: pausedOf }) : undefined;
  // A worker says when a paused trial really holds (at its next epoch boundary), and when it goes on.
  inWorkers?.holds.subscribe((h) => {
    demo.holds.push(h);
    if (!rows.get(h.trial)?.querySelector('.pause')) return; // it ended
    row(h.trial).querySelector('.state')!.textContent = h.type === 'held' ? 'paused' : 'running';
  });
  const finished = (how: string): void => {
    inWorkers?.terminate();
    demo.workers = s.trials().map((t) => String(t.attrs?.worker));
    demo.tensorsAfter = tf.memory().numTensors;
    demo.done = true;
    const best = s.best();
    say(`${how}: ${s.trials().length} trials, best val_accuracy ${best?.value?.toFixed(4)} (trial ${best?.number}); tensors ${demo.tensorsBefore} → ${demo.tensorsAfter}`);
  };
  document.getElementById('stop')!.onclick = () => {
    sub?.unsubscribe();
    finished('stopped');
  };
  document.getElementById('pause')!.onclick = (ev) => {
    pausedAll.next(!pausedAll.value);
    (ev.target as HTMLButtonElement).textContent = pausedAll.value ? 'resume' : 'pause';
  };

  const remaining = trials - finishedBefore;
  if (remaining <= 0) return finished('done'); // a reload after the search ended: nothing left to run
  sub = s
    .optimize(inWorkers ?? ((trial) => {
      const model = mlp({ inputShape: [64], units: [trial.params.units], dropout: trial.params.dropout, classes: 10, seed: trial.seed });
      const optimizer = tf.train.adam(trial.params.lr);
      return batches(trainSet, { batchSize: 64, shuffle: true, seed: trial.seed }).pipe(
        holdWhile(pausedOf(trial.number)), // pause: the next epoch starts once resumed
        epochs(maxEpochs),
        trainStep(model, { optimizer, metrics: ['accuracy'] }),
        tap((e) => e.type === 'runStart' && demo.runStart.push(`${e.backend}${e.backendAutoChosen ? ' (auto-chosen)' : ''}`)), // the backend each trial ran on
        epochEnd({ model, validation, metrics: ['accuracy'] }),
        finalize(() => {
          model.dispose();
          optimizer.dispose();
        }),
      );
    }), { trials: remaining, concurrency: Math.max(1, workers) })
    .subscribe({
      next: show,
      error: (err: unknown) => {
        demo.error = String(err);
        say(`failed: ${String(err)}`);
      },
      complete: () => finished('done'),
    });
}

main().catch((err: unknown) => {
  demo.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
  say(`failed: ${demo.error}`);
});
