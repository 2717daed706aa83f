import { DssApiError } from '@dss/client';
import { DomainError } from '@dss/common';

/** The error of class `type` that `fn` throws; fails the test when it throws nothing or another error. */
export function thrownBy<E extends Error>(
  type: abstract new (...args: never[]) => E,
  fn: () => unknown,
): E {
  try {
    fn();
  } catch (err) {
    if (err instanceof type) return err;
    throw err;
  }
  throw new Error(`expected a ${type.name}`);
}

/** The DomainError `work` rejects with; fails the test when it resolves or rejects otherwise. */
export async function domainErrorOf(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

/** The DssApiError `work` rejects with; fails the test when it resolves or rejects otherwise. */
export async function dssApiErrorOf(work: Promise<unknown>): Promise<DssApiError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof DssApiError) return err;
    throw err;
  }
  throw new Error('expected a DssApiError');
}
