import { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { type Logger } from 'pino';
import { type DssMetrics, UNMATCHED_ROUTE } from './metrics';

/** The header that carries a request's id, in both directions. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * An id a caller (or a proxy in front) may choose: 1–128 characters that are safe in a log line
 * and a header, which covers UUIDs, W3C trace ids and the ids proxies generate. Anything else is
 * replaced, not refused: the id is for correlation, never for authorisation.
 */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Methods counted under their own label; anything else is `other` (no unbounded series). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface PipelineLocals {
  requestId?: string;
  /** The route template a handler outside Express's router served (see the hot routes). */
  route?: string;
}

/** The id of the request `res` answers (set by {@link requestPipeline}). */
export function requestIdOf(res: Response): string | undefined {
  return (res.locals as PipelineLocals).requestId;
}

/** Records the route template that served a request outside Express's router. */
export function setRouteOf(res: Response, route: string): void {
  (res.locals as PipelineLocals).route = route;
}

/** The route template of an answered request, or {@link UNMATCHED_ROUTE}. */
function routeOf(req: Request, res: Response): string {
  const own = (res.locals as PipelineLocals).route;
  if (own !== undefined) return own;
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? `${req.baseUrl}${route.path}` : UNMATCHED_ROUTE;
}

export interface RequestPipelineOptions {
  logger: Logger;
  /** The app's name in its log lines (`admin`); the employee API logs none. */
  app?: string;
  /** Where requests are counted and timed; the admin app keeps none. */
  metrics?: DssMetrics;
}

/**
 * The first stage of every request of an app, registered once on its Express instance before
 * any route: the request id (a valid `X-Request-Id` is kept, else a random UUID from the CSPRNG),
 * returned in the response header and carried by every log line of the request; then, when the
 * answer is sent, its metrics (route template, status, latency) and its access log line. The log
 * line has method, path, route, status, duration and client address (`req.ip`, after trust
 * proxy): never the query string, headers or bodies, which may hold secrets.
 */
export function requestPipeline(options: RequestPipelineOptions) {
  const { logger, metrics, app } = options;
  // One child per method, route template and status (a bounded set): observing through it skips
  // prom-client's hashing of a label object on every request.
  const observers = new Map<string, { observe(seconds: number): void }>();
  const observe = (method: string, route: string, status: number, seconds: number): void => {
    if (metrics === undefined) return;
    const key = `${method} ${status} ${route}`;
    let observer = observers.get(key);
    if (observer === undefined) {
      observer = metrics.requests.labels({ method, route, status: String(status) });
      observers.set(key, observer);
    }
    observer.observe(seconds);
  };
  // Checked once: the access log costs nothing when info lines are off.
  const logRequests = logger.isLevelEnabled('info');
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
    (res.locals as PipelineLocals).requestId = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = METHODS.has(req.method) ? req.method : 'other';
      const route = routeOf(req, res);
      observe(method, route, res.statusCode, seconds);
      if (logRequests) {
        logger.info(
          {
            ...(app === undefined ? {} : { app }),
            reqId: requestId,
            method,
            path: req.path,
            route,
            status: res.statusCode,
            ms: Math.round(seconds * 1e4) / 10,
            ip: req.ip,
          },
          'request',
        );
      }
    });
    next();
  };
}
