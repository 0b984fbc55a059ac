/**
 * The checks behind the rules of {@link Storage}, shared by every implementation so that they fail
 * the same way with the same messages.
 */
import { RxtrainError } from '../errors.js';
import type { FrozenTrial, Params, TrialState } from '../search/types.js';
import type { StudyRecord, StudySpec, TrialOutcome } from './storage.js';

export function storageError(message: string, details: Record<string, unknown> = {}, cause?: unknown): RxtrainError {
  return new RxtrainError('STORAGE', message, details, cause === undefined ? undefined : { cause });
}

export function missingStudy(kind: string, study: string): RxtrainError {
  return storageError(`${kind} storage: no study named ${JSON.stringify(study)} (open it first)`, { study });
}

export function missingTrial(kind: string, study: string, trial: number): RxtrainError {
  return storageError(`${kind} storage: study ${JSON.stringify(study)} has no trial ${trial}`, { study, trial });
}

/** Rule 1: an existing study's objective cannot change. */
export function checkSameStudy(kind: string, stored: StudyRecord, spec: StudySpec): void {
  if (stored.direction !== spec.direction) {
    throw storageError(
      `${kind} storage: study ${JSON.stringify(spec.name)} exists with direction '${stored.direction}', not '${spec.direction}'`,
      { study: spec.name, field: 'direction', stored: stored.direction, given: spec.direction },
    );
  }
  if ((stored.metric ?? undefined) !== (spec.metric ?? undefined)) {
    throw storageError(
      `${kind} storage: study ${JSON.stringify(spec.name)} exists with metric ${JSON.stringify(stored.metric ?? null)}, not ${JSON.stringify(spec.metric ?? null)}`,
      { study: spec.name, field: 'metric', stored: stored.metric, given: spec.metric },
    );
  }
  for (const field of ['directions', 'metrics'] as const) {
    const was = JSON.stringify(stored[field] ?? null);
    const now = JSON.stringify(spec[field] ?? null);
    if (was !== now) {
      throw storageError(`${kind} storage: study ${JSON.stringify(spec.name)} exists with ${field} ${was}, not ${now}`, {
        study: spec.name,
        field,
        stored: stored[field],
        given: spec[field],
      });
    }
  }
}

/** A study record with absent optional fields left out, frozen. */
export function freezeStudy(fields: StudySpec & { readonly createdAt: number }): StudyRecord {
  return Object.freeze({
    name: fields.name,
    direction: fields.direction,
    ...(fields.metric !== undefined ? { metric: fields.metric } : {}),
    ...(fields.directions !== undefined ? { directions: Object.freeze([...fields.directions]) } : {}),
    ...(fields.metrics !== undefined ? { metrics: Object.freeze([...fields.metrics]) } : {}),
    createdAt: fields.createdAt,
  });
}

/** A list of finite numbers (a multi-objective trial's values, its constraints), or an error naming it. */
function finiteList(kind: string, study: string, trial: number, field: string, list: unknown): number[] {
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw storageError(`${kind} storage: trial ${trial} cannot complete with ${field} ${Array.isArray(list) ? `[${list.map(String).join(', ')}]` : String(list)}: it must be a non-empty list of finite numbers`, {
      study,
      trial,
      field,
    });
  }
  return [...(list as number[])];
}

/** Rule 3. */
export function checkRunning(kind: string, study: string, trial: number, state: TrialState, action: string): void {
  if (state !== 'running') {
    throw storageError(`${kind} storage: cannot ${action} trial ${trial} of ${JSON.stringify(study)}: it is ${state}, not running`, {
      study,
      trial,
      state,
    });
  }
}

/** Rule 5: a step is written once; the same value again is a no-op. Returns whether to write. */
export function checkReport(
  kind: string,
  study: string,
  trial: number,
  step: number,
  value: number,
  existing: number | undefined,
  now?: number,
): boolean {
  if (!Number.isInteger(step) || step < 0) {
    throw storageError(`${kind} storage: trial ${trial} reported step ${step}: a step is an integer ≥ 0`, { study, trial, step });
  }
  if (now !== undefined && !Number.isFinite(now)) {
    throw storageError(`${kind} storage: trial ${trial} reported step ${step} at time ${now}: a step's time is a finite number of ms`, { study, trial, step, now });
  }
  if (!Number.isFinite(value)) {
    throw new RxtrainError('NON_FINITE', `trial ${trial} reported ${value} at step ${step}: intermediate values must be finite`, {
      study,
      trial,
      step,
      value,
    });
  }
  if (existing === undefined) return true;
  if (existing === value) return false;
  throw storageError(`${kind} storage: trial ${trial} already reported step ${step} (value ${existing}); steps are append-only`, {
    study,
    trial,
    step,
    existing,
    value,
  });
}

