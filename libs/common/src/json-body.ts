import { json } from 'express';
import { type IncomingMessage, type ServerResponse } from 'node:http';

/** A body-parser failure: `type` says which (`entity.too.large`, `entity.parse.failed`, …). */
export interface JsonBodyError extends Error {
  type?: string;
}

/** Called once the body is read (`req.body` set) or refused. */
export type JsonBodyDone = (err?: JsonBodyError) => void;

/** The JSON body stage of the request pipeline (see {@link jsonBody}). */
export type JsonBodyStage = (req: IncomingMessage, res: ServerResponse, done: JsonBodyDone) => void;

/** A body the request carries, as the JSON body parser leaves it on `req`. */
export type WithBody = IncomingMessage & { body?: unknown; _body?: boolean };

/** `application/json`, alone or with the UTF-8 charset, as the whole header. */
const PLAIN_JSON_TYPE = /^application\/json(?:[ \t]*;[ \t]*charset=("?)utf-8\1)?[ \t]*$/i;
const DIGITS = /^\d+$/;
const UTF8_BOM = 0xfeff;
/** JSON whitespace, then the first character (body-parser's strict mode). */
const FIRST_CHAR = /^[ \t\n\r]*([^ \t\n\r]|$)/;

/**
 * True for the common case, a body that the JSON body parser would read as plain UTF-8 within
 * the limit: its length announced, no content coding, media type `application/json` with no
 * charset or UTF-8. Every other request — other types and charsets, codings, chunked bodies,
 * bodies over the limit, no body — is read by the body parser itself.
 */
function isPlainJson(req: IncomingMessage, limit: number): boolean {
  const { headers } = req;
  const length = headers['content-length'];
  if (length === undefined || !DIGITS.test(length) || Number(length) > limit) return false;
  if (headers['transfer-encoding'] !== undefined) return false;
  const coding = headers['content-encoding'];
  if (coding !== undefined && coding.toLowerCase() !== 'identity') return false;
  const type = headers['content-type'];
  return type !== undefined && PLAIN_JSON_TYPE.test(type);
}

function parseError(message: string): JsonBodyError {
  const err: JsonBodyError = new SyntaxError(message);
  err.type = 'entity.parse.failed';
  return err;
}

/** Parses text as body-parser does in strict mode: BOM dropped, `{}` when empty, `{`/`[` first. */
function parseStrict(raw: string): unknown {
  const text = raw.charCodeAt(0) === UTF8_BOM ? raw.slice(1) : raw;
  if (text.length === 0) return {};
  const first = text[0] === '{' || text[0] === '[' ? text[0] : FIRST_CHAR.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw parseError('the body is not a JSON object or array');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw parseError((err as Error).message);
  }
}

/**
 * The one JSON body parser of an app: `express.json` (body-parser) with the app's limit in
 * strict mode, with its common case — a plain UTF-8 JSON body of announced length — read
 * directly: the same result (`req.body`, marked parsed as body-parser marks it) and the same
 * errors, without its per-request stream set-up. Runs for every request, before any route.
 */
export function jsonBody(limit: number): JsonBodyStage {
  const parser = json({ limit, strict: true, type: 'application/json' });
  return (req, res, done) => {
    if (!isPlainJson(req, limit)) {
      parser(req, res, (err?: unknown) => done(err as JsonBodyError | undefined));
      return;
    }
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => void chunks.push(chunk);
    const onError = (err: Error): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      done(err);
    };
    const onEnd = (): void => {
      req.off('error', onError);
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      let body: unknown;
      try {
        body = parseStrict(raw.toString('utf8'));
      } catch (err) {
        done(err as JsonBodyError);
        return;
      }
      (req as WithBody).body = body;
      (req as WithBody)._body = true;
      done();
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  };
}
