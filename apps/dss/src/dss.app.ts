import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { loadOrCreatePepper, PasswordHasher } from '@dss/accounts';
import { loadOrCreateLogKey } from '@dss/audit';
import { type Clock, createLogger, PinoNestLogger, systemClock } from '@dss/common';
import { type DssConfig } from '@dss/config';
import { loadOrCreateServerIdentity, MasterKeyRing, type ServerIdentity } from '@dss/keystore';
import { json, type NextFunction, type Request, type Response } from 'express';
import { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { type Logger } from 'pino';
import { bodyNotJson, leanRoutes, renderError, SealedExchange } from '@dss/secure-channel';
import { DssModule, type DssModuleDeps } from './dss.module';
import { dssLeanRoutes } from './lean-routes';

export interface CreateDssAppOptions {
  logger?: Logger;
  clock?: Clock;
  extraModules?: DssModuleDeps['extraModules'];
  sessionStore?: DssModuleDeps['sessionStore'];
  /** Serve the hot routes lean, in front of Nest (default true; tests compare both ways). */
  leanRoutes?: boolean;
}

export interface DssApp {
  app: NestExpressApplication;
  identity: ServerIdentity;
  logger: Logger;
}

interface BodyParserError extends Error {
  type?: string;
}

/** Body-parser failures are channel errors (PROTOCOL.md §3.2), answered plain. */
function bodyErrorHandler(
  err: BodyParserError,
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  if (!err || typeof err.type !== 'string') return next(err);
  if (err.type === 'entity.too.large') {
    res.status(413).json({
      error: { code: 'payload_too_large', message: 'the request body is over the limit' },
    });
    return;
  }
  res.status(400).json(renderError(bodyNotJson()).body);
}

/**
 * The caller's address as Express's `req.ip` gives it: the socket's peer, or with trust proxy
 * on (every hop trusted) the left-most `X-Forwarded-For` entry.
 */
function clientAddressOf(trustProxy: boolean): (req: IncomingMessage) => string {
  return (req) => {
    const forwarded = req.headers['x-forwarded-for'];
    if (trustProxy && forwarded) {
      const first = [forwarded].flat().join(',').split(',')[0].trim();
      if (first) return first;
    }
    return req.socket.remoteAddress ?? 'unknown';
  };
}

/**
 * Access log of every request, lean or not: method, path, status, duration. Never bodies,
 * headers or query strings.
 */
function accessLog(logger: Logger, clientAddress: (req: IncomingMessage) => string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          method: req.method,
          path: (req.url ?? '').split('?')[0],
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          ip: clientAddress(req),
        },
        'request',
      );
    });
  };
}

/**
 * Puts the lean hot routes and the access log in front of Express on the HTTP server Nest
 * created. The access log is attached only when info-level logs are on, so that it costs nothing
 * per request otherwise.
 */
function frontExpress(
  app: NestExpressApplication,
  config: DssConfig,
  logger: Logger,
  lean: boolean,
): void {
  const clientAddress = clientAddressOf(config.trustProxy);
  const serveLean = lean
    ? leanRoutes(dssLeanRoutes(app), app.get(SealedExchange), {
        maxBodyBytes: config.maxBodyBytes,
        logger,
        clientAddress,
      })
    : () => false;
  const log = logger.isLevelEnabled('info') ? accessLog(logger, clientAddress) : undefined;
  const server = app.getHttpServer();
  const [express] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    log?.(req, res);
    if (!serveLean(req, res)) void express(req, res);
  });
}

/** Builds the employee API with its identity key, database and secure channel; not yet listening. */
export async function createDssApp(
  config: DssConfig,
  options: CreateDssAppOptions = {},
): Promise<DssApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const identity = loadOrCreateServerIdentity(config.serverKeyFile);
  if (identity.created) {
    logger.warn(
      { file: identity.privateKeyFile, publicKeyFile: identity.publicKeyFile },
      'created a new server identity key; give dss_public.pem to clients',
    );
  }
  const ring = MasterKeyRing.load(config);
  if (ring.created) {
    logger.warn(
      { file: ring.path },
      'created a new master key file; production should provide DSS_MASTER_KEY or DSS_MASTER_KEY_FILE and back it up',
    );
  }
  const pepper = loadOrCreatePepper(config);
  if (pepper.created)
    logger.warn(
      'created a new password pepper file in the data directory; back it up with the master key',
    );
  const hasher = PasswordHasher.fromConfig(pepper.pepper, config);
  const logKey = loadOrCreateLogKey(config.logKeyFile, config.logOrigin);
  if (logKey.created)
    logger.warn(
      { file: logKey.file, verifierKey: logKey.verifierKey },
      'created a new audit log key; back it up and publish its verifier key',
    );
  const app = await NestFactory.create<NestExpressApplication>(
    DssModule.forRoot(config, {
      clock: options.clock ?? systemClock,
      logger,
      identity,
      ring,
      hasher,
      logKey,
      extraModules: options.extraModules,
      sessionStore: options.sessionStore,
    }),
    { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false },
  );
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  frontExpress(app, config, logger, options.leanRoutes !== false);
  app.use(json({ limit: config.maxBodyBytes, strict: true, type: 'application/json' }));
  app.use(bodyErrorHandler);
  app.enableShutdownHooks();
  return { app, identity, logger };
}
