/**
 * The load driver: virtual clients that speak DSS-SC1 with the protocol functions the SDK uses
 * (clientHandshakeStart/Finish, sealRequest, openResponse), over node:http with a keep-alive
 * agent, in closed loops (each client sends its next request when the previous one is answered)
 * or an open loop (a fixed rate). Latencies go into a log-linear histogram.
 */

import { Agent, request as httpRequest } from 'node:http';
import { type KeyObject, verify as cryptoVerify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type ClientHandshakeState,
  type HandshakeRequestWire,
  type SessionKeys,
  b64uDecode,
  clientHandshakeFinish,
  clientHandshakeStart,
  openResponse,
  sealRequest,
} from '@dss/secure-channel/protocol';
import { type LatencySummary } from './types';

// ------------------------------------------------------------------------------------ histogram

/** Values below this are counted exactly (microseconds). */
const LINEAR = 128;
/** Sub-buckets per power of two above LINEAR: a relative error under 1/64. */
const SUB = 64;
const MAX_VALUE = 2 ** 31 - 1;
const BUCKETS = LINEAR + 25 * SUB;

function bucketOf(us: number): number {
  const v = us <= 0 ? 0 : us >= MAX_VALUE ? MAX_VALUE : Math.floor(us);
  if (v < LINEAR) return v;
  const shift = 31 - Math.clz32(v) - 6;
  return LINEAR + (shift - 1) * SUB + ((v >>> shift) - SUB);
}

/** Highest value (microseconds) that falls into bucket `i`. */
function upperOf(i: number): number {
  if (i < LINEAR) return i;
  const k = i - LINEAR;
  const shift = Math.floor(k / SUB) + 1;
  const top = SUB + (k % SUB);
  return (top + 1) * 2 ** shift - 1;
}

/**
 * A latency histogram in microseconds, in the manner of HdrHistogram: exact below 128 µs, then 64
 * buckets per power of two (under 1.6% error), fixed memory, O(1) recording.
 */
export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  private sum = 0;
  private maxUs = 0;

  recordMs(ms: number): void {
    const us = ms * 1000;
    this.counts[bucketOf(us)]++;
    this.count++;
    this.sum += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  /** The value at quantile `q` (0..1) in milliseconds: the top of its bucket, at most the max. */
  quantileMs(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperOf(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  summary(): LatencySummary {
    const round = (ms: number): number => Math.round(ms * 1000) / 1000;
    return {
      p50: round(this.quantileMs(0.5)),
      p95: round(this.quantileMs(0.95)),
      p99: round(this.quantileMs(0.99)),
      max: round(this.maxUs / 1000),
      mean: round(this.count === 0 ? 0 : this.sum / this.count / 1000),
    };
  }
}

// ----------------------------------------------------------------------------------------- HTTP

export interface HttpAnswer {
  status: number;
  text: string;
}

/** A failed operation: a code to count by, and a message for the error samples. */
export class BenchError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BenchError';
  }
}

const JSON_HEADERS = 'application/json';

/** The kept-alive socket was closed by the server before the request reached it. */
class StaleSocketError extends BenchError {
  constructor(path: string) {
    super('network', `${path}: connection reset on a reused socket`);
  }
}

/** One server address with its own keep-alive agent (one socket per virtual client). */
export class HttpTarget {
  private readonly agent: Agent;

  constructor(
    readonly host: string,
    readonly port: number,
    maxSockets: number,
    private readonly timeoutMs = 120_000,
  ) {
    // Idle sockets are dropped after 4 s, before the server's 5 s keep-alive timeout closes them.
    this.agent = new Agent({ keepAlive: true, maxSockets, scheduling: 'lifo', timeout: 4000 });
  }

  /**
   * One request. A request written to a kept-alive socket that the server closed at the same
   * moment fails with ECONNRESET before any answer (the server never read it): sent again once.
   */
  async request(method: string, path: string, body: string): Promise<HttpAnswer> {
    try {
      return await this.send(method, path, body);
    } catch (err) {
      if (!(err instanceof StaleSocketError)) throw err;
      return this.send(method, path, body);
    }
  }

