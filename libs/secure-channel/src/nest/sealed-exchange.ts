import { Inject, Injectable } from '@nestjs/common';
import { APP_LOGGER, DomainError, ErrorCode, SessionEndedError } from '@dss/common';
import { type Logger } from 'pino';
import {
  b64uEncode,
  ChannelError,
  ChannelErrorCode,
  openRequest,
  parseSealedRequest,
  type SealedResponseWire,
  sealResponse,
} from '../protocol';
import { type ChannelSession, type SessionState, type SessionStore } from '../session';
import { renderError } from './error-mapping';
import { type RequiredState, stateAllows } from './sealed.decorator';
import { SESSION_STORE } from './tokens';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A sealed request whose payload authenticated: its `seq` is spent, its answer must be sealed. */
export interface OpenedRequest {
  session: ChannelSession;
  seq: number;
  plaintext: Buffer;
}

/** A sealed answer, ready to send: the HTTP status bound into its AAD, and the envelope. */
export interface SealedAnswer {
  status: number;
  envelope: SealedResponseWire;
  /**
   * For a `Retry-After` header (an unavailable dependency, a lockout): the same value as the
   * sealed error's `retryAfterSeconds`, in the clear as HTTP clients and proxies expect it.
   */
  retryAfterSeconds?: number;
}

/** The error a session in `state` gets on a route that requires `required` (PROTOCOL.md §4). */
function stateError(required: RequiredState, state: SessionState): DomainError {
  if (required === 'open')
    return new DomainError(ErrorCode.AlreadyAuthenticated, 'this session is already logged in');
  if (state === 'must-change') {
    return new DomainError(ErrorCode.PasswordChangeRequired, 'change the temporary password first');
  }
  return new DomainError(ErrorCode.NotAuthenticated, 'log in first');
}

/** Parses the opened plaintext: a UTF-8 JSON object (PROTOCOL.md §3). */
function parsePlaintext(plaintext: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(plaintext));
  } catch {
    throw new DomainError(ErrorCode.InvalidRequest, 'the plaintext is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DomainError(ErrorCode.InvalidRequest, 'the plaintext must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * The server's half of one sealed exchange (PROTOCOL.md §3.1), framework-free so that both the
 * SecureChannel interceptor and the hot routes' dispatch run the very same checks in the same order:
 * envelope shape → session known and not expired → seq fresh → AEAD open → mark seq accepted
 * ({@link open}), then state check → plaintext object ({@link admit}), then the answer sealed
 * under the request's seq with the HTTP status bound into the AAD ({@link seal},
 * {@link sealError}). Failures inside {@link open} are channel errors, answered plain; everything
 * after it, errors included, is sealed.
 */
@Injectable()
export class SealedExchange {
  constructor(
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Opens a sealed request sent as `method path` with the parsed JSON `envelope`.
   *
   * @throws ChannelError for a bad envelope, an unknown or expired session, a replayed seq or a
   *   payload that does not authenticate (nothing was spent: answer plain).
   */
  async open(method: string, path: string, envelope: unknown): Promise<OpenedRequest> {
    const { sessionId, seq, payload } = parseSealedRequest(envelope);
    const id = b64uEncode(sessionId);
    // Session lookup and the seq pre-check in one step: one round trip on a shared store.
    const found = await this.sessions.lookupFresh(id, seq);
    if (found.status !== 'ok') return this.refuse(id, found.status);
    // An answer from a local copy is never final: before refusing, the store itself says
    // whether the session (ended? expired? Redis away?) or the seq fails first, as the order of
    // checks demands. A seq this instance saw accepted stays refused whatever it says.
    if (!found.fresh) {
      if (found.local) await this.checkFirst(id, seq);
      return this.refuse(id, 'replayed');
    }
    const { session } = found;
    const plaintext = openRequest(session.keys, session.sessionId, seq, method, path, payload);
    if (plaintext === null) {
      if (found.local) await this.checkFirst(id, seq);
      throw new ChannelError(ChannelErrorCode.DecryptFailed, 'the payload does not authenticate');
    }
    const outcome = await this.sessions.acceptSeq(id, seq);
    if (outcome !== 'accepted') return this.refuse(id, outcome);
    return { session, seq, plaintext };
  }

  /** Throws what the authoritative lookup of `id` and `seq` refuses, if anything. */
  private async checkFirst(id: string, seq: number): Promise<void> {
    const again = await this.sessions.lookupFresh(id, seq, true);
    if (again.status !== 'ok') await this.refuse(id, again.status);
    else if (!again.fresh) await this.refuse(id, 'replayed');
  }

  private async refuse(id: string, why: 'unknown' | 'expired' | 'replayed'): Promise<never> {
    if (why === 'unknown')
      throw new ChannelError(ChannelErrorCode.UnknownSession, 'no such session');
    if (why === 'replayed')
      throw new ChannelError(ChannelErrorCode.Replayed, 'seq already used or too old');
    await this.sessions.destroy(id);
    throw new ChannelError(
      ChannelErrorCode.SessionExpired,
      'the session has expired; handshake again',
    );
  }

  /**
   * The route's state check, then the plaintext as a JSON object.
   *
   * @throws DomainError `not_authenticated`, `password_change_required`, `already_authenticated`
   *   or `invalid_request` (to be sealed with {@link sealError}).
   */
  admit(opened: OpenedRequest, required: RequiredState): Record<string, unknown> {
    const { state } = opened.session;
    if (!stateAllows(required, state)) throw stateError(required, state);
    return parsePlaintext(opened.plaintext);
  }

  /** Seals `body` (JSON) as the answer to `opened`, with `status` bound into the AAD. */
  seal(opened: OpenedRequest, status: number, body: unknown): SealedAnswer {
    const json = Buffer.from(JSON.stringify(body ?? {}), 'utf8');
    const { keys, sessionId } = opened.session;
    return { status, envelope: sealResponse(keys, sessionId, opened.seq, status, json) };
  }

  /**
   * Seals the error `err` as the answer to `opened` (same mapping as plain errors). An error
   * nobody planned for is logged with `route` and answered as a bare `internal_error`; a session
   * whose login ended (account disabled, password reset) goes back to the `open` state.
   */
  async sealError(
    opened: OpenedRequest,
    err: unknown,
    route: string,
    requestId?: string,
  ): Promise<SealedAnswer> {
    const rendered = renderError(err);
    if (rendered.unexpected) this.logger.error({ err, route, reqId: requestId }, 'unhandled error');
    if (err instanceof SessionEndedError) await this.sessions.setState(opened.session.id, 'open');
    const answer = this.seal(opened, rendered.status, rendered.body);
    const retry = rendered.retryAfterSeconds;
    return retry ? { ...answer, retryAfterSeconds: retry } : answer;
  }
}
