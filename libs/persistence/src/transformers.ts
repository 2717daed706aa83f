import { type ValueTransformer } from 'typeorm';

/**
 * BIGINT → JS number on both engines. mysql2 returns BIGINT as a string (TypeORM turns on
 * `bigNumberStrings`); better-sqlite3 returns a number. Values beyond 2^53 − 1 cannot be
 * represented exactly, so they throw instead of silently losing precision.
 */
export const bigintTransformer: ValueTransformer = {
  to: (value: unknown): unknown => value,
  from: (value: unknown): unknown => {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'bigint') {
      throw new TypeError(`Unexpected BIGINT value of type ${typeof value}`);
    }
    const n = Number(value);
    if (!Number.isSafeInteger(n)) {
      throw new RangeError(`BIGINT value ${value} is not a safe integer`);
    }
    return n;
  },
};