  private send(method: string, path: string, body: string): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = httpRequest(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method,
          path,
          // Per request; the agent's shorter timeout applies to idle sockets only.
          timeout: this.timeoutMs,
          headers: {
            'content-type': JSON_HEADERS,
            accept: JSON_HEADERS,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          req.reusedSocket && err.code === 'ECONNRESET'
            ? new StaleSocketError(path)
            : new BenchError('network', `${path}: ${err.message}`),
        ),
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function parseJson(answer: HttpAnswer, what: string): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new BenchError('not_json', `${what}: HTTP ${answer.status}, body is not JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `{"error": {"code"}}` code of a plain or opened answer, if it has one. */
export function errorCode(value: unknown): string | undefined {
  if (isObject(value) && isObject(value.error) && typeof value.error.code === 'string')
    return value.error.code;
  return undefined;
}

// ------------------------------------------------------------------------------------ sessions

/** A handshake whose client half is ready: `request` to send, `state` to finish it. */
export interface PendingHandshake {
  request: HandshakeRequestWire;
  body: string;
  state: ClientHandshakeState;
}

export function startHandshake(): PendingHandshake {
  const { request, state } = clientHandshakeStart();
  return { request, body: JSON.stringify(request), state };
}

/** Sends the handshake request; the answer is checked by {@link finishHandshake}. */
export async function sendHandshake(http: HttpTarget, pending: PendingHandshake): Promise<unknown> {
  const answer = await http.request('POST', '/v1/handshake', pending.body);
  const json = parseJson(answer, 'handshake');
  if (answer.status !== 200) {
    throw new BenchError(
      errorCode(json) ?? `http_${answer.status}`,
      `handshake: HTTP ${answer.status}`,
    );
  }
  return json;
}

/** Verifies the server's signature with the pinned key and derives the session keys. */
export function finishHandshake(
  pending: PendingHandshake,
  response: unknown,
  serverKey: KeyObject,
): SecureSession {
  try {
    const result = clientHandshakeFinish(pending.state, response, serverKey);
    return new SecureSession(result.sessionId, result.keys);
  } catch (err) {
    throw new BenchError('bad_handshake', `handshake: ${(err as Error).message}`);
  }
}

/** A DSS-SC1 session on the client side: its keys and its next `seq`. */
export class SecureSession {
  private nextSeq = 1;

  constructor(
    readonly id: Buffer,
    private readonly keys: SessionKeys,
  ) {}

  static async open(http: HttpTarget, serverKey: KeyObject): Promise<SecureSession> {
    const pending = startHandshake();
    return finishHandshake(pending, await sendHandshake(http, pending), serverKey);
  }

  /**
   * One sealed request (PROTOCOL.md §3): seals `plaintext` (UTF-8 JSON) under the next `seq`,
   * opens the sealed answer and returns its HTTP status and parsed plaintext. Plain (channel)
   * error answers and answers that do not authenticate throw.
   */
  async call(
    http: HttpTarget,
    method: string,
    path: string,
    plaintext: Buffer,
  ): Promise<{ status: number; value: unknown }> {
    const seq = this.nextSeq++;
    const envelope = sealRequest(this.keys, this.id, seq, method, path, plaintext);
    const answer = await http.request(method, path, JSON.stringify(envelope));
    const json = parseJson(answer, path);
    if (!isObject(json) || !('payload' in json)) {
      throw new BenchError(
        errorCode(json) ?? `http_${answer.status}`,
        `${path}: plain answer, HTTP ${answer.status}`,
      );
    }
    let opened: Buffer | null;
    try {
      opened = openResponse(this.keys, this.id, seq, answer.status, json);
    } catch (err) {
      throw new BenchError('bad_envelope', `${path}: ${(err as Error).message}`);
    }
    if (opened === null)
      throw new BenchError('bad_seal', `${path}: the sealed answer does not authenticate`);
    let value: unknown;
    try {
      value = JSON.parse(opened.toString('utf8')) as unknown;
    } catch {
      throw new BenchError('not_json', `${path}: the opened answer is not JSON`);
    }
    return { status: answer.status, value };
  }

  /** A sealed call that must succeed with `expected` status; returns the opened object. */
  async expect(
    http: HttpTarget,
    method: string,
    path: string,
    body: object,
    expected: number,
  ): Promise<Record<string, unknown>> {
    const { status, value } = await this.call(
      http,
      method,
      path,
      Buffer.from(JSON.stringify(body), 'utf8'),
    );
    if (status !== expected || !isObject(value)) {
      throw new BenchError(
        errorCode(value) ?? `http_${status}`,
        `${method} ${path}: HTTP ${status} ${errorCode(value) ?? ''}`.trim(),
      );
    }
    return value;
  }

  login(http: HttpTarget, username: string, password: string): Promise<Record<string, unknown>> {
    return this.expect(http, 'POST', '/v1/auth/login', { username, password }, 200);
  }
}

/** A prepared SignDoc request: the same plaintext each time, sealed under a fresh `seq`. */
export class SignRequest {
  readonly plaintext: Buffer;

  constructor(
    readonly document: Buffer,
    digest: Buffer,
    readonly mode: 'document' | 'digest',
    /** `cms`: a detached CMS SignedData instead of the bare ECDSA signature. */
    readonly format: 'raw' | 'cms' = 'raw',
  ) {
    const body =
      mode === 'document'
        ? { document: document.toString('base64url') }
        : { digest: digest.toString('base64url') };
    const withFormat = format === 'raw' ? body : { ...body, format };
    this.plaintext = Buffer.from(JSON.stringify(withFormat), 'utf8');
  }

  /**
   * Sends it and checks the answer; with `verifyWith`, also verifies the signature over the
   * document (DER, SHA-256) with that public key — for a CMS answer, that it is a DER SEQUENCE
   * (its signature is checked by the CMS tests, not in the load loop).
   */
  async send(http: HttpTarget, session: SecureSession, verifyWith?: KeyObject): Promise<void> {
    const { status, value } = await session.call(http, 'POST', '/v1/signatures', this.plaintext);
    if (status !== 200 || !isObject(value) || typeof value.signature !== 'string') {
      throw new BenchError(
        errorCode(value) ?? `http_${status}`,
        `sign: HTTP ${status} ${errorCode(value) ?? ''}`.trim(),
      );
    }
    if (verifyWith) {
      const signature = b64uDecode(value.signature, 'signature');
      if (this.format === 'cms') {
        if (signature[0] !== 0x30 || signature.length < 256) {
          throw new BenchError('bad_signature', 'sign: the CMS answer is not a DER SignedData');
        }
        return;
      }
      const ok = cryptoVerify(
        'sha256',
        this.document,
        { key: verifyWith, dsaEncoding: 'der' },
        signature,
      );
      if (!ok) throw new BenchError('bad_signature', 'sign: the signature does not verify');
    }
  }
}

// ------------------------------------------------------------------------------------ progress

/** One status line on the terminal, rewritten in place on a TTY, every few seconds otherwise. */
export class Progress {
  private readonly tty: boolean;
  private lastPrint = 0;

  constructor(private readonly enabled: boolean) {
    this.tty = Boolean(process.stderr.isTTY);
  }

  update(line: string): void {
    if (!this.enabled) return;
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${line}`);
      return;
    }
    const now = performance.now();
    if (now - this.lastPrint >= 5000) {
      this.lastPrint = now;
      process.stderr.write(`${line}\n`);
    }
  }

  done(line: string): void {
    if (this.tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`${line}\n`);
    this.lastPrint = 0;
  }

  note(line: string): void {
    if (this.tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`${line}\n`);
  }
}

