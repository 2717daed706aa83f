const DAY_MS = 86_400_000;

/**
 * True when a key made at `createdAt` is at least `maxKeyAgeDays` old at `now` (ms since the
 * epoch): its responses carry `rotateAdvised: true`. `maxKeyAgeDays` 0 turns the advice off.
 */
export function rotateAdvisedFor(createdAt: Date, now: number, maxKeyAgeDays: number): boolean {
  return maxKeyAgeDays > 0 && now - createdAt.getTime() >= maxKeyAgeDays * DAY_MS;
}
