/**
 * Search spaces: a typed, validated description of the parameters a study searches over.
 *
 * Intuition: you write the space once as an object of parameter builders, and TypeScript infers the
 * type of the parameters every trial gets; a conditional parameter (`when(...)`) is optional in that
 * type, because it exists only for some values of an earlier parameter.
 *
 * @example
 * ```ts
 * import { space, logUniform, int, uniform, choice, when } from 'rxtrain';
 * const s = space({
 *   lr: logUniform(1e-4, 1e-1),
 *   units: int(32, 512, { log: true }),
 *   optimizer: choice(['adam', 'sgd']),
 *   momentum: when('optimizer', ['sgd'], uniform(0, 0.99)),
 * });
 * // s: SearchSpace<{ lr: number; units: number; optimizer: 'adam' | 'sgd'; momentum?: number }>
 * ```
 */
import { RxtrainError, describe } from '../errors.js';
import type { Random } from '../random.js';
import { contains, isMultiple, sampleDistribution } from './distribution.js';
import type { Condition, Distribution, ParamSpec, ParamValue, Params, SearchSpaceLike } from './types.js';

declare const valueType: unique symbol;

/** An unconditional parameter whose values have type `T`. Made by the builders below. */
export interface Dim<T extends ParamValue = ParamValue> {
  readonly kind: 'dim';
  readonly distribution: Distribution;
  /** Phantom: carries the value type for inference, never set. */
  readonly [valueType]?: T;
}

declare const conditionValueType: unique symbol;

/** A parameter that exists only when the earlier parameter `param` took one of `values`. */
export interface Conditional<T extends ParamValue = ParamValue, Parent extends string = string, V extends ParamValue = ParamValue> {
  readonly kind: 'conditional';
  readonly param: Parent;
  readonly values: readonly ParamValue[];
  readonly dim: Dim<T>;
  /** Phantom: the condition's value type, checked against the parent's at compile time. */
  readonly [conditionValueType]?: V;
}

export type ParamDef = Dim | Conditional;

type ValueOf<D> = D extends Dim<infer T> ? T : D extends Conditional<infer T> ? T : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The type of the parameters of a space built from the definitions `D`. */
export type InferParams<D> = Simplify<
  { -readonly [K in keyof D as D[K] extends Conditional ? never : K]: ValueOf<D[K]> } & {
    -readonly [K in keyof D as D[K] extends Conditional ? K : never]?: ValueOf<D[K]>;
  }
>;

/**
 * Constrains a space definition so that a `when(parent, values, ...)` names another parameter of the
 * space, and its values are values of that parameter (checked in full at run time by `space()`).
 */
export type SpaceDefinition<D> = {
  readonly [K in keyof D]: Dim | { [P in Exclude<keyof D, K> & string]: Conditional<ParamValue, P, ValueOf<D[P]>> }[Exclude<keyof D, K> & string];
};

/** A validated search space whose sampled parameters have type `P`. */
export interface SearchSpace<P extends Params = Params> extends SearchSpaceLike {
  /** Parameter specs in definition order (a condition's parent always comes first). */
  readonly params: readonly ParamSpec[];
  /** The spec of one parameter, or undefined. */
  get(name: string): ParamSpec | undefined;
  /** Whether `name` is active given the values assigned so far (its parent chain is active and matches). */
  isActive(name: string, assigned: Params): boolean;
  /** Whether `params` is a valid assignment: every active parameter present and in range, nothing else. */
  validate(params: unknown): params is P;
  /** Why `params` is not valid (empty when it is). */
  problems(params: unknown): string[];
  /** Draw parameters uniformly (log-uniformly for log parameters), each conditional one only when active. */
  sample(random: Random): P;
}

// ---------------------------------------------------------------------------------------------------
// Builders. They only record their arguments: `space()` validates them, so that errors name the parameter.

/** A float in [low, high]; with `step`, only `low + k·step`. */
export function uniform(low: number, high: number, options: { step?: number } = {}): Dim<number> {
  return dim({ kind: 'float', low, high, log: false, ...(options.step === undefined ? {} : { step: options.step }) });
}

/** A float in [low, high] whose logarithm is uniform (0 < low < high). */
export function logUniform(low: number, high: number): Dim<number> {
  return dim({ kind: 'float', low, high, log: true });
}

/** An integer in [low, high] (both included); `step` (default 1) spaces the values; `log` samples on a log scale. */
export function int(low: number, high: number, options: { log?: boolean; step?: number } = {}): Dim<number> {
  return dim({ kind: 'int', low, high, log: options.log ?? false, step: options.step ?? 1 });
}

