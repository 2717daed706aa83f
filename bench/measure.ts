/**
 * One measured point: a closed loop of the load driver against a server process, with the server,
 * the database server, the whole machine and the driver itself sampled around the measured window;
 * and the tight-loop rate of an in-process operation.
 */

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type ClosedLoopOptions, HttpTarget, type LoopOutcome, runClosedLoop } from './driver';
import {
  coresBetween,
  type Endpoint,
  machineCoresBetween,
  type MachineSample,
  type ProbeSample,
  type ProcessProbe,
  sampleMachine,
  type ServerProcess,
  usageBetween,
} from './service';
import { median, round } from './stats';
import { type PointResult } from './types';
import { type RunContext } from './run-context';

const LOOP_RESOLUTION_MS = 5;

/** Calls `op` in a tight loop for `seconds`, three times; the median rate per second. */
export function rateOf(op: () => void, seconds: number): number {
  for (let i = 0; i < 100; i++) op();
  const trials: number[] = [];
  for (let trial = 0; trial < 3; trial++) {
    let n = 0;
    const start = performance.now();
    const end = start + (seconds / 3) * 1000;
    let now = start;
    while (now < end) {
      for (let i = 0; i < 20; i++) op();
      n += 20;
      now = performance.now();
    }
    trials.push(n / ((now - start) / 1000));
  }
  return median(trials);
}

interface Measured {
  outcome: LoopOutcome;
  serverA: ProbeSample;
  serverB: ProbeSample;
  dbA?: ProbeSample;
  dbB?: ProbeSample;
  machineA: MachineSample;
  machineB: MachineSample;
  driverCores: number;
  driverLoopDelayP99Ms: number;
}

/** Called when a measured window opens and closes (the profiler uses them). */
export interface Hooks {
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}

type LoopSettings = Omit<ClosedLoopOptions, 'onWindowStart' | 'onWindowEnd'>;

/** Runs a closed loop and samples the server, the database server and this process around it. */
async function measure(
  server: ServerProcess,
  dbProbe: ProcessProbe | undefined,
  loop: LoopSettings,
  hooks: Hooks = {},
): Promise<Measured> {
  let serverA: ProbeSample | undefined;
  let serverB: ProbeSample | undefined;
  let dbA: ProbeSample | undefined;
  let dbB: ProbeSample | undefined;
  let machineA = sampleMachine();
  let machineB = machineA;
  let cpuA = process.cpuUsage();
  let cpuB = cpuA;
  let tA = 0;
  let tB = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const outcome = await runClosedLoop({
    ...loop,
    onWindowStart: () => {
      server.probe.resetPeak();
      serverA = server.probe.sample();
      dbA = dbProbe?.sample();
      machineA = sampleMachine();
      cpuA = process.cpuUsage();
      tA = performance.now();
      loopDelay.enable();
      hooks.onWindowStart?.();
    },
    onWindowEnd: () => {
      serverB = server.probe.sample();
      dbB = dbProbe?.sample();
      machineB = sampleMachine();
      cpuB = process.cpuUsage(cpuA);
      tB = performance.now();
      loopDelay.disable();
      hooks.onWindowEnd?.();
    },
  });
  const driverCores = tB > tA ? (cpuB.user + cpuB.system) / 1000 / (tB - tA) : 0;
  return {
    outcome,
    serverA: serverA!,
    serverB: serverB!,
    dbA,
    dbB,
    machineA,
    machineB,
    driverCores,
    // The histogram holds whole timer intervals: the delay is what exceeds the resolution.
    driverLoopDelayP99Ms:
      loopDelay.count > 0 ? Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) : 0,
  };
}

function toPoint(concurrency: number, m: Measured): PointResult {
  const { outcome } = m;
  const server = usageBetween(m.serverA, m.serverB, outcome.operations);
  const databaseCpuCores = coresBetween(m.dbA, m.dbB);
  const machineCpuCores = machineCoresBetween(m.machineA, m.machineB);
  return {
    concurrency,
    windowSeconds: round(outcome.windowSeconds, 3),
    operations: outcome.operations,
    perSecond: round(outcome.operations / outcome.windowSeconds),
    errors: outcome.errors,
    latencyMs: outcome.histogram.summary(),
    server,
    driverCpuCores: round(m.driverCores, 3),
    databaseCpuCores,
    machineCpuCores,
    otherCpuCores: round(
      Math.max(0, machineCpuCores - server.cpuCores - m.driverCores - databaseCpuCores),
      3,
    ),
    driverLoopDelayP99Ms: round(m.driverLoopDelayP99Ms, 2),
    attempts: 1,
  };
}

/** The progress line of a finished point: throughput, p99, errors. */
export function pointLine(name: string, point: PointResult): string {
  return `  ${name}: ${Math.round(point.perSecond)}/s, p99 ${point.latencyMs.p99} ms, errors ${point.errors}`;
}

/** What a point measures: its clients and the operation each repeats over `http`. */
export interface PointSpec {
  label: string;
  workers: number;
  /** One operation of client `w`; may return the latency (ms) to record instead of its own. */
  op: (http: HttpTarget, w: number) => Promise<number | void>;
  hooks?: Hooks;
}

/**
 * Measures one point against `endpoint` with its own keep-alive agent (one socket per client),
 * the run's warm-up and duration; `dbProbe` is the database server to sample, if any.
 */
export async function measurePoint(
  run: RunContext,
  endpoint: Endpoint,
  dbProbe: ProcessProbe | undefined,
  spec: PointSpec,
): Promise<PointResult> {
  const http = new HttpTarget(endpoint.host, endpoint.port, spec.workers);
  const m = await measure(
    endpoint.process,
    dbProbe,
    {
      label: spec.label,
      workers: spec.workers,
      warmupSeconds: run.options.warmup,
      durationSeconds: run.options.duration,
      op: (w) => spec.op(http, w),
      progress: run.progress,
      errors: run.errors,
    },
    spec.hooks,
  );
  http.close();
  return toPoint(spec.workers, m);
}
