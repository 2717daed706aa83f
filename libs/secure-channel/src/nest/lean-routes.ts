import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from 'pino';
import { ChannelError, ChannelErrorCode } from '../protocol';
import { type ChannelSession } from '../session';
import { renderError } from './error-mapping';
import { type RequiredState } from './sealed.decorator';
import { type OpenedRequest, type SealedAnswer, type SealedExchange } from './sealed-exchange';

/** A sealed route served by {@link leanRoutes}: what its Nest handler does, minus the framework. */
export interface LeanSealedRoute {
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

/** A public (unsealed) route served by {@link leanRoutes}. */
export interface LeanPublicRoute {
  kind: 'public';
  method: string;
  path: string;
  status: number;
  /** `client` is the caller's address (see {@link LeanRoutesOptions.clientAddress}). */
  handle(body: unknown, client: string): Promise<unknown>;
}

export type LeanRoute = LeanSealedRoute | LeanPublicRoute;

export interface LeanRoutesOptions {
  /** The body limit, the same as the JSON body parser's. */
  maxBodyBytes: number;
  logger: Logger;
  /** The caller's address, as Express's `req.ip` gives it (trust proxy applied). */
  clientAddress(req: IncomingMessage): string;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** JSON whitespace, then the first character (body-parser's strict mode). */
const FIRST_CHAR = /^[ \t\n\r]*([^ \t\n\r])/;

/**
 * True when the request is one the JSON body parser would read as plain UTF-8 JSON within the
 * limit: a body announced by `Content-Length`, media type `application/json` with no charset or
 * UTF-8, no content coding. Anything else is left to Express and Nest, which answer it exactly
 * as they always have.
 */
function isPlainJson(req: IncomingMessage, limit: number): boolean {
  const length = req.headers['content-length'];
  if (length === undefined || !/^\d+$/.test(length) || Number(length) > limit) return false;
  if (req.headers['transfer-encoding'] !== undefined) return false;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return false;
  const type = req.headers['content-type'];
  if (type === undefined) return false;
  const [media, ...params] = type.split(';');
  if (media.trim().toLowerCase() !== 'application/json') return false;
  return params.every((p) => {
    const [name, value = ''] = p.split('=');
    return (
      name.trim().toLowerCase() !== 'charset' ||
      value.trim().replace(/^"|"$/g, '').toLowerCase() === 'utf-8'
    );
  });
}

/** Reads the whole body (its length is announced and within the limit). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A malformed body: the JSON body parser's 400 (see the employee API's body error handler). */
class BodyNotJsonError extends Error {}

/** The channel error for a body that is not JSON, whichever path read it (PROTOCOL.md §3.2). */
export function bodyNotJson(): ChannelError {
  return new ChannelError(ChannelErrorCode.BadEnvelope, 'the body is not valid JSON');
}

/** Parses a body as the JSON body parser does in strict mode: `{}` when empty. */
function parseJsonBody(raw: Buffer): unknown {
  const bytes = raw.subarray(0, 3).equals(UTF8_BOM) ? raw.subarray(3) : raw;
  if (bytes.length === 0) return {};
  const text = bytes.toString('utf8');
  const first = FIRST_CHAR.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw new BodyNotJsonError();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyNotJsonError();
  }
}

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

function sendSealed(res: ServerResponse, { status, envelope }: SealedAnswer): void {
  sendJson(res, status, envelope, { 'Cache-Control': 'no-store' });
}

/**
 * Hot routes served in front of Express and Nest (DESIGN.md §2, docs/PERFORMANCE.md): the same
 * work as the Nest route — the same {@link SealedExchange} checks in the same order, the same
 * handler code, the same error mapping and the same bytes on the wire — without Express's
 * request set-up and router, the interceptor chain, RxJS, the global pipe and the JSON body
 * parser on every request.
 *
 * The returned function takes a request from the HTTP server first and answers true when it
 * serves it: requests that match a route's method and exact path (no query string) and carry a
 * plain JSON body. It answers false for everything else — other routes, other content types or
 * codings, bodies over the limit — which goes on to Express and Nest unchanged, so the Nest
 * routes stay the reference and the fallback.
 */
export function leanRoutes(
  routes: readonly LeanRoute[],
  exchange: SealedExchange,
  options: LeanRoutesOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));

  const plainError = (res: ServerResponse, err: unknown, route: string): void => {
    const rendered = renderError(err);
    if (rendered.unexpected) options.logger.error({ err, route }, 'unhandled error');
    const retry = rendered.retryAfterSeconds;
    sendJson(res, rendered.status, rendered.body, retry ? { 'Retry-After': String(retry) } : {});
  };

  const serveSealed = async (
    route: LeanSealedRoute,
    envelope: unknown,
    res: ServerResponse,
  ): Promise<void> => {
    let opened: OpenedRequest;
    try {
      opened = await exchange.open(route.method, route.path, envelope);
    } catch (err) {
      return plainError(res, err, route.path);
    }
    let answer: SealedAnswer;
    try {
      const body = exchange.admit(opened, route.state);
      answer = exchange.seal(opened, route.status, await route.handle(body, opened.session));
    } catch (err) {
      answer = await exchange.sealError(opened, err, route.path);
    }
    sendSealed(res, answer);
  };

  const servePublic = async (
    route: LeanPublicRoute,
    body: unknown,
    client: string,
    res: ServerResponse,
  ): Promise<void> => {
    try {
      sendJson(res, route.status, await route.handle(body, client));
    } catch (err) {
      plainError(res, err, route.path);
    }
  };

  const serve = async (
    route: LeanRoute,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    let body: unknown;
    try {
      body = parseJsonBody(await readBody(req));
    } catch (err) {
      if (!(err instanceof BodyNotJsonError)) throw err;
      return plainError(res, bodyNotJson(), route.path);
    }
    if (route.kind === 'sealed') return serveSealed(route, body, res);
    return servePublic(route, body, options.clientAddress(req), res);
  };

  return (req, res) => {
    const route = table.get(`${req.method} ${req.url}`);
    if (route === undefined || !isPlainJson(req, options.maxBodyBytes)) return false;
    serve(route, req, res).catch((err: unknown) => {
      // The request stream failed (client gone): nothing can be answered.
      options.logger.debug({ err, route: route.path }, 'request abandoned');
      if (!res.headersSent) res.destroy();
    });
    return true;
  };
}
