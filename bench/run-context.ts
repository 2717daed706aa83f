/**
 * What the phases of a run share: the options, the progress line, the error log, the quiet gate
 * and the clean-up steps; once the service runs, the service and what measures it.
 */

import { type KeyObject } from 'node:crypto';
import { type ErrorLog, type Progress } from './driver';
import { type BenchOptions } from './options';
import { type Profiler } from './profiler';
import { type QuietGate } from './quiet-gate';
import { type ProcessProbe, type RunningService } from './service';

export interface RunContext {
  options: BenchOptions;
  progress: Progress;
  errors: ErrorLog;
  gate: QuietGate;
  /** What to stop or drop at the end of the run, also when it fails or is interrupted. */
  cleanups: Cleanups;
}

/** The phases that measure the service. */
export interface ServiceRun extends RunContext {
  service: RunningService;
  /** The local MariaDB/MySQL server process when the run's database lives there. */
  dbProbe: ProcessProbe | undefined;
  /** The processes of the run (service, database server): their load is not "other load". */
  ours: () => ProcessProbe[];
  /** The service's identity key, pinned by every client. */
  serverKey: KeyObject;
  profiler: Profiler;
}

/** Clean-up steps, run last-registered first; a failing step does not stop the others. */
export class Cleanups {
  private readonly steps: (() => Promise<void>)[] = [];

  push(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) await this.steps.pop()!().catch(() => undefined);
  }
}
