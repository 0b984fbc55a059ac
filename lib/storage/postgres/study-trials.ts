/**
 * The trials of the studies in the database, as the thread's calls, its heartbeat and its retry of
 * unwritten outcomes all need them: a study's id by name, one trial's record, failing the trials whose
 * runner stopped beating, and ending a trial.
 */
import type pg from 'pg';
import type { FrozenTrial } from '../../search/types.js';
import type { TrialOutcome } from '../storage.js';
import { finishFields, freezeTrial, missingStudy, missingTrial, storageError } from '../rules.js';
import { listColumn, trialFromRow, type TrialRow } from '../rows.js';
import type { Connections } from './connections.js';
import { query } from './query.js';
import { CHANNEL } from './schema.js';
import { ANY_STALE, FAIL_STALE, FAIL_THESE, FINISH, TRIAL } from './statements.js';

const KIND = 'postgres';

/** A trial's row with its steps (see `STEPS_OF` in statements.ts). */
export type TrialStepsRow = TrialRow & { steps: Array<[number, number, number | null]> };

export const record = (row: TrialStepsRow): FrozenTrial => trialFromRow(row, row.steps.map(([step, value, at]) => ({ step, value, at })));

export interface StudyTrialsConfig {
  readonly staleAfterMs: number;
  readonly onStale: 'fail' | 'retry';
}

export class StudyTrials {
  /** Study ids by name: a study is never renamed or deleted, so this cannot go stale. */
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly config: StudyTrialsConfig,
    private readonly connections: Connections,
  ) {}

  /** Note study `name`'s id (read by the caller). */
  remember(name: string, id: number): void {
    this.ids.set(name, id);
  }

  /** Study `name`'s id, if it was read before. */
  knownId(name: string): number | undefined {
    return this.ids.get(name);
  }

  /** The name of the study with id `id`, if it was read before. */
  nameOf(id: number): string | undefined {
    return [...this.ids].find(([, v]) => v === id)?.[0];
  }

  async studyId(c: pg.Client, name: string): Promise<number> {
    const cached = this.ids.get(name);
    if (cached !== undefined) return cached;
    const { rows } = await query<{ id: number }>(c, 'SELECT id FROM rxtrain_studies WHERE name = $1', [name]);
    const id = rows[0]?.id;
    if (id === undefined) throw missingStudy(KIND, name);
    this.ids.set(name, id);
    return id;
  }

  async load(c: pg.Client, id: number, name: string, n: number): Promise<FrozenTrial> {
    const { rows } = Number.isInteger(n) ? await query<TrialStepsRow>(c, TRIAL, [id, n]) : { rows: [] };
    const row = rows[0];
    if (!row) throw missingTrial(KIND, name, n);
    return record(row);
  }

  /**
   * Fail running trials, and (onStale 'retry', or `requeue`) queue their parameters again as new trials:
   * those numbered `numbers`, or (undefined) those whose runner stopped beating. Returns the failed ones.
   */
  async fail(c: pg.Client, id: number, now: number, numbers?: number[], error?: string, requeue = this.config.onStale === 'retry'): Promise<FrozenTrial[]> {
    const secs = this.config.staleAfterMs / 1000;
    // A read first: the usual answer is "none", and it needs no lock.
    if (numbers === undefined && (await query(c, ANY_STALE, [id, secs])).rowCount === 0) return [];
    const why = error ?? `interrupted: no heartbeat for ${this.config.staleAfterMs} ms`;
    const { rows } = await query<TrialStepsRow>(c, numbers === undefined ? FAIL_STALE : FAIL_THESE, [id, numbers ?? null, secs, now, why, requeue, CHANNEL]);
    return rows.map(record);
  }

  /** End trial `n` of study `name` with `outcome` (a failure queued again with `requeue`). */
  async end(name: string, n: number, outcome: TrialOutcome, requeue: boolean): Promise<FrozenTrial> {
    const c = await this.connections.calls();
    const id = await this.studyId(c, name);
    for (let attempt = 0; ; attempt++) {
      const trial = await this.load(c, id, name, n);
      const f = finishFields(KIND, name, trial, outcome);
      if (requeue && f.state === 'failed') {
        const [failed] = await this.fail(c, id, outcome.now, [n], f.error, true);
        if (failed) return failed;
      } else {
        const { rowCount } = await query(c, FINISH, [id, n, f.state, f.value ?? null, f.error ?? null, f.finishedAt, listColumn(f.values), listColumn(f.constraints), CHANNEL]);
        if (rowCount === 1) return freezeTrial({ ...trial, ...f });
      }
      // Changed meanwhile (failed as stale, or its row held for a moment): read again, and let the rules say.
      if (attempt === 3) throw storageError(`postgres storage: trial ${n} of ${JSON.stringify(name)} kept changing while it was being finished`, { study: name, trial: n });
    }
  }
}