/** One of a list of values (strings, numbers or booleans); the value type is the union of the literals. */
export function choice<const T extends readonly ParamValue[]>(choices: T): Dim<T[number]> {
  return dim({ kind: 'categorical', choices: [...choices] });
}

/**
 * Make `param` conditional: it exists only when the earlier parameter `parent` took one of `values`
 * (a value or a list). The parent must be a `choice` or an `int`, and defined before this parameter.
 */
export function when<const Parent extends string, T extends ParamValue, const V extends ParamValue>(
  parent: Parent,
  values: V | readonly V[],
  param: Dim<T>,
): Conditional<T, Parent, V> {
  const list: readonly ParamValue[] = Array.isArray(values) ? [...(values as readonly ParamValue[])] : [values as ParamValue];
  return { kind: 'conditional', param: parent, values: list, dim: param };
}

function dim<T extends ParamValue>(distribution: Distribution): Dim<T> {
  return { kind: 'dim', distribution };
}

// ---------------------------------------------------------------------------------------------------

/**
 * Build a validated search space. Parameter order is the order of the object's keys (conditions may
 * only refer to earlier parameters).
 *
 * @param definition an object of parameters made with the builders (`uniform`, `logUniform`, `int`,
 *   `choice`, `when`).
 * @returns a {@link SearchSpace} whose parameter type is inferred from the definition.
 * @throws RxtrainError `INVALID_SPACE`, naming the parameter (`details.param`) and the field.
 */
export function space<const D extends SpaceDefinition<D>>(definition: D): SearchSpace<InferParams<D>> {
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new RxtrainError('INVALID_SPACE', `space(): the definition must be an object of parameters (got ${describe(definition)})`);
  }
  const specs: ParamSpec[] = [];
  const byName = new Map<string, ParamSpec>();
  for (const [name, raw] of Object.entries(definition as Record<string, unknown>)) {
    const spec = toSpec(name, raw, byName);
    specs.push(spec);
    byName.set(name, spec);
  }
  if (specs.length === 0) throw new RxtrainError('INVALID_SPACE', 'space(): the space has no parameters');
  return makeSpace<InferParams<D>>(specs, byName);
}

function invalid(name: string, why: string, details: Record<string, unknown> = {}): RxtrainError {
  return new RxtrainError('INVALID_SPACE', `space(): parameter '${name}' ${why}`, { param: name, ...details });
}

function toSpec(name: string, raw: unknown, earlier: ReadonlyMap<string, ParamSpec>): ParamSpec {
  if (raw === null || typeof raw !== 'object') {
    throw invalid(name, `must be made with uniform(), logUniform(), int(), choice() or when() (got ${describe(raw)})`);
  }
  const def = raw as { kind?: unknown; distribution?: Distribution; param?: unknown; values?: readonly ParamValue[]; dim?: Dim };
  if (def.kind === 'dim' && def.distribution) return { name, distribution: checkDistribution(name, def.distribution) };
  if (def.kind === 'conditional' && def.dim?.kind === 'dim') {
    const parentName = def.param;
    const parent = typeof parentName === 'string' ? earlier.get(parentName) : undefined;
    if (parent === undefined) {
      const why = parentName === name ? 'is conditional on itself' : `is conditional on '${String(parentName)}', which is not an earlier parameter of the space`;
      throw invalid(name, why, { field: 'condition' });
    }
    const pd = parent.distribution;
    if (pd.kind === 'float') throw invalid(name, `is conditional on '${parent.name}', a float: a condition's parent must be a choice() or an int()`, { field: 'condition' });
    const values = def.values ?? [];
    if (values.length === 0) throw invalid(name, 'has a condition with no values', { field: 'condition' });
    for (const v of values) {
      if (!contains(pd, v)) throw invalid(name, `has a condition value ${describe(v)} that '${parent.name}' can never take`, { field: 'condition', value: v });
    }
    const condition: Condition = { param: parent.name, values: [...values] };
    return { name, distribution: checkDistribution(name, def.dim.distribution), condition };
  }
  throw invalid(name, `must be made with uniform(), logUniform(), int(), choice() or when() (got ${describe(raw)})`);
}

