/**
 * A storage that keeps studies in this process's memory: the default for a study, and the fastest.
 * It follows every rule of {@link Storage}; being in-process, it never finds interrupted trials (rule
 * 8): its trials die with it.
 */
import { Subject, filter, map, type Observable } from 'rxjs';
import type { FrozenTrial, Params, TrialState } from '../search/types.js';
import type { NewTrial, OpenedStudy, Storage, StudyRecord, StudySpec, TrialOutcome } from './storage.js';
import {
  checkAttrs,
  checkParamsUnset,
  checkReport,
  checkRunning,
  checkSameStudy,
  checkStudyName,
  finishFields,
  freezeStudy,
  freezeTrial,
  missingStudy,
  missingTrial,
  storageError,
} from './rules.js';

interface StudyData {
  readonly record: StudyRecord;
  /** Index = trial number; each entry is the current frozen record (replaced on every write). */
  readonly trials: FrozenTrial[];
  /** Per trial number, the metrics reported with each step. */
  readonly metrics: Map<number, Array<readonly [number, Readonly<Record<string, number>>]>>;
}

const KIND = 'memory';

/**
 * Make an in-memory storage.
 *
 * @example
 * ```ts
 * import { memoryStorage, study } from 'rxtrain';
 * const storage = memoryStorage();
 * const s = study({ name: 'demo', direction: 'minimize', storage, space, sampler });
 * ```
 */
export function memoryStorage(): Storage {
  const studies = new Map<string, StudyData>();
  // Every write, for `watch` (followers in this process).
  const writes = new Subject<{ study: string; trial: number }>();
  let closed = false;

  const open = (): void => {
    if (closed) throw storageError('memory storage: it was closed');
  };
  const studyData = (name: string): StudyData => {
    open();
    const data = studies.get(name);
    if (!data) throw missingStudy(KIND, name);
    return data;
  };
  const trialOf = (name: string, n: number): { data: StudyData; trial: FrozenTrial } => {
    const data = studyData(name);
    const trial = Number.isInteger(n) ? data.trials[n] : undefined;
    if (!trial) throw missingTrial(KIND, name, n);
    return { data, trial };
  };
  const replace = (data: StudyData, trial: FrozenTrial, changes: Partial<Parameters<typeof freezeTrial>[0]>): FrozenTrial => {
    const next = freezeTrial({ ...trial, ...changes });
    data.trials[trial.number] = next;
    writes.next({ study: data.record.name, trial: trial.number });
    return next;
  };

  return {
    kind: KIND,

    openStudy(spec: StudySpec, now: number): OpenedStudy {
      open();
      const name = checkStudyName(KIND, spec.name);
      const existing = studies.get(name);
      if (existing) {
        checkSameStudy(KIND, existing.record, spec);
        return { study: existing.record, interrupted: [] };
      }
      const record: StudyRecord = freezeStudy({ ...spec, name, createdAt: now });
      studies.set(name, { record, trials: [], metrics: new Map() });
      return { study: record, interrupted: [] };
    },

    listStudies(): readonly StudyRecord[] {
      open();
      return [...studies.values()].map((d) => d.record);
    },

    createTrial(name: string, init: NewTrial): FrozenTrial {
      const data = studyData(name);
      if (init.state !== 'waiting' && init.state !== 'running') {
        throw storageError(`memory storage: a trial is created waiting or running, not ${String(init.state)}`);
      }
      const trial = freezeTrial({
        number: data.trials.length,
        state: init.state,
        params: init.params ?? {},
        intermediate: [],
        startedAt: init.state === 'running' ? init.now : undefined,
        attrs: init.attrs ? checkAttrs(KIND, init.attrs) : undefined,
      });
      data.trials.push(trial);
      writes.next({ study: name, trial: trial.number });
      return trial;
    },

    claimWaitingTrial(name: string, now: number): FrozenTrial | undefined {
      const data = studyData(name);
      const waiting = data.trials.find((t) => t.state === 'waiting');
      return waiting ? replace(data, waiting, { state: 'running', startedAt: now }) : undefined;
    },

    setTrialParams(name: string, n: number, params: Params): FrozenTrial {
      const { data, trial } = trialOf(name, n);
      checkParamsUnset(KIND, name, trial);
      return replace(data, trial, { params });
    },

    reportIntermediate(name: string, n: number, step: number, value: number, metrics?: Readonly<Record<string, number>>, now?: number): FrozenTrial {
      const { data, trial } = trialOf(name, n);
      checkRunning(KIND, name, n, trial.state, 'report to');
      const existing = trial.intermediate.find((p) => p[0] === step);
      if (!checkReport(KIND, name, n, step, value, existing?.[1], now)) return trial;
      if (metrics !== undefined) {
        let list = data.metrics.get(n);
        if (!list) data.metrics.set(n, (list = []));
        list.push([step, Object.freeze({ ...metrics })]);
      }
      const intermediate = [...trial.intermediate, [step, value] as const].sort((a, b) => a[0] - b[0]);
      const stepTimes = now === undefined ? trial.stepTimes : [...(trial.stepTimes ?? []), [step, now] as const].sort((a, b) => a[0] - b[0]);
      return replace(data, trial, { intermediate, stepTimes });
    },

    finishTrial(name: string, n: number, outcome: TrialOutcome): FrozenTrial {
      const { data, trial } = trialOf(name, n);
      return replace(data, trial, finishFields(KIND, name, trial, outcome));
    },

    setTrialAttrs(name: string, n: number, attrs: Readonly<Record<string, unknown>>): FrozenTrial {
      const { data, trial } = trialOf(name, n);
      return replace(data, trial, { attrs: { ...trial.attrs, ...checkAttrs(KIND, attrs) } });
    },

    getTrial(name: string, n: number): FrozenTrial | undefined {
      const data = studyData(name);
      return Number.isInteger(n) ? data.trials[n] : undefined;
    },

    getTrials(name: string, states?: readonly TrialState[]): readonly FrozenTrial[] {
      const data = studyData(name);
      return states ? data.trials.filter((t) => states.includes(t.state)) : [...data.trials];
    },

    trialMetrics(name: string, n: number): ReadonlyArray<readonly [number, Readonly<Record<string, number>>]> {
      const data = studyData(name);
      return [...(data.metrics.get(n) ?? [])].sort((a, b) => a[0] - b[0]);
    },

    watch(name: string): Observable<number> {
      return writes.pipe(
        filter((c) => c.study === name),
        map((c) => c.trial),
      );
    },

    close(): void {
      closed = true;
      writes.complete();
      studies.clear();
    },
  };
}
