import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import {
  loadOrCreatePepper,
  type OperatorBootstrap,
  OperatorsService,
  PasswordHasher,
} from '@dss/accounts';
import {
  bodyReadStatus,
  type Clock,
  createLogger,
  PinoNestLogger,
  renderHttpError,
  requestPipeline,
  systemClock,
} from '@dss/common';
import { type DssConfig } from '@dss/config';
import { custodyWarnings, inspectInstallation, secretCreationFor } from '@dss/keystore';
import cookieParser from 'cookie-parser';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { type Logger } from 'pino';
import { AdminModule } from './admin.module';
import { CSRF_HEADER } from './auth/session-token';
import { buildOpenApiDocument } from './common/openapi-document';
import { defaultDashboardDir, serveDashboard } from './dashboard/dashboard';

/** Largest request body of the admin API: its requests are small JSON objects. */
export const ADMIN_MAX_BODY_BYTES = 64 * 1024;
/** Swagger UI, and the OpenAPI document beside it. */
export const DOCS_PATH = 'api/docs';
export const DOCS_JSON_PATH = 'api/docs-json';

export interface CreateAdminAppOptions {
  logger?: Logger;
  clock?: Clock;
  /**
   * Create the first operator when there is none (default true). The OpenAPI generator turns it
   * off: it only needs the routes.
   */
  bootstrapOperator?: boolean;
}

export interface AdminApp {
  app: NestExpressApplication;
  logger: Logger;
  document: OpenAPIObject;
  /** What the first-start bootstrap did (`created: false` when operators existed). */
  bootstrap: OperatorBootstrap;
}

interface BodyParserError extends Error {
  type?: string;
}

/** Body-parser failures in the API's error shape: 413 `payload_too_large`, 400 otherwise. */
function bodyErrorHandler(
  err: BodyParserError,
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  const status = bodyReadStatus(err);
  if (status === undefined) return next(err);
  if (err.type === 'entity.too.large') {
    res.status(413).json({
      error: { code: 'payload_too_large', message: 'the request body is over the limit' },
    });
    return;
  }
  // An unknown Content-Encoding; one that does not decode (not gzip) is a bad body below.
  if (status === 415) {
    res.status(415).json(renderHttpError(err).body);
    return;
  }
  res
    .status(400)
    .json({ error: { code: 'invalid_request', message: 'the body is not valid JSON' } });
}

/** API answers are about people and keys: never cached. (Swagger UI's static files may be.) */
function noStore(req: Request, res: Response, next: NextFunction): void {
  if (!req.path.startsWith(`/${DOCS_PATH}/`)) res.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * Security headers. The CSP allows only same-origin scripts, which is all Swagger UI needs here
 * (its bundle and init script are served by this app, no CDN); its inline `<style>` blocks need
 * `'unsafe-inline'` for styles only. No `upgrade-insecure-requests`: the app listens on plain
 * HTTP on localhost by default.
 */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
}

/**
 * Builds the admin app (DESIGN.md §6) on the configured database: hardened Express, the API under
 * /api, Swagger UI at /api/docs and the OpenAPI document at /api/docs-json, and, on a first start
 * with no operator, the `admin` operator. Not yet listening.
 */
export async function createAdminApp(
  config: DssConfig,
  options: CreateAdminAppOptions = {},
): Promise<AdminApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // A missing pepper on a populated installation stops the start (DESIGN.md §4).
  const creation = secretCreationFor(await inspectInstallation(config), 'pepper');
  for (const warning of custodyWarnings(config)) logger.warn(warning);
  const pepper = loadOrCreatePepper(config, creation);
  if (pepper.created)
    logger.warn(
      'created a new password pepper file in the data directory; back it up with the master key',
    );
  const hasher = PasswordHasher.fromConfig(pepper.pepper, config);
  const app = await NestFactory.create<NestExpressApplication>(
    AdminModule.forRoot(config, { clock: options.clock ?? systemClock, logger, hasher }),
    { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false },
  );
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.setGlobalPrefix('api');
  // The request id and access log of every request, as in the employee API (no metrics here).
  app.use(requestPipeline({ logger, app: 'admin' }));
  app.use(securityHeaders());
  app.use(noStore);
  if (config.adminCorsOrigins.length > 0) {
    app.enableCors({
      origin: [...config.adminCorsOrigins],
      credentials: true,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', CSRF_HEADER],
      exposedHeaders: ['Content-Disposition', 'Retry-After'],
      maxAge: 600,
    });
  }
  app.use(cookieParser());
  app.use(json({ limit: ADMIN_MAX_BODY_BYTES, strict: true, type: 'application/json' }));
  app.use(bodyErrorHandler);
  serveDashboard(app, defaultDashboardDir());

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'DSS admin API',
    swaggerOptions: { validatorUrl: null, persistAuthorization: false },
  });
  app.enableShutdownHooks();

  let bootstrap: OperatorBootstrap = { created: false };
  if (options.bootstrapOperator !== false) {
    bootstrap = await app.get(OperatorsService).bootstrap();
    if (bootstrap.passwordFile !== undefined) {
      logger.warn(
        { operator: bootstrap.username, passwordFile: bootstrap.passwordFile },
        'created the first operator with a generated one-time password; read it from the file, log in and change it',
      );
    } else if (bootstrap.created) {
      logger.info(
        { operator: bootstrap.username },
        'created the first operator with DSS_ADMIN_BOOTSTRAP_PASSWORD; change it at first login',
      );
    }
  }
  return { app, logger, document, bootstrap };
}