function checkDistribution(name: string, d: Distribution): Distribution {
  if (d.kind === 'categorical') {
    if (!Array.isArray(d.choices) || d.choices.length === 0) throw invalid(name, 'is a choice() with no choices', { field: 'choices' });
    const seen = new Set<ParamValue>();
    for (const c of d.choices) {
      const ok = typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));
      if (!ok) throw invalid(name, `has a choice ${describe(c)}: choices must be strings, booleans or finite numbers`, { field: 'choices' });
      if (seen.has(c)) throw invalid(name, `has the choice ${describe(c)} twice`, { field: 'choices' });
      seen.add(c);
    }
    return { kind: 'categorical', choices: Object.freeze([...d.choices]) };
  }
  const { low, high, log } = d;
  const kind = d.kind === 'int' ? 'an int()' : log ? 'a logUniform()' : 'a uniform()';
  if (typeof low !== 'number' || !Number.isFinite(low)) throw invalid(name, `is ${kind} whose low must be a finite number (got ${describe(low)})`, { field: 'low' });
  if (typeof high !== 'number' || !Number.isFinite(high)) throw invalid(name, `is ${kind} whose high must be a finite number (got ${describe(high)})`, { field: 'high' });
  if (low >= high) throw invalid(name, `is ${kind} whose low (${low}) must be < high (${high})`, { field: 'low' });
  if (log && low <= 0) throw invalid(name, `is ${kind} on a log scale, so low must be > 0 (got ${low})`, { field: 'low' });
  if (d.kind === 'int') {
    if (!Number.isInteger(low)) throw invalid(name, `is an int() whose low must be an integer (got ${low})`, { field: 'low' });
    if (!Number.isInteger(high)) throw invalid(name, `is an int() whose high must be an integer (got ${high})`, { field: 'high' });
    const step = d.step;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) throw invalid(name, `is an int() whose step must be a positive integer (got ${describe(step)})`, { field: 'step' });
    if (log && step !== 1) throw invalid(name, `is an int() with log: true, which cannot also have a step (got step ${step})`, { field: 'step' });
    if ((high - low) % step !== 0) throw invalid(name, `is an int() whose step (${step}) does not divide high − low (${high - low})`, { field: 'step' });
    return { kind: 'int', low, high, log, step };
  }
  if (d.step !== undefined) {
    const step = d.step;
    if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0) throw invalid(name, `is ${kind} whose step must be a finite number > 0 (got ${describe(step)})`, { field: 'step' });
    if (!isMultiple(high - low, step)) throw invalid(name, `is ${kind} whose step (${step}) does not divide high − low (${high - low})`, { field: 'step' });
    return { kind: 'float', low, high, log, step };
  }
  return { kind: 'float', low, high, log };
}

/** Whether `name` is active: unconditional, or its parent is active and took one of the condition's values. */
export function isActiveIn(specs: ReadonlyMap<string, ParamSpec>, name: string, assigned: Params): boolean {
  let spec = specs.get(name);
  while (spec?.condition) {
    const value = assigned[spec.condition.param];
    if (value === undefined || !spec.condition.values.includes(value)) return false;
    spec = specs.get(spec.condition.param);
  }
  return spec !== undefined;
}

function makeSpace<P extends Params>(specs: readonly ParamSpec[], byName: ReadonlyMap<string, ParamSpec>): SearchSpace<P> {
  const params = Object.freeze([...specs]);
  const problems = (candidate: unknown): string[] => {
    if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) return [`params must be an object (got ${describe(candidate)})`];
    const obj = candidate as Record<string, unknown>;
    const out: string[] = [];
    for (const key of Object.keys(obj)) if (!byName.has(key)) out.push(`'${key}' is not a parameter of the space`);
    for (const spec of params) {
      const value = obj[spec.name];
      const active = isActiveIn(byName, spec.name, obj as Params);
      if (!active) {
        if (value !== undefined) out.push(`'${spec.name}' is set but inactive (its condition on '${spec.condition?.param}' does not hold)`);
      } else if (value === undefined) {
        out.push(`'${spec.name}' is missing`);
      } else if (!contains(spec.distribution, value)) {
        out.push(`'${spec.name}' = ${describe(value)} is not a value of the parameter`);
      }
    }
    return out;
  };
  return {
    params,
    get: (name) => byName.get(name),
    isActive: (name, assigned) => isActiveIn(byName, name, assigned),
    problems,
    validate: (candidate): candidate is P => problems(candidate).length === 0,
    sample(random) {
      const out: Record<string, ParamValue> = {};
      for (const spec of params) {
        if (isActiveIn(byName, spec.name, out)) out[spec.name] = sampleDistribution(spec.distribution, random);
      }
      return out as P;
    },
  };
}
