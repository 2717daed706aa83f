import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { loadOrCreatePepper, PasswordHasher } from '@dss/accounts';
import { loadOrCreateLogKey } from '@dss/audit';
import {
  answersWithin,
  bodyReadStatus,
  type Clock,
  createLogger,
  DssMetrics,
  jsonBody,
  type JsonBodyError,
  listenMetrics,
  type MetricsServer,
  PinoNestLogger,
  requestStages,
  systemClock,
} from '@dss/common';
import { type DssConfig } from '@dss/config';
import {
  checkMasterKey,
  custodyWarnings,
  inspectInstallation,
  loadOrCreateServerIdentity,
  logKeyCreationFor,
  MasterKeyRing,
  nativeDigestSignerProblem,
  recordKekCheck,
  secretCreationFor,
  type ServerIdentity,
} from '@dss/keystore';
import { SecretMissingError } from '@dss/common';
import {
  bodyNotJson,
  createRedisSessionStore,
  type HotDispatch,
  hotRoutes,
  renderError,
  SealedExchange,
  SESSION_STORE,
  SESSION_STORE_KEY_LABEL,
  type SessionStore,
} from '@dss/secure-channel';
import { type RateLimitFactory } from '@dss/common';
import { type Express } from 'express';
import { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { type Logger } from 'pino';
import proxyaddr from 'proxy-addr';
import { DataSource } from 'typeorm';
import { DssModule, type DssModuleDeps } from './dss.module';
import { dssHotRoutes } from './hot-routes';
import { createValidationPipe } from './validation';

export interface CreateDssAppOptions {
  logger?: Logger;
  clock?: Clock;
  extraModules?: DssModuleDeps['extraModules'];
  sessionStore?: DssModuleDeps['sessionStore'];
  /**
   * Dispatch the hot routes without Nest's router (default true; a test compares both ways, and
   * either way every request goes through the same pipeline stages).
   */
  hotRoutes?: boolean;
}

export interface DssApp {
  app: NestExpressApplication;
  identity: ServerIdentity;
  logger: Logger;
  metrics: DssMetrics;
}

/** Body-parser failures are channel errors (PROTOCOL.md §3.2), answered plain. */
function answerBodyError(res: ServerResponse, err: JsonBodyError): void {
  // A body-parser error carries a `type`; a coding that does not decode (gzip that is not gzip)
  // carries only an exposed 4xx status. Anything else: the request stream failed (the client is
  // gone), and nothing can be answered.
  const read = bodyReadStatus(err);
  if (typeof err.type !== 'string' && read === undefined) {
    if (!res.headersSent) res.destroy();
    return;
  }
  // 413 over the limit; 415 an unknown Content-Encoding; anything else unreadable (one that
  // does not decode, not JSON) is a bad envelope.
  const status = read ?? 400;
  const body =
    err.type === 'entity.too.large'
      ? { error: { code: 'payload_too_large', message: 'the request body is over the limit' } }
      : status === 415
        ? renderError(err).body
        : renderError(bodyNotJson()).body;
  const text = JSON.stringify(body);
  res.statusCode = err.type === 'entity.too.large' ? 413 : status === 415 ? 415 : 400;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * The employee API's one request pipeline (DESIGN.md §2, docs/PERFORMANCE.md), run once for every
 * request at the front of the Nest app's own HTTP handler, before Express sets the request up:
 * the client address (Express's own compiled `trust proxy` function, so `req.ip` agrees), the
 * request id, metrics and the access log when the answer is sent, and the one JSON body parser
 * with `DSS_MAX_BODY_BYTES` and its error answers. Then the hot routes' dispatch serves the
 * handshake and SignDoc inside the app; every other request goes on to Express and Nest with the
 * stages already applied (its body parsed, so no route reads it again).
 */
function requestPipelineFront(
  app: NestExpressApplication,
  config: DssConfig,
  logger: Logger,
  metrics: DssMetrics,
  hot: HotDispatch | undefined,
): void {
  const express: Express = app.getHttpAdapter().getInstance();
  const trust = express.get('trust proxy fn') as Parameters<typeof proxyaddr>[1];
  const stages = requestStages({
    logger,
    metrics,
    clientAddress: (req) => proxyaddr(req, trust),
  });
  const body = jsonBody(config.maxBodyBytes);
  const server = app.getHttpServer();
  const [handler] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    stages.run(req, res);
    body(req, res, (err) => {
      if (err !== undefined) return answerBodyError(res, err);
      if (hot?.(req, (req as { body?: unknown }).body, res, () => stages.clientOf(req, res)))
        return;
      void handler(req, res);
    });
  });
}

/** When scraped, the metrics read the live values that other parts of the app hold. */
function connectMetrics(
  app: NestExpressApplication,
  config: DssConfig,
  metrics: DssMetrics,
  hasher: PasswordHasher,
): void {
  const sessions = app.get<SessionStore>(SESSION_STORE);
  metrics.readSessions = () => sessions.size();
  metrics.readBcryptQueue = () => hasher.queueDepth;
  const dataSource = app.get(DataSource);
  metrics.probes.push(async () => {
    const up = await answersWithin(() => dataSource.query('SELECT 1'), config.databaseTimeoutMs);
    metrics.setDependencyUp('database', up);
  });
  if (config.redisUrl !== undefined) {
    metrics.probes.push(async () => {
      metrics.setDependencyUp(
        'redis',
        await answersWithin(() => sessions.ping(), config.redisTimeoutMs),
      );
    });
  }
}

/**
 * With `DSS_REDIS_URL`, the Redis store shared by every instance, its records sealed under a key
 * derived from the master key; without it, undefined (the in-memory store of one instance). A
 * Redis that is not there yet does not stop the start: requests get `503 unavailable` until it
 * answers, and `/readyz` says so.
 */
async function sharedSessionStore(
  config: DssConfig,
  ring: MasterKeyRing,
  clock: Clock,
  logger: Logger,
): Promise<{ store: SessionStore; rateLimits: RateLimitFactory } | undefined> {
  if (config.redisUrl === undefined) return undefined;
  const store = createRedisSessionStore({
    url: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    timeoutMs: config.redisTimeoutMs,
    sealingKey: ring.deriveSubkey(SESSION_STORE_KEY_LABEL),
    clock,
    limits: {
      ttlSeconds: config.sessionTtlSeconds,
      idleSeconds: config.sessionIdleSeconds,
      maxSessions: config.maxSessions,
      replayWindow: config.replayWindow,
    },
  });
  store.redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
  if (!(await store.waitUntilReady(Math.max(config.redisTimeoutMs, 5000))))
    logger.warn('redis is not reachable yet; sealed requests get 503 until it is');
  return { store, rateLimits: store.rateLimits() };
}

/** Builds the employee API with its identity key, database and secure channel; not yet listening. */
export async function createDssApp(
  config: DssConfig,
  options: CreateDssAppOptions = {},
): Promise<DssApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // Custody fails safe (DESIGN.md §4): secrets are created only on a fresh installation, and
  // the master key must match what the database's keys were wrapped under.
  const state = await inspectInstallation(config);
  const creation = secretCreationFor(state);
  for (const warning of custodyWarnings(config)) logger.warn(warning);
  const digestSigner = nativeDigestSignerProblem();
  if (digestSigner !== null) {
    logger.warn(`digest signing runs in JavaScript, about fifty times slower: ${digestSigner}`);
  }
  const identity = loadOrCreateServerIdentity(config.serverKeyFile, creation);
  if (identity.created) {
    logger.warn(
      { file: identity.privateKeyFile, publicKeyFile: identity.publicKeyFile },
      'created a new server identity key; give dss_public.pem to clients',
    );
  }
  const ring = MasterKeyRing.load(config, { creation });
  try {
    checkMasterKey(ring, state);
  } catch (err) {
    ring.close();
    throw err;
  }
  if (ring.created) {
    logger.warn(
      { file: ring.path },
      'created a new master key file; production should provide DSS_MASTER_KEY or DSS_MASTER_KEY_FILE and back it up',
    );
  }
  const pepper = loadOrCreatePepper(config, secretCreationFor(state, 'pepper'));
  if (pepper.created)
    logger.warn(
      'created a new password pepper file in the data directory; back it up with the master key',
    );
  const logKeyCreation = logKeyCreationFor(state);
  if (!logKeyCreation.mayCreate && !existsSync(config.logKeyFile)) {
    throw new SecretMissingError(
      'audit log key',
      config.logKeyFile,
      'missing',
      logKeyCreation,
      'restore it from the backup (or set DSS_LOG_KEY_FILE): a new key would invalidate every checkpoint held outside',
    );
  }
  const logKey = loadOrCreateLogKey(config.logKeyFile, config.logOrigin, logKeyCreation.mayCreate);
  if (logKey.created)
    logger.warn(
      { file: logKey.file, verifierKey: logKey.verifierKey },
      'created a new audit log key; back it up and publish its verifier key',
    );
  const hasher = PasswordHasher.fromConfig(pepper.pepper, config);
  const metrics = new DssMetrics('dss');
  const validationPipe = createValidationPipe();
  const shared = options.sessionStore
    ? { store: options.sessionStore, rateLimits: undefined }
    : await sharedSessionStore(config, ring, options.clock ?? systemClock, logger);
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      DssModule.forRoot(config, {
        clock: options.clock ?? systemClock,
        logger,
        identity,
        ring,
        hasher,
        logKey,
        extraModules: options.extraModules,
        sessionStore: shared?.store,
        rateLimits: shared?.rateLimits,
        metrics,
        validationPipe,
      }),
      { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false },
    );
  } catch (err) {
    // A Redis connection opened above must not keep the process alive after a failed start.
    if (!options.sessionStore) await shared?.store.close();
    throw err;
  }
  await recordKekCheck(app.get(DataSource), ring);
  // One pipeline for every route (DESIGN.md §2), in front of Express and Nest; the hot routes'
  // dispatch comes last, so it sees exactly what a Nest route would.
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  const hot =
    options.hotRoutes === false
      ? undefined
      : hotRoutes(dssHotRoutes(app, validationPipe), app.get(SealedExchange), logger);
  requestPipelineFront(app, config, logger, metrics, hot);
  connectMetrics(app, config, metrics, hasher);
  app.enableShutdownHooks();
  return { app, identity, logger, metrics };
}

/**
 * Starts the metrics listener when `DSS_METRICS_PORT` is set (docs/OPERATIONS.md, "Metrics"); it
 * closes with the app's HTTP server.
 */
export async function startMetrics(
  dss: DssApp,
  config: Pick<DssConfig, 'metricsHost' | 'metricsPort'>,
): Promise<MetricsServer | undefined> {
  if (config.metricsPort === undefined) return undefined;
  const listener = await listenMetrics(
    dss.metrics,
    config.metricsHost,
    config.metricsPort,
    dss.logger,
  );
  dss.app.getHttpServer().once('close', () => void listener.close());
  return listener;
}
