import { pathOf, requestIdOf, setRouteOf } from '@dss/common';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from 'pino';
import { ChannelError, ChannelErrorCode } from '../protocol';
import { type ChannelSession } from '../session';
import { renderError } from './error-mapping';
import { type RequiredState } from './sealed.decorator';
import { type OpenedRequest, type SealedAnswer, type SealedExchange } from './sealed-exchange';

/** A sealed route served by {@link hotRoutes}: what its Nest handler does, minus the framework. */
export interface HotSealedRoute {
  kind: 'sealed';
  method: string;
  path: string;
  /** The session state the route requires, as its `@Sealed({ state })` says. */
  state: RequiredState;
  /** The success status, as the route's `@HttpCode`. */
  status: number;
  /** The operation on the opened, admitted plaintext; what it resolves to is sealed. */
  handle(body: Record<string, unknown>, session: ChannelSession): Promise<unknown>;
}

/** A public (unsealed) route served by {@link hotRoutes}. */
export interface HotPublicRoute {
  kind: 'public';
  method: string;
  path: string;
  status: number;
  /** `client` is the caller's address, as `req.ip` gives it (trust proxy applied). */
  handle(body: unknown, client: string): Promise<unknown>;
}

export type HotRoute = HotSealedRoute | HotPublicRoute;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The channel error for a body that is not JSON (PROTOCOL.md §3.2). */
export function bodyNotJson(): ChannelError {
  return new ChannelError(ChannelErrorCode.BadEnvelope, 'the body is not valid JSON');
}

/** One write of a JSON answer (no ETag: answers are sealed or errors, never cacheable). */
function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Serves a request when a hot route matches it (see {@link hotRoutes}); false otherwise. */
export type HotDispatch = (
  req: IncomingMessage,
  body: unknown,
  res: ServerResponse,
  client: () => string,
) => boolean;

/**
 * The hot routes' dispatch (DESIGN.md §2, docs/PERFORMANCE.md): the last stage of the Nest app's
 * one request pipeline, after the stages every request goes through (client address, request id,
 * metrics, access log, the JSON body parser and its limit), that serves the handshake and SignDoc
 * without Express's request set-up and router, Nest's interceptor chain and RxJS. It runs the
 * same work as the Nest route: the same {@link SealedExchange} checks in the same order, the same
 * handler code (and the app's one ValidationPipe), the same error mapping. Every request whose
 * method and path match a route is served here, whatever its body (the parser has already
 * answered bodies that are not JSON or are too large); everything else goes on to Express and Nest.
 */
export function hotRoutes(
  routes: readonly HotRoute[],
  exchange: SealedExchange,
  logger: Logger,
): HotDispatch {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));

  const plainError = (res: ServerResponse, err: unknown, route: string): void => {
    const rendered = renderError(err);
    if (rendered.unexpected)
      logger.error({ err, route, reqId: requestIdOf(res) }, 'unhandled error');
    const retry = rendered.retryAfterSeconds;
    sendJson(res, rendered.status, rendered.body, retry ? { 'Retry-After': String(retry) } : {});
  };

  const serveSealed = async (
    route: HotSealedRoute,
    body: unknown,
    res: ServerResponse,
  ): Promise<void> => {
    let opened: OpenedRequest;
    try {
      opened = await exchange.open(route.method, route.path, body);
    } catch (err) {
      return plainError(res, err, route.path);
    }
    let answer: SealedAnswer;
    try {
      const plaintext = exchange.admit(opened, route.state);
      answer = exchange.seal(opened, route.status, await route.handle(plaintext, opened.session));
    } catch (err) {
      answer = await exchange.sealError(opened, err, route.path, requestIdOf(res));
    }
    sendJson(res, answer.status, answer.envelope, {
      'Cache-Control': 'no-store',
      ...(answer.retryAfterSeconds ? { 'Retry-After': String(answer.retryAfterSeconds) } : {}),
    });
  };

  const servePublic = async (
    route: HotPublicRoute,
    body: unknown,
    res: ServerResponse,
    client: string,
  ): Promise<void> => {
    try {
      sendJson(res, route.status, await route.handle(body, client));
    } catch (err) {
      plainError(res, err, route.path);
    }
  };

  return (req, body, res, client) => {
    const route = table.get(`${req.method} ${pathOf(req)}`);
    if (route === undefined) return false;
    setRouteOf(res, route.path);
    const served =
      route.kind === 'sealed'
        ? serveSealed(route, body, res)
        : servePublic(route, body, res, client());
    served.catch((err: unknown) => {
      // Only a failure to write the answer gets here (the socket is gone): nothing to answer.
      logger.debug({ err, route: route.path, reqId: requestIdOf(res) }, 'request abandoned');
      if (!res.headersSent) res.destroy();
    });
    return true;
  };
}
