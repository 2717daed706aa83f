import { ManualClock } from './clock';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows a burst, then asks to wait, then refills over time', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(60, 3, clock);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0); // per client
    clock.advance(1000);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('is disabled at 0 per minute', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('x')).toBe(0);
  });

  it('keeps its memory bounded under a flood of addresses', () => {
    const limiter = new RateLimiter(60, 1, new ManualClock(), 100);
    for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(
      (limiter as unknown as { buckets: Map<string, unknown> }).buckets.size,
    ).toBeLessThanOrEqual(100);
  });
});
