/**
 * Small checks for config fields. Each throws an `INVALID_CONFIG` {@link RxtrainError} that names the
 * function, the field and the bad value, and otherwise returns the value with its type narrowed.
 */
import { configError } from './errors.js';

export function requireObject(where: string, config: unknown, name = 'config'): Record<string, unknown> {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw configError(where, name, 'must be an object', config);
  }
  return config as Record<string, unknown>;
}

export function positiveInt(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw configError(where, field, 'must be a positive integer', value);
  }
  return value;
}

export function nonNegativeInt(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw configError(where, field, 'must be an integer ≥ 0', value);
  }
  return value;
}

export function finiteNumber(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw configError(where, field, 'must be a finite number', value);
  }
  return value;
}

export function positiveNumber(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw configError(where, field, 'must be a finite number > 0', value);
  }
  return value;
}

export function numberInRange(where: string, field: string, value: unknown, lo: number, hi: number, opts: { loOpen?: boolean; hiOpen?: boolean } = {}): number {
  const n = finiteNumber(where, field, value);
  const okLo = opts.loOpen ? n > lo : n >= lo;
  const okHi = opts.hiOpen ? n < hi : n <= hi;
  if (!okLo || !okHi) {
    const range = `${opts.loOpen ? '(' : '['}${lo}, ${hi}${opts.hiOpen ? ')' : ']'}`;
    throw configError(where, field, `must be in ${range}`, value);
  }
  return n;
}

export function oneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw configError(where, field, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

export function booleanField(where: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw configError(where, field, 'must be true or false', value);
  return value;
}

export function nonEmptyString(where: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw configError(where, field, 'must be a non-empty string', value);
  return value;
}

/** Reject fields a config does not know: a typo (`pateince`) must not be silently ignored. */
export function knownFields(where: string, config: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw configError(where, key, `is not a known option (known: ${allowed.join(', ')})`);
    }
  }
}
