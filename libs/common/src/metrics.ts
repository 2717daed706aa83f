import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerProcessMetrics } from './process-metrics';
import { type Dependency } from './unavailable';

/** Injection token for the app's {@link DssMetrics}. */
export const METRICS = Symbol('METRICS');

/** Route label of a request that matched no route: unknown paths must not grow the series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The metrics of one app instance (docs/OPERATIONS.md, "Metrics"), in a registry of its own, so
 * that several apps in one process (tests) never share or clash. Values that live elsewhere (live
 * sessions, the bcrypt queue) are read when scraped, through the `read*` hooks the app sets.
 */
export class DssMetrics {
  readonly registry = new Registry();

  /** Every answered request, by route template (never the raw path) and status. */
  readonly requests: Histogram<'method' | 'route' | 'status'>;
  readonly handshakes: Counter;
  readonly signatures: Counter<'mode'>;
  readonly auditCommitSeconds: Histogram;
  readonly auditBatchSize: Histogram;
  readonly dependencyUp: Gauge<'dependency'>;
  readonly loginAttempts: Counter<'kind' | 'outcome'>;
  readonly loginLocks: Counter<'kind' | 'scope'>;

  /** Sessions held by this instance's store; set by the app. */
  readSessions: () => Promise<number> | number = () => 0;
  /** bcrypt jobs waiting for a thread; set by the app. */
  readBcryptQueue: () => number = () => 0;
  /** Probes run when scraped (e.g. the database's); each sets its `dependencyUp`. */
  readonly probes: (() => Promise<void>)[] = [];

  constructor(readonly app: 'dss' | 'admin' = 'dss') {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ app });
    // The process's own: CPU, memory, heap, event-loop delay, open handles (read when scraped).
    registerProcessMetrics(this.registry);
    this.requests = new Histogram({
      name: 'dss_http_request_duration_seconds',
      help: 'HTTP requests answered, by method, route template and status, with their latency',
      labelNames: ['method', 'route', 'status'],
      // Signing answers in 1–30 ms under load, logins in 0.2–10 s (bcrypt queue).
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.handshakes = new Counter({
      name: 'dss_handshakes_total',
      help: 'DSS-SC1 handshakes completed (sessions created)',
      registers,
    });
    this.signatures = new Counter({
      name: 'dss_signatures_total',
      help: 'Signatures made and recorded in the audit trail, by input (document or digest)',
      labelNames: ['mode'],
      registers,
    });
    this.auditCommitSeconds = new Histogram({
      name: 'dss_audit_commit_duration_seconds',
      help: 'Duration of each group-commit transaction of audit records',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.auditBatchSize = new Histogram({
      name: 'dss_audit_commit_batch_size',
      help: 'Audit records written by each group-commit transaction',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
    this.dependencyUp = new Gauge({
      name: 'dss_dependency_up',
      help: 'Whether a dependency answered its last health check (1) or not (0)',
      labelNames: ['dependency'],
      registers,
    });
    this.loginAttempts = new Counter({
      name: 'dss_login_attempts_total',
      help: 'Login attempts by kind of account (user, operator) and outcome (success, failure, locked)',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.loginLocks = new Counter({
      name: 'dss_login_locks_total',
      help: 'Lockouts started, by kind of account and scope (client: one address; account: all)',
      labelNames: ['kind', 'scope'],
      registers,
    });
    const sessions = new Gauge({
      name: 'dss_sessions_live',
      help: 'Secure-channel sessions held by the session store',
      registers,
    });
    const bcryptQueue = new Gauge({
      name: 'dss_bcrypt_queue_depth',
      help: 'bcrypt jobs (logins, password changes) waiting for a worker thread',
      registers,
    });
    // Read when scraped: these values live in the session store and the bcrypt pool.
    this.probes.push(async () => {
      sessions.set(await this.readSessions());
      bcryptQueue.set(this.readBcryptQueue());
    });
  }

  /** Counts a login attempt (the accounts' LoginMetrics; never a name or a password). */
  attempt(kind: string, outcome: string): void {
    this.loginAttempts.inc({ kind, outcome });
  }

  /** Counts a lockout that starts (the accounts' LoginMetrics). */
  lockStarted(kind: string, scope: string): void {
    this.loginLocks.inc({ kind, scope });
  }

  /** Sets a dependency's health, as the last check saw it (a health check or a probe). */
  setDependencyUp(dependency: Dependency, up: boolean): void {
    this.dependencyUp.set({ dependency }, up ? 1 : 0);
  }

  /** The Prometheus text exposition of every metric, after running the probes. */
  async render(): Promise<string> {
    await Promise.all(this.probes.map((probe) => probe()));
    return this.registry.metrics();
  }
}
