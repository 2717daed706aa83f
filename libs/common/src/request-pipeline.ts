import { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
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

/**
 * What the pipeline knows of a request, kept on its response object under a symbol: the same
 * object is Express's `res` once Express has set it up, so filters and handlers read it either way.
 */
const STATE = Symbol('dss.request');

interface RequestState {
  requestId: string;
  /** The route template a handler outside Express's router served (see the hot routes). */
  route?: string;
  /** The client address, computed once when first asked for. */
  client?: string;
}

type StatefulResponse = ServerResponse & { [STATE]?: RequestState };

/** The id of the request `res` answers (set by the pipeline's first stage). */
export function requestIdOf(res: ServerResponse): string | undefined {
  return (res as StatefulResponse)[STATE]?.requestId;
}

/** Records the route template that served a request outside Express's router. */
export function setRouteOf(res: ServerResponse, route: string): void {
  const state = (res as StatefulResponse)[STATE];
  if (state !== undefined) state.route = route;
}

/** The path of a request, without its query string (what Express's `req.path` gives). */
export function pathOf(req: IncomingMessage): string {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The route template of an answered request, or {@link UNMATCHED_ROUTE}. */
function routeOf(req: IncomingMessage, state: RequestState): string {
  if (state.route !== undefined) return state.route;
  const { route, baseUrl } = req as { route?: { path?: unknown }; baseUrl?: string };
  return typeof route?.path === 'string' ? `${baseUrl ?? ''}${route.path}` : UNMATCHED_ROUTE;
}

export interface RequestPipelineOptions {
  logger: Logger;
  /** The app's name in its log lines (`admin`); the employee API logs none. */
  app?: string;
  /** Where requests are counted and timed; the admin app keeps none. */
  metrics?: DssMetrics;
}

export interface RequestStagesOptions extends RequestPipelineOptions {
  /**
   * The client address of a request: the app's trust-proxy function applied to it, exactly what
   * Express's `req.ip` computes, so limits, logs and `req.ip` agree.
   */
  clientAddress: (req: IncomingMessage) => string;
}

/** The pipeline's first stages as one function, run once per request before anything else. */
export type RequestStages = (req: IncomingMessage, res: ServerResponse) => void;

/** The client address of a request that went through {@link requestStages}, computed once. */
export type ClientAddressOf = (req: IncomingMessage, res: ServerResponse) => string;

/**
 * The first stages of every request of an app, plain functions run once before any route: the
 * request id (a valid `X-Request-Id` is kept, else a random UUID from the CSPRNG), returned in
 * the response header and carried by every log line of the request; then, when the answer is
 * sent, its metrics (route template, status, latency) and its access log line. The log line has
 * method, path, route, status, duration and client address (trust proxy applied): never the
 * query string, headers or bodies, which may hold secrets.
 */
export function requestStages(options: RequestStagesOptions): {
  run: RequestStages;
  clientOf: ClientAddressOf;
} {
  const { logger, metrics, app, clientAddress } = options;
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
  const clientOf: ClientAddressOf = (req, res) => {
    const state = (res as StatefulResponse)[STATE];
    if (state === undefined) return clientAddress(req);
    return (state.client ??= clientAddress(req));
  };
  // Checked once: the access log costs nothing when info lines are off.
  const logRequests = logger.isLevelEnabled('info');
  const run: RequestStages = (req, res) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
    const state: RequestState = { requestId };
    (res as StatefulResponse)[STATE] = state;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (metrics === undefined && !logRequests) return;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = METHODS.has(req.method ?? '') ? (req.method as string) : 'other';
      const route = routeOf(req, state);
      observe(method, route, res.statusCode, seconds);
      if (logRequests) {
        logger.info(
          {
            ...(app === undefined ? {} : { app }),
            reqId: requestId,
            method,
            path: pathOf(req),
            route,
            status: res.statusCode,
            ms: Math.round(seconds * 1e4) / 10,
            ip: clientOf(req, res),
          },
          'request',
        );
      }
    });
  };
  return { run, clientOf };
}

/**
 * The same stages as an Express middleware, for an app that registers them as its first layer
 * (the admin app); the client address is Express's `req.ip`.
 */
export function requestPipeline(options: RequestPipelineOptions) {
  const { run } = requestStages({
    ...options,
    clientAddress: (req) => (req as Request).ip ?? 'unknown',
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    run(req, res);
    next();
  };
}
