import { rotateAdvisedFor } from './key-age';

describe('rotateAdvisedFor (DSS_MAX_KEY_AGE_DAYS)', () => {
  const made = new Date('2026-01-01T00:00:00.000Z');
  const day = 86_400_000;

  it('advises rotation from the configured age on, never when the setting is off', () => {
    expect(rotateAdvisedFor(made, made.getTime() + 30 * day - 1, 30)).toBe(false);
    expect(rotateAdvisedFor(made, made.getTime() + 30 * day, 30)).toBe(true);
    expect(rotateAdvisedFor(made, made.getTime() + 3650 * day, 0)).toBe(false);
  });
});
