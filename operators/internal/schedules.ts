/**
 * The built-in learning-rate schedules, validated where they are used: each builder takes the name
 * of the function the user called (`where`) and the path of the schedule's fields in its config
 * (`prefix`, e.g. `schedule.then.`), so that an error inside `lrSchedule(opt, {warmup, then})` names
 * `lrSchedule(): option 'schedule.then.gamma'` and one from `exponentialDecay({gamma})` names
 * `exponentialDecay(): option 'gamma'`. The public factories (operators/schedules/) take the user's
 * config only. Internal: not re-exported from `operators/index.ts`.
 */
import { configError } from '../../lib/errors.js';
import { finiteNumber, knownFields, positiveInt, positiveNumber, requireObject } from '../../lib/validate.js';
import type { Schedule, ScheduleFn } from '../schedules/schedule.js';

/** The fields' object of a schedule: `config` for a factory, the field's path inside a config. */
function fieldsOf(where: string, prefix: string, config: unknown): Record<string, unknown> {
  return requireObject(where, config, prefix.slice(0, -1) || 'config');
}

/** `lr0 · factor^⌊(epoch − 1) / every⌋`, from `{every, factor}`. */
export function stepDecayAt(where: string, prefix: string, config: unknown): ScheduleFn {
  const c = fieldsOf(where, prefix, config);
  const every = positiveInt(where, `${prefix}every`, c.every);
  const factor = positiveNumber(where, `${prefix}factor`, c.factor);
  return (epoch, lr0) => lr0 * factor ** Math.floor((epoch - 1) / every);
}

/** `lr0 · gamma^(epoch − 1)`, from `{gamma}`. */
export function exponentialDecayAt(where: string, prefix: string, config: unknown): ScheduleFn {
  const c = fieldsOf(where, prefix, config);
  const gamma = positiveNumber(where, `${prefix}gamma`, c.gamma);
  return (epoch, lr0) => lr0 * gamma ** (epoch - 1);
}

/** Cosine annealing from `lr0` to `minLR` over `epochs`, from `{epochs, minLR}`. */
export function cosineDecayAt(where: string, prefix: string, config: unknown): ScheduleFn {
  const c = fieldsOf(where, prefix, config);
  const epochs = positiveInt(where, `${prefix}epochs`, c.epochs);
  const minLR = c.minLR === undefined ? 0 : finiteNumber(where, `${prefix}minLR`, c.minLR);
  if (minLR < 0) throw configError(where, `${prefix}minLR`, 'must be ≥ 0', minLR);
  return (epoch, lr0) => minLR + ((lr0 - minLR) * (1 + Math.cos((Math.PI * Math.min(epoch - 1, epochs)) / epochs))) / 2;
}

/** Linear warm-up over `warmup` epochs, then the schedule function `then` counted from 1 again. */
export function linearWarmupAt(where: string, prefix: string, config: unknown): ScheduleFn {
  const c = fieldsOf(where, prefix, config);
  const warmup = positiveInt(where, `${prefix}warmup`, c.warmup);
  const then = c.then;
  if (then !== undefined && !isScheduleFn(then)) throw configError(where, `${prefix}then`, 'must be a schedule function', then);
  return (epoch, lr0) => (epoch <= warmup ? (lr0 * epoch) / warmup : then ? then(epoch - warmup, lr0) : lr0);
}

/** Any {@link Schedule} as its function; errors name `where` and the schedule's fields under `field`. */
export function scheduleAt(where: string, field: string, schedule: unknown): ScheduleFn {
  if (isScheduleFn(schedule)) return schedule;
  const c = requireObject(where, schedule, field);
  const prefix = `${field}.`;
  if ('warmup' in c) {
    knownFields(where, c, ['warmup', 'then']);
    const then = c.then === undefined ? undefined : scheduleAt(where, `${prefix}then`, c.then);
    return linearWarmupAt(where, prefix, { warmup: c.warmup, then });
  }
  switch (c.type) {
    case 'step':
      knownFields(where, c, ['type', 'every', 'factor']);
      return stepDecayAt(where, prefix, c);
    case 'exponential':
      knownFields(where, c, ['type', 'gamma']);
      return exponentialDecayAt(where, prefix, c);
    case 'cosine':
      knownFields(where, c, ['type', 'epochs', 'minLR']);
      return cosineDecayAt(where, prefix, c);
    default:
      throw configError(where, `${prefix}type`, "must be 'step', 'exponential' or 'cosine' (or give 'warmup', or a function)", c.type);
  }
}

/** A function is taken as a schedule as it is: what it returns is checked where the rate is set. */
function isScheduleFn(value: unknown): value is ScheduleFn {
  return typeof value === 'function';
}