// --------------------------------------------------------------------------------------- loops

/** Collects failures: a count, and the first few distinct messages. */
export class ErrorLog {
  total = 0;
  readonly samples: string[] = [];

  add(label: string, err: unknown): void {
    this.total++;
    const message = `${label}: ${err instanceof Error ? err.message : String(err)}`;
    if (this.samples.length < 20 && !this.samples.includes(message)) this.samples.push(message);
  }
}

export interface ClosedLoopOptions {
  label: string;
  workers: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** One operation of worker `w`; may return the latency (ms) to record instead of its own. */
  op: (worker: number) => Promise<number | void>;
  /** Called when the measured window opens and closes (CPU samples, profiler). */
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
  progress: Progress;
  errors: ErrorLog;
}

export interface LoopOutcome {
  operations: number;
  errors: number;
  windowSeconds: number;
  histogram: Histogram;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `workers` closed loops for a warm-up then a measured window. Throughput counts the
 * operations completed inside the window; latency, those started inside it. Every error counts,
 * warm-up included.
 */
export async function runClosedLoop(o: ClosedLoopOptions): Promise<LoopOutcome> {
  const histogram = new Histogram();
  let state: 'warmup' | 'window' | 'stopped' = 'warmup';
  let windowStart = 0;
  let windowEnd = 0;
  let counted = 0;
  let completed = 0;
  let errors = 0;

  const openWindow = (): void => {
    state = 'window';
    windowStart = performance.now();
    o.onWindowStart?.();
  };
  const startTimer = setTimeout(openWindow, o.warmupSeconds * 1000);
  const total = o.warmupSeconds + o.durationSeconds;
  const began = performance.now();
  const stopTimer = setTimeout(() => {
    if (state === 'warmup') openWindow();
    windowEnd = performance.now();
    state = 'stopped';
    o.onWindowEnd?.();
  }, total * 1000);
  let lastCompleted = 0;
  let lastTick = began;
  const ticker = setInterval(() => {
    const now = performance.now();
    const rate = ((completed - lastCompleted) * 1000) / (now - lastTick);
    lastCompleted = completed;
    lastTick = now;
    const elapsed = Math.min(total, (now - began) / 1000);
    o.progress.update(
      `  ${o.label}  ${elapsed.toFixed(0)}/${total.toFixed(0)} s  ${Math.round(rate)}/s` +
        `  p99 ${histogram.quantileMs(0.99).toFixed(1)} ms  errors ${errors}`,
    );
  }, 1000);

  const worker = async (w: number): Promise<void> => {
    while (state !== 'stopped') {
      const t0 = performance.now();
      const startedInWindow = state === 'window';
      try {
        const reported = await o.op(w);
        const t1 = performance.now();
        completed++;
        if (state === 'window') counted++;
        if (startedInWindow) histogram.recordMs(typeof reported === 'number' ? reported : t1 - t0);
      } catch (err) {
        errors++;
        o.errors.add(o.label, err);
        await sleep(10);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.workers }, (_, w) => worker(w)));
  } finally {
    clearTimeout(startTimer);
    clearTimeout(stopTimer);
    clearInterval(ticker);
  }
  const windowSeconds = Math.max(1e-9, (windowEnd - windowStart) / 1000);
  return { operations: counted, errors, windowSeconds, histogram };
}

