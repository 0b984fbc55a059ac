/**
 * What the monitor knows of the runs that publish to it: which runs and trials have sent events, and
 * which have ended. It lets the monitor refuse a `stop` or `setLearningRate` that nothing would obey
 * (a typo in the run's name, a finished trial) instead of acknowledging it; `pause` and `resume` are
 * not checked, since a run may be paused before it starts.
 */
import type { MonitorCommand, RefusalCode } from './protocol.js';

interface RunState {
  /** How it ended (its `runEnd`), if it did. */
  ended: string | undefined;
  /** Trial number → how it ended, or undefined while it runs. */
  readonly trials: Map<number, string | undefined>;
}

const TRIAL_ENDS: Readonly<Record<string, string>> = { trialCompleted: 'completed', trialPruned: 'pruned', trialFailed: 'failed' };

export function runRegistry() {
  const runs = new Map<string, RunState>();
  let last: { run: string; state: RunState } | undefined;

  const stateOf = (run: string): RunState => {
    if (last?.run === run) return last.state;
    let state = runs.get(run);
    if (!state) {
      state = { ended: undefined, trials: new Map() };
      runs.set(run, state);
    }
    last = { run, state };
    return state;
  };

  return {
    /** Note one published event (cheap: it runs for every event). */
    see(run: string, event: { readonly type: string }): void {
      const state = stateOf(run);
      const e = event as { readonly type: string; readonly trial?: unknown; readonly state?: unknown };
      if (e.type === 'runEnd') state.ended = String(e.state);
      else if (typeof e.trial === 'number') {
        const end = TRIAL_ENDS[e.type];
        if (end !== undefined) state.trials.set(e.trial, end);
        else if (!state.trials.has(e.trial)) state.trials.set(e.trial, undefined);
      }
    },

    /** Why `command` names nothing that would obey it, or undefined. */
    check(command: MonitorCommand): { readonly code: RefusalCode; readonly message: string } | undefined {
      if (command.type !== 'stop' && command.type !== 'setLearningRate') return undefined;
      const refuse = (message: string) => ({ code: 'UNKNOWN_RUN' as const, message: `${command.type}: ${message}` });
      const state = runs.get(command.run);
      if (!state) {
        const known = [...runs.keys()];
        return refuse(`no run named ${JSON.stringify(command.run)} has sent events to this monitor (${known.length ? `its runs: ${known.slice(0, 20).join(', ')}` : 'none has yet'})`);
      }
      if (state.ended !== undefined) return refuse(`run ${JSON.stringify(command.run)} has ended (${state.ended})`);
      if (command.trial === undefined) return undefined;
      if (!state.trials.has(command.trial)) {
        const numbers = [...state.trials.keys()];
        return refuse(`run ${JSON.stringify(command.run)} has no trial ${command.trial} (${numbers.length ? `its trials: ${numbers.length > 20 ? `${numbers.slice(0, 20).join(', ')}, …` : numbers.join(', ')}` : 'it has sent no trial'})`);
      }
      const ended = state.trials.get(command.trial);
      if (ended !== undefined) return refuse(`trial ${command.trial} of run ${JSON.stringify(command.run)} has ended (${ended})`);
      return undefined;
    },
  };
}
