/** Measuring on a shared machine: wait for quiet before a point, measure again when disturbed. */

import { performance } from 'node:perf_hooks';
import { type Progress } from './driver';
import { type ProcessProbe, sampleMachine } from './service';
import { sleep } from './stats';
import { type PointResult } from './types';

/**
 * On a shared machine: before a point, waits until processes outside the run use less than
 * `threshold` cores; after it, measures again (up to `retries` times) when they used more.
 */
export class QuietGate {
  constructor(
    private readonly threshold: number,
    private readonly retries: number,
    private readonly maxWaitSeconds: number,
    private readonly progress: Progress,
  ) {}

  /** CPU cores used by everything but `ours` over one second. */
  private async otherLoad(ours: ProcessProbe[]): Promise<number> {
    const m0 = sampleMachine();
    const p0 = ours.map((p) => p.sample());
    const self0 = process.cpuUsage();
    await sleep(1000);
    const m1 = sampleMachine();
    const p1 = ours.map((p) => p.sample());
    const self = process.cpuUsage(self0);
    const wall = (m1.at - m0.at) / 1000;
    const mine =
      p1.reduce((a, s, i) => a + (s.cpuSeconds - p0[i].cpuSeconds), 0) +
      (self.user + self.system) / 1e6;
    return (m1.busySeconds - m0.busySeconds - mine) / wall;
  }

  async waitForQuiet(label: string, ours: ProcessProbe[]): Promise<void> {
    if (this.threshold <= 0) return;
    const deadline = performance.now() + this.maxWaitSeconds * 1000;
    for (;;) {
      const other = await this.otherLoad(ours);
      if (!Number.isFinite(other) || other <= this.threshold) return;
      if (performance.now() >= deadline) {
        this.progress.note(
          `  ${label}: the machine is still busy (${other.toFixed(2)} cores); measuring anyway`,
        );
        return;
      }
      this.progress.update(
        `  ${label}: waiting for a quiet machine (other load ${other.toFixed(2)} cores)`,
      );
    }
  }

  /** Runs `attempt` (after a quiet wait), again while other load during it exceeded the threshold. */
  async run<T>(
    label: string,
    ours: () => ProcessProbe[],
    attempt: () => Promise<T>,
    otherOf: (t: T) => number,
  ): Promise<{ value: T; attempts: number }> {
    for (let i = 0; ; i++) {
      await this.waitForQuiet(label, ours());
      const value = await attempt();
      const other = otherOf(value);
      if (this.threshold <= 0 || other <= this.threshold || i >= this.retries)
        return { value, attempts: i + 1 };
      this.progress.note(
        `  ${label}: other processes used ${other.toFixed(2)} cores during the point; measuring again`,
      );
    }
  }

  /** A point measured through the gate; it records how many attempts it took. */
  async point(
    label: string,
    ours: () => ProcessProbe[],
    attempt: () => Promise<PointResult>,
  ): Promise<PointResult> {
    const { value, attempts } = await this.run(label, ours, attempt, (p) => p.otherCpuCores);
    return { ...value, attempts };
  }
}
