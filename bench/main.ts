/**
 * `npm run bench`: measures the DSS service against the machine's own limit, in one run.
 *
 *   (a) raw ECDSA P-256 signing in this process, one thread;
 *   (b) the ceilings: the same load driver against minimal node:http servers doing only the
 *       protocol's work: per signing request (open, sign, seal) at each concurrency, and per
 *       handshake (X25519, ECDSA, HKDF) at the handshake phase's concurrency;
 *   (c) the service (spawned from dist/, on SQLite or on a fresh MySQL/MariaDB database), signing
 *       at each concurrency, every client with its own DSS-SC1 session and user;
 *   (f) signing at the background concurrency while logins arrive at a fixed rate;
 *   (g) many open sessions (handshake only) and the server's RSS;
 *   (d) handshakes per second;
 *   (e) logins per second (bcrypt cost 12).
 *
 * Each phase lives in phases/. Prints a table, writes a JSON file and an SVG chart
 * (bench/results/ by default). Exit status 0 when no request failed, 1 when some did, 2 when the
 * run could not complete.
 */

import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ErrorLog, Progress, SignRequest } from './driver';
import { type BenchOptions, parseOptions } from './options';
import { measureBackgroundLogins } from './phases/background-logins';
import { measureHandshakeCeiling, measureSigningCeiling } from './phases/ceilings';
import { measureServiceHandshakes } from './phases/handshakes';
import { measureLogins } from './phases/logins';
import { measureRaw } from './phases/raw';
import { measureOpenSessions } from './phases/sessions';
import { SigningClients, startMeasuredService } from './phases/setup';
import { measureService } from './phases/signing';
import { measureVariants } from './phases/variants';
import { QuietGate } from './quiet-gate';
import { compareWithRedis, renderComparison } from './redis-mode';
import { renderText, writeJson, writeSvg } from './report';
import { machineInfo, ratiosOf, resultOptions, targetsOf } from './results';
import { Cleanups, type RunContext, type ServiceRun } from './run-context';
import { ProcessProbe } from './service';
import { round } from './stats';
import { compare, readResult } from './summarize';
import { type BenchResult } from './types';

export { type BenchOptions, parseOptions };

/** One prepared SignDoc request per client (a random document of --document-size bytes). */
function signRequests(o: BenchOptions): SignRequest[] {
  const maxClients = Math.max(...o.concurrency, o.backgroundConcurrency);
  return Array.from({ length: maxClients }, () => {
    const document = randomBytes(o.documentSize);
    return new SignRequest(document, createHash('sha256').update(document).digest(), o.mode);
  });
}

/** On Ctrl-C or SIGTERM: stop the servers and drop the run database. Returns the uninstaller. */
function stopOnSignal(run: RunContext): () => void {
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    run.progress.note('interrupted: stopping the servers and dropping the run database');
    void run.cleanups.run().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Waits for the last profiles, reads the service's totals, stops it and cleans up. */
async function finishService(run: ServiceRun): Promise<BenchResult['server']> {
  const server = run.service.process;
  await run.profiler.settle();
  const final = server.probe.sample();
  if (!server.running) throw new Error(`the service exited during the run:\n${server.log}`);
  await server.stop();
  await run.cleanups.run();
  return {
    cpuSeconds: round(final.cpuSeconds, 2),
    peakRssMB: round(Math.max(server.probe.runPeakMB, final.peakRssMB), 1),
  };
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const progress = new Progress(o.progress);
  const run: RunContext = {
    options: o,
    progress,
    errors: new ErrorLog(),
    gate: new QuietGate(o.quiet, o.retries, o.quietWait, progress),
    cleanups: new Cleanups(),
  };
  const dbServer = ProcessProbe.findDatabaseServer();
  const removeSignalHandlers = stopOnSignal(run);
  /** The service's last output, for a run that fails after it started. */
  let serviceLog: (() => string) | undefined;
  try {
    const machine = machineInfo();
    const requests = signRequests(o);
    const { rawSign, rawCosts } = await measureRaw(run);
    const ceiling = o.skipCeiling ? [] : await measureSigningCeiling(run, requests);
    const handshakeCeiling = o.skipCeiling ? undefined : await measureHandshakeCeiling(run);

    const { run: svc, db, env, resultsDir } = await startMeasuredService(run, dbServer, stamp);
    serviceLog = () => svc.service.process.log;
    const clients = await SigningClients.setUp(svc, env, db.runDir);
    const service = await measureService(svc, clients, requests);
    const variants = await measureVariants(svc, clients, requests, service);
    const backgroundLogins = await measureBackgroundLogins(svc, clients, requests, service);
    const { sessions, memory } = await measureOpenSessions(svc);
    const handshakes = await measureServiceHandshakes(svc);
    const logins = await measureLogins(svc, clients.users);
    clients.close();
    const server = await finishService(svc);

    machine.loadAverageEnd = loadavg().map((l) => round(l, 2));
    const result: BenchResult = {
      version: 1,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      elapsedSeconds: round((performance.now() - t0) / 1000),
      options: resultOptions(o),
      machine,
      database: { engine: db.engine, version: db.version },
      rawSign,
      rawCosts,
      ceiling,
      service,
      handshakes,
      ...(handshakeCeiling ? { handshakeCeiling } : {}),
      variants,
      logins,
      backgroundLogins,
      sessions,
      server,
      ratios: ratiosOf(service, ceiling, rawSign, handshakes, handshakeCeiling),
      targets: [],
      errors: { total: run.errors.total, samples: run.errors.samples },
      profile: svc.profiler.phases,
      ...(memory ? { memory } : {}),
      files: { json: '', svg: '' },
    };
    result.targets = targetsOf(result);
    const json = resolve(o.jsonOut ?? join(resultsDir, `bench-${db.engine}-${stamp}.json`));
    const svg = resolve(o.svgOut ?? json.replace(/\.json$/, '') + '.svg');
    result.files = { json, svg };
    writeSvg(svg, result);
    writeJson(json, result);
    return result;
  } catch (err) {
    // An answer the driver did not expect (a 500, a refused login) is explained by the service's
    // own log line, not by the driver's stack.
    const log = serviceLog?.().trim().slice(-6_000);
    if (log && err instanceof Error)
      err.stack = `${err.stack}\n--- the service's last output ---\n${log}`;
    throw err;
  } finally {
    await run.cleanups.run();
    removeSignalHandlers();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  try {
    if (options.redis !== undefined) {
      const both = await compareWithRedis(options, options.redis, runBench);
      process.stdout.write(`\n${renderText(both.memory)}\n\n${renderText(both.redis)}\n`);
      process.stdout.write(`\n${renderComparison(both)}\n`);
      process.exitCode = both.memory.errors.total + both.redis.errors.total === 0 ? 0 : 1;
      return;
    }
    // Read before the run, so that a wrong file name fails at once, not after minutes.
    const earlier = options.compare === undefined ? undefined : readResult(options.compare);
    const result = await runBench(options);
    process.stdout.write(`\n${renderText(result)}\n`);
    if (earlier !== undefined) process.stdout.write(`\n${compare(earlier, result)}\n`);
    process.exitCode = result.errors.total === 0 ? 0 : 1;
  } catch (err) {
    process.stderr.write(
      `\nbench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 2;
  }
}

if (require.main === module) void main().finally(() => process.exit());