/** Rule 4: the fields a finished trial gets. */
export function finishFields(
  kind: string,
  study: string,
  trial: FrozenTrial,
  outcome: TrialOutcome,
): {
  state: TrialState;
  value: number | undefined;
  values?: readonly number[] | undefined;
  constraints?: readonly number[] | undefined;
  error: string | undefined;
  finishedAt: number;
} {
  checkRunning(kind, study, trial.number, trial.state, `mark ${outcome.state}`);
  switch (outcome.state) {
    case 'completed': {
      const constraints = outcome.constraints === undefined ? undefined : finiteList(kind, study, trial.number, 'constraints', outcome.constraints);
      if ('values' in outcome) {
        const values = finiteList(kind, study, trial.number, 'values', outcome.values);
        return { state: 'completed', value: undefined, values, constraints, error: undefined, finishedAt: outcome.now };
      }
      if (!Number.isFinite(outcome.value)) {
        throw storageError(`${kind} storage: trial ${trial.number} cannot complete with value ${outcome.value}: it must be finite`, {
          study,
          trial: trial.number,
          value: outcome.value,
        });
      }
      return { state: 'completed', value: outcome.value, constraints, error: undefined, finishedAt: outcome.now };
    }
    case 'pruned': {
      const last = trial.intermediate[trial.intermediate.length - 1];
      const value = outcome.value !== undefined && Number.isFinite(outcome.value) ? outcome.value : last?.[1];
      return { state: 'pruned', value, error: undefined, finishedAt: outcome.now };
    }
    case 'failed':
      return { state: 'failed', value: undefined, error: outcome.error ?? 'failed', finishedAt: outcome.now };
  }
}

/** Rule 6. */
export function checkParamsUnset(kind: string, study: string, trial: FrozenTrial): void {
  checkRunning(kind, study, trial.number, trial.state, 'set the parameters of');
  if (Object.keys(trial.params).length > 0) {
    throw storageError(`${kind} storage: trial ${trial.number} of ${JSON.stringify(study)} already has parameters`, {
      study,
      trial: trial.number,
    });
  }
}

export function checkStudyName(kind: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw storageError(`${kind} storage: a study name must be a non-empty string (got ${JSON.stringify(name)})`, { name });
  }
  return name;
}

/** A frozen record, with absent optional fields left out (so records compare equal across storages). */
export function freezeTrial(fields: {
  number: number;
  state: TrialState;
  params: Params;
  value?: number | undefined;
  values?: readonly number[] | undefined;
  constraints?: readonly number[] | undefined;
  intermediate: ReadonlyArray<readonly [number, number]>;
  stepTimes?: ReadonlyArray<readonly [number, number]> | undefined;
  startedAt?: number | undefined;
  finishedAt?: number | undefined;
  error?: string | undefined;
  attrs?: Readonly<Record<string, unknown>> | undefined;
}): FrozenTrial {
  const record: {
    -readonly [K in keyof FrozenTrial]: FrozenTrial[K];
  } = {
    number: fields.number,
    state: fields.state,
    params: Object.freeze({ ...fields.params }),
    intermediate: Object.freeze(fields.intermediate.map((p) => Object.freeze([p[0], p[1]] as const))),
  };
  if (fields.value !== undefined) record.value = fields.value;
  if (fields.values !== undefined) record.values = Object.freeze([...fields.values]);
  if (fields.constraints !== undefined) record.constraints = Object.freeze([...fields.constraints]);
  if (fields.stepTimes !== undefined && fields.stepTimes.length > 0) record.stepTimes = Object.freeze(fields.stepTimes.map((p) => Object.freeze([p[0], p[1]] as const)));
  if (fields.startedAt !== undefined) record.startedAt = fields.startedAt;
  if (fields.finishedAt !== undefined) record.finishedAt = fields.finishedAt;
  if (fields.error !== undefined) record.error = fields.error;
  if (fields.attrs !== undefined && Object.keys(fields.attrs).length > 0) record.attrs = Object.freeze({ ...fields.attrs });
  return Object.freeze(record);
}

/** Attributes must survive a trip through JSON unchanged. */
export function checkAttrs(kind: string, attrs: unknown): Record<string, unknown> {
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) {
    throw storageError(`${kind} storage: attrs must be a plain object`);
  }
  let json: string;
  try {
    json = JSON.stringify(attrs);
  } catch (err) {
    throw storageError(`${kind} storage: attrs must be JSON-serialisable`, {}, err);
  }
  return JSON.parse(json) as Record<string, unknown>;
}
