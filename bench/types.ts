/**
 * The shape of a benchmark result (the JSON file under bench/results/). Every figure is a number;
 * latencies are in milliseconds, memory in MiB, CPU in cores (CPU seconds per wall second).
 */

export type SignMode = 'document' | 'digest';

/** Latency percentiles of one measurement, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** What a server process used during a measurement window (read from /proc). */
export interface ProcessUsage {
  /** CPU seconds of all the process's threads per wall second. */
  cpuCores: number;
  /** CPU seconds of the main (event-loop) thread per wall second: near 1.0 means saturated. */
  mainThreadCores: number;
  /** Server CPU milliseconds (all threads) per operation. */
  cpuMsPerOp: number;
  /** Resident set size at the end of the window. */
  rssMB: number;
  /** Peak resident set size (VmHWM) during the window, or over the run where it cannot be reset. */
  peakRssMB: number;
}

/** One closed-loop measurement: N virtual clients, each with its own DSS-SC1 session. */
export interface PointResult {
  concurrency: number;
  /** Length of the measured window, seconds (after the warm-up). */
  windowSeconds: number;
  operations: number;
  perSecond: number;
  errors: number;
  latencyMs: LatencySummary;
  server: ProcessUsage;
  /** CPU of the load driver (this process) per wall second: it shares the machine. */
  driverCpuCores: number;
  /** CPU of the local database server process per wall second (0 for SQLite: in-process). */
  databaseCpuCores: number;
  /** Busy CPU of the whole machine per wall second (from /proc/stat). */
  machineCpuCores: number;
  /** Busy CPU not accounted for by the server, the driver and the database: other load. */
  otherCpuCores: number;
  /** p99 event-loop delay of the driver during the window: high means latency includes driver queueing. */
  driverLoopDelayP99Ms: number;
  /** Measurements taken for this point (repeated when other load exceeded --quiet). */
  attempts: number;
}

export interface RawSignResult {
  mode: SignMode;
  documentSize: number;
  /** Signatures per second of one thread, in the chosen mode. */
  perSecond: number;
  /** `crypto.sign('sha256', document)` (OpenSSL), one thread. */
  documentPerSecond: number;
  /**
   * SHA-256 digest signed as the service signs it (OpenSSL's EVP_PKEY_sign through the native
   * module; noble-curves when the module is not built, see `digestNative`), one thread.
   */
  digestPerSecond: number;
  /** The same digest signed by the noble-curves fallback, for reference (absent in old results). */
  digestFallbackPerSecond?: number;
  /** True when the native digest signer was loaded (absent in old results). */
  digestNative?: boolean;
}

/** What the protocol's and the login's fixed costs allow on one thread, measured in-process. */
export interface RawCostsResult {
  /** `serverHandshake` (X25519, ECDSA sign, HKDF) per second, one thread, no HTTP. */
  handshakePerSecond: number;
  /** Milliseconds of one bcrypt verification at the service's cost (what every login pays). */
  bcryptMs: number;
  bcryptCost: number;
}

export interface BackgroundLoginResult {
  concurrency: number;
  loginsPerSecondTarget: number;
  /** Logins completed per second during the window. */
  loginsPerSecond: number;
  loginErrors: number;
  /** Logins not started because too many were still outstanding. */
  loginsSkipped: number;
  loginLatencyMs: LatencySummary;
  /** Signing, measured while the logins ran. */
  signing: PointResult;
  /** Signing p99 at the same concurrency without logins (the service phase). */
  baselineP99Ms: number;
  /** signing.latencyMs.p99 / baselineP99Ms. */
  p99Ratio: number;
}

export interface SessionsResult {
  requested: number;
  opened: number;
  /** Sessions probed with a sealed request afterwards (a sample), all answered under their keys. */
  verified: number;
  openSeconds: number;
  perSecond: number;
  errors: number;
  /** Server RSS just before the phase. */
  rssBeforeMB: number;
  /** Server RSS with all the sessions open. */
  rssMB: number;
  /** (rssMB - rssBeforeMB) / opened, bytes: a rough figure (heap growth is stepwise). */
  bytesPerSession: number;
}

/** The service's memory after a full GC (with --profile only: read through the profile hook). */
export interface MemoryBreakdown {
  rssMB: number;
  heapTotalMB: number;
  /** Live JavaScript heap. */
  heapUsedMB: number;
  /** Memory of C++ objects bound to JavaScript (Buffers, KeyObjects…). */
  externalMB: number;
  arrayBuffersMB: number;
}