export interface OpenLoopOptions {
  label: string;
  ratePerSecond: number;
  startDelaySeconds: number;
  durationSeconds: number;
  maxOutstanding: number;
  op: () => Promise<number | void>;
  errors: ErrorLog;
}

export interface OpenLoopOutcome {
  fired: number;
  completedInWindow: number;
  skipped: number;
  errors: number;
  windowSeconds: number;
  histogram: Histogram;
}

/** Starts `op` at a fixed rate (not waiting for answers), up to `maxOutstanding` at once. */
export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopOutcome> {
  const histogram = new Histogram();
  await sleep(o.startDelaySeconds * 1000);
  const start = performance.now();
  const end = start + o.durationSeconds * 1000;
  const interval = 1000 / o.ratePerSecond;
  const running = new Set<Promise<void>>();
  let fired = 0;
  let completedInWindow = 0;
  let skipped = 0;
  let errors = 0;
  for (let k = 0; ; k++) {
    const due = start + k * interval;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (running.size >= o.maxOutstanding) {
      skipped++;
      continue;
    }
    fired++;
    const t0 = performance.now();
    const p: Promise<void> = o
      .op()
      .then((reported) => {
        const t1 = performance.now();
        if (t1 <= end) completedInWindow++;
        histogram.recordMs(typeof reported === 'number' ? reported : t1 - t0);
      })
      .catch((err: unknown) => {
        errors++;
        o.errors.add(o.label, err);
      })
      .finally(() => running.delete(p));
    running.add(p);
  }
  const remaining = end - performance.now();
  if (remaining > 0) await sleep(remaining);
  await Promise.all(running);
  return {
    fired,
    completedInWindow,
    skipped,
    errors,
    windowSeconds: o.durationSeconds,
    histogram,
  };
}

/** Runs `items` through `op` with at most `concurrency` at a time; returns results in order. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  op: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await op(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