export interface TargetCheck {
  id: string;
  description: string;
  target: number;
  measured: number;
  unit: string;
  /** False when this run's settings cannot test the target (e.g. fewer than 64 clients). */
  applicable: boolean;
  met: boolean;
}

export interface ProfileCategory {
  category: string;
  selfMs: number;
  percent: number;
}

export interface ProfileFunction {
  functionName: string;
  location: string;
  category: string;
  selfMs: number;
  selfPercent: number;
  totalMs: number;
  totalPercent: number;
}

export interface ProfilePhase {
  phase: string;
  file: string;
  sampledMs: number;
  categories: ProfileCategory[];
  topSelf: ProfileFunction[];
  /** The project's own functions (dist/apps, dist/libs) by inclusive time. */
  topProjectTotal: ProfileFunction[];
}

/** Settings of the load that the command line takes and the result records, under these names. */
export interface LoadSettings {
  documentSize: number;
  mode: SignMode;
  users: number;
  loginsPerSecond: number;
  backgroundConcurrency: number;
  handshakeConcurrency: number;
  loginConcurrency: number;
  sessions: number;
}

/** One variant of the signing load (bench/phases/variants.ts). */
export interface SigningVariant {
  /** `digest`, `document`, `cms` or `one-user`. */
  name: 'digest' | 'document' | 'cms' | 'one-user';
  description: string;
  point: PointResult;
  /** Its throughput over the main signing point's at the same concurrency. */
  relativeToService: number;
}

export interface BenchResult {
  version: 1;
  startedAt: string;
  finishedAt: string;
  elapsedSeconds: number;
  options: LoadSettings & {
    concurrency: number[];
    durationSeconds: number;
    warmupSeconds: number;
    bcryptCost: number;
    skipCeiling: boolean;
    quick: boolean;
    profile: boolean;
    /** Other load (cores) above which a point is measured again. */
    quietCores: number;
    retries: number;
    /** Extra environment given to the service (--service-env), e.g. NODE_OPTIONS. */
    serviceEnv: string[];
  };
  machine: {
    cores: number;
    cpuModel: string;
    memoryMB: number;
    node: string;
    os: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  database: { engine: 'sqlite' | 'mysql'; version: string };
  rawSign: RawSignResult;
  rawCosts: RawCostsResult;
  ceiling: PointResult[];
  service: PointResult[];
  handshakes: PointResult;
  /**
   * The same handshake load against a bare node:http server doing only X25519, the ECDSA
   * signature and HKDF (bench/handshake-ceiling-server.ts); absent with --skip-ceiling and in
   * results of earlier versions.
   */
  handshakeCeiling?: PointResult;
  /**
   * The signing load at the highest concurrency again, changed in one respect each: the other
   * mode (digest or document), CMS signatures, one user on every session. Absent in results of
   * earlier versions.
   */
  variants?: SigningVariant[];
  logins: PointResult;
  backgroundLogins: BackgroundLoginResult;
  sessions: SessionsResult;
  server: {
    /** CPU seconds the service used over the whole run (setup included). */
    cpuSeconds: number;
    /** Peak RSS (VmHWM) of the service over the whole run. */
    peakRssMB: number;
  };
  ratios: {
    /** Best service signatures/s over best ceiling signatures/s (0 when the ceiling was skipped). */
    serviceToCeiling: number;
    /** Best service signatures/s over the one-thread raw signing rate. */
    serviceToRawSign: number;
    /** Best ceiling signatures/s over the one-thread raw signing rate. */
    ceilingToRawSign: number;
    perConcurrency: { concurrency: number; serviceToCeiling: number }[];
    /**
     * Service handshakes/s over handshake-ceiling handshakes/s (0 when the ceiling was skipped;
     * absent in results of earlier versions).
     */
    handshakesToCeiling?: number;
  };
  targets: TargetCheck[];
  errors: { total: number; samples: string[] };
  profile: ProfilePhase[];
  /** With --profile: live memory before and after the open-sessions phase. */
  memory?: {
    beforeSessions: MemoryBreakdown;
    withSessions: MemoryBreakdown;
    liveBytesPerSession: number;
  };
  files: { json: string; svg: string };
}
