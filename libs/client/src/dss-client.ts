import { KeyObject, createPublicKey } from 'node:crypto';
import {
  HandshakeError,
  MAX_SEQ,
  b64uDecode,
  b64uEncode,
  clientHandshakeFinish,
  clientHandshakeStart,
  openResponse,
  sealRequest,
  spkiFingerprint,
  type SessionKeys,
} from '@dss/secure-channel/protocol';
import {
  DssApiError,
  DssChannelError,
  DssError,
  DssNetworkError,
  DssProtocolError,
  DssServerIdentityError,
} from './errors';
import {
  DssLogInconsistentError,
  LogWitness,
  type WitnessResult,
  type WitnessStore,
} from './log-witness';
import type {
  BatchSignatureResponseWire,
  BatchSignatureResult,
  ChangePasswordResult,
  CmsSignatureResult,
  DeleteResult,
  HttpMethod,
  KeyAlgorithm,
  KeyInfo,
  KeySelector,
  LoginResult,
  LogoutResult,
  OwnEventsPage,
  PublicKeyInfo,
  RotateResult,
  ServerKeyInfo,
  SignatureEncoding,
  SignatureResponseWire,
  SignatureResult,
  SignInput,
} from './types';

/** Options of {@link DssClient}. */
export interface DssClientOptions {
  /** Base URL of the DSS employee API, e.g. `https://dss.example.com` (no trailing path needed). */
  baseUrl: string;
  /**
   * The pinned server identity key `dss_public.pem` (SPKI PEM text, or a
   * KeyObject), distributed out of band (PROTOCOL.md §1). Handshakes not signed
   * by it are refused.
   */
  serverPublicKey: string | KeyObject;
  /** Per-request timeout in milliseconds (default 30000). */
  timeoutMs?: number;
  /** `fetch` implementation (default: the global one). */
  fetch?: typeof fetch;
  /**
   * CSPRNG for the handshake's ephemeral key (32 bytes) and client nonce (16
   * bytes). For known-answer tests only; the default is the system CSPRNG.
   */
  randomBytes?: (n: number) => Buffer;
  /**
   * A live session handed over by another process on this machine
   * ({@link DssClient.handOff}); the client continues it instead of handshaking.
   */
  session?: SessionHandoff;
  /**
   * Makes the client a witness of the server's verifiable audit log (docs/AUDIT-LOG.md §7): the
   * latest checkpoint it verified is kept in this store, and after a login and after signing (at
   * most once per `witnessIntervalMs`) the client fetches the newest one and checks that it
   * extends the one held. A rollback or fork fails the call with `DssLogInconsistentError`; a log
   * that cannot be reached does not fail it. {@link MemoryWitnessStore} remembers for the
   * process's lifetime; keep the state in a file or a database to remember across runs.
   */
  witness?: WitnessStore;
  /** The log's verifier key, known out of band (default: trust on first use, then pinned). */
  logVerifierKey?: string;
  /** Least time between two automatic witness checks (default 60000 ms). */
  witnessIntervalMs?: number;
}

/**
 * A live session moved from one process to another on the same machine, e.g. from `dss login`
 * to the local agent that holds it. It carries the session keys: pass it only over a private
 * channel between the user's own processes (a pipe), never to a file or a log.
 */
export interface SessionHandoff {
  /** b64u of the 16-byte session id. */
  sessionId: string;
  /** b64u of `k_c2s`, `k_s2c`, `iv_c2s`, `iv_s2c` (PROTOCOL.md §2). */
  keys: { k_c2s: string; k_s2c: string; iv_c2s: string; iv_s2c: string };
  /** The next `seq` to use: the sending client never uses this one or any later one. */
  nextSeq: number;
  /** When the server ends the session at the latest (ms since the epoch; `expiresIn`). */
  expiresAt: number;
}

interface Session {
  readonly id: Buffer;
  readonly idB64u: string;
  readonly keys: SessionKeys;
  /** Next `seq` to use (PROTOCOL.md §3: starts at 1, never reused). */
  nextSeq: number;
  /** The session's absolute end (ms since the epoch), from the handshake's `expiresIn`. */
  readonly expiresAt: number;
}

interface HttpAnswer {
  status: number;
  json: unknown;
  retryAfterHeader: string | null;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_WITNESS_INTERVAL_MS = 60_000;

/**
 * Client of the DSS employee API over the DSS-SC1 secure channel (PROTOCOL.md).
 *
 * One instance holds at most one session: {@link DssClient.handshake} opens it
 * (a request without a session opens one first), and every sealed request
 * takes the next `seq` synchronously, so concurrent requests on one client are
 * safe. Session keys live in private fields and never appear in logs or
 * `JSON.stringify` output.
 *
 * @example
 * ```ts
 * const dss = new DssClient({ baseUrl: 'https://dss.example.com', serverPublicKey: pem });
 * await dss.handshake();
 * await dss.login('alice', password);
 * const { signature } = await dss.sign({ document: fileBytes });
 * await dss.logout();
 * ```
 */
export class DssClient {
  readonly #baseUrl: string;
  readonly #pinned: KeyObject;
  readonly #expectedFingerprint: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #randomBytes?: (n: number) => Buffer;
  #session?: Session;
  #pendingHandshake?: Promise<Session>;
  readonly #witness?: LogWitness;
  readonly #witnessIntervalMs: number;
  #lastWitnessAt = -Infinity;

  /**
   * @throws TypeError when `baseUrl` is not an http(s) URL, `serverPublicKey` is
   *   not an ECDSA P-256 key, or `timeoutMs` is not a positive integer.
   */
  constructor(options: DssClientOptions) {
    const { baseUrl, serverPublicKey, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new TypeError('DssClient: baseUrl must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('DssClient: baseUrl must be an http(s) URL');
    }
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#pinned = toPinnedKey(serverPublicKey);
    this.#expectedFingerprint = spkiFingerprint(this.#pinned);
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError('DssClient: timeoutMs must be a positive integer');
    }
    this.#timeoutMs = timeoutMs;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => fetchImpl(input, init);
    this.#randomBytes = options.randomBytes;
    if (options.session !== undefined) this.#session = resumeSession(options.session);
    const { witnessIntervalMs = DEFAULT_WITNESS_INTERVAL_MS } = options;
    if (!Number.isSafeInteger(witnessIntervalMs) || witnessIntervalMs < 0) {
      throw new TypeError('DssClient: witnessIntervalMs must be a non-negative integer');
    }
    this.#witnessIntervalMs = witnessIntervalMs;
    if (options.witness !== undefined) {
      this.#witness = new LogWitness({
        baseUrl: this.#baseUrl,
        store: options.witness,
        verifierKey: options.logVerifierKey,
        fetch: this.#fetch,
        timeoutMs,
      });
    }
  }

  /**
   * Witnesses the log now (docs/AUDIT-LOG.md §7): the latest signed checkpoint, checked against
   * the one held in the `witness` store (a consistency proof), then held instead.
   * @throws TypeError without a `witness` store; DssLogInconsistentError on a rollback or fork.
   */
  async checkLog(): Promise<WitnessResult> {
    if (this.#witness === undefined) throw new TypeError('DssClient.checkLog: no witness store');
    this.#lastWitnessAt = Date.now();
    return this.#witness.check();
  }

  /** The automatic witness step: due at most once per interval; only a bad log fails the call. */
  async #witnessIfDue(): Promise<void> {
    if (this.#witness === undefined) return;
    if (Date.now() - this.#lastWitnessAt < this.#witnessIntervalMs) return;
    try {
      await this.checkLog();
    } catch (err) {
      if (err instanceof DssLogInconsistentError) throw err;
      // Unreachable or not yet signed: checked again at the next due step.
      this.#lastWitnessAt = -Infinity;
    }
  }

  /** The current session id (base64url), or `undefined` without a session. */
  get sessionId(): string | undefined {
    return this.#session?.idB64u;
  }

  /** Whether the client holds a session (it may still have expired on the server). */
  get hasSession(): boolean {
    return this.#session !== undefined;
  }

  /** When the current session ends at the latest, or `undefined` without a session. */
  get sessionExpiresAt(): Date | undefined {
    return this.#session && new Date(this.#session.expiresAt);
  }

  /**
   * Moves the current session out of this client, e.g. to a local agent process: the client
   * forgets it (and never uses its `seq` numbers again), so exactly one holder continues it.
   *
   * @throws DssError `no_session` when the client holds none.
   */
  handOff(): SessionHandoff {
    const session = this.#session;
    if (session === undefined) throw new DssError('no_session', 'there is no session to hand off');
    this.#forget(session);
    const { k_c2s, k_s2c, iv_c2s, iv_s2c } = session.keys;
    return {
      sessionId: session.idB64u,
      keys: {
        k_c2s: b64uEncode(k_c2s),
        k_s2c: b64uEncode(k_s2c),
        iv_c2s: b64uEncode(iv_c2s),
        iv_s2c: b64uEncode(iv_s2c),
      },
      nextSeq: session.nextSeq,
      expiresAt: session.expiresAt,
    };
  }

  /** Fingerprint (hex SHA-256 of the SPKI DER) of the pinned server key. */
  get serverFingerprint(): string {
    return this.#expectedFingerprint;
  }

  /**
   * Opens a new session (PROTOCOL.md §2): `POST /v1/handshake`, verifies the
   * signature with the pinned key and derives the session keys. Replaces any
   * current session; `seq` restarts at 1.
   *
   * @throws DssServerIdentityError when the handshake is not signed by the pinned key.
   * @throws DssChannelError for a plain error answer (e.g. `rate_limited`).
   * @throws DssProtocolError / DssNetworkError.
   */
  async handshake(): Promise<void> {
    await this.#handshake();
  }

  /**
   * Sends one sealed request (PROTOCOL.md §3) and returns the opened result.
   * Opens a session first when there is none.
   *
   * @param method - HTTP method; the sealed routes use POST and DELETE (a GET
   *   cannot carry the sealed body with `fetch`, so it is refused).
   * @param path - the path exactly as it is sent and bound into `aad_req`, e.g.
   *   `/v1/signatures` (no query string).
   * @param body - the operation's request object (`{}` when omitted).
   * @throws DssApiError for a sealed application error (or any status ≥ 400).
   * @throws DssChannelError for a plain channel error (PROTOCOL.md §3.2); after
   *   `unknown_session` or `session_expired` the session is forgotten.
   * @throws DssProtocolError when the answer is not a valid DSS-SC1 answer.
   * @throws DssNetworkError when the server is unreachable or too slow.
   */
  async request<T>(method: HttpMethod, path: string, body?: object): Promise<T> {
    if (method === 'GET') {
      throw new TypeError(
        'DssClient.request: a sealed request needs a body, which GET cannot carry',
      );
    }
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TypeError('DssClient.request: path must start with "/"');
    }
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new TypeError('DssClient.request: body must be a plain object');
    }
    const session = this.#session ?? (await this.#handshake(true));
    if (session.nextSeq > MAX_SEQ) {
      this.#forget(session);
      throw new DssError('seq_exhausted', 'the session used every seq; handshake again');
    }
    // Taken synchronously: concurrent requests never share a seq (PROTOCOL.md §6).
    const seq = session.nextSeq++;
    const plaintext = Buffer.from(JSON.stringify(body ?? {}), 'utf8');
    const envelope = sealRequest(session.keys, session.id, seq, method, path, plaintext);
    const answer = await this.#send(method, path, envelope);

    if (isObject(answer.json) && 'payload' in answer.json) {
      return this.#openSealed<T>(session, seq, answer);
    }
    const channelError = toChannelError(answer);
    if (channelError) {
      if (channelError.code === 'unknown_session' || channelError.code === 'session_expired') {
        this.#forget(session);
      }
      throw channelError;
    }
    throw new DssProtocolError(`not a DSS server answer (HTTP ${answer.status})`);
  }

  /**
   * `POST /v1/auth/login` (PROTOCOL.md §4).
   * @throws DssApiError `invalid_credentials`, `too_many_attempts` (see
   *   `retryAfterSeconds`), `already_authenticated`.
   */
  async login(username: string, password: string): Promise<LoginResult> {
    const result = await this.request<LoginResult>('POST', '/v1/auth/login', {
      username,
      password,
    });
    await this.#witnessIfDue();
    return result;
  }

  /**
   * `POST /v1/auth/password` (PROTOCOL.md §4). The session returns to **open**:
   * log in again with the new password.
   * @throws DssApiError `weak_password`, `invalid_credentials`, `not_authenticated`.
   */
  changePassword(currentPassword: string, newPassword: string): Promise<ChangePasswordResult> {
    return this.request<ChangePasswordResult>('POST', '/v1/auth/password', {
      currentPassword,
      newPassword,
    });
  }

  /**
   * `POST /v1/auth/logout` (PROTOCOL.md §4). The session is forgotten afterwards,
   * whatever the outcome. Without a session there is nothing to log out and it
   * resolves at once.
   */
  async logout(): Promise<LogoutResult> {
    const session = this.#session;
    if (session === undefined) {
      return { loggedOut: true };
    }
    try {
      return await this.request<LogoutResult>('POST', '/v1/auth/logout', {});
    } finally {
      this.#forget(session);
    }
  }

  /**
   * `POST /v1/keys` (PROTOCOL.md §4): creates the user's key pair.
   * @throws DssApiError `key_exists`, `key_deleted`, `invalid_request`.
   */
  createKeys(algorithm?: KeyAlgorithm): Promise<KeyInfo> {
    return this.request<KeyInfo>('POST', '/v1/keys', algorithm === undefined ? {} : { algorithm });
  }

  /**
   * `POST /v1/keys/public` (PROTOCOL.md §4): the caller's public key, or the
   * named user's. With `select`, any key of the key history: by `keyId`, or the
   * one active `at` a time (docs/SIGNATURES.md, "Key lifecycle").
   * @throws DssApiError `no_key`.
   */
  getPublicKey(username?: string, select: KeySelector = {}): Promise<PublicKeyInfo> {
    if (select.keyId !== undefined && select.at !== undefined) {
      throw new TypeError('DssClient.getPublicKey: give at most one of keyId and at');
    }
    const body: Record<string, string> = {};
    if (username !== undefined) body.username = username;
    if (select.keyId !== undefined) body.keyId = select.keyId;
    if (select.at !== undefined) {
      const at = select.at instanceof Date ? select.at : new Date(select.at);
      if (Number.isNaN(at.getTime())) {
        throw new TypeError('DssClient.getPublicKey: at is not a valid time');
      }
      body.at = at.toISOString();
    }
    return this.request<PublicKeyInfo>('POST', '/v1/keys/public', body);
  }

  /**
   * `POST /v1/keys/rotate` (docs/SIGNATURES.md, "Key lifecycle"): retires the
   * active key pair (it never signs again; its public key and certificate stay
   * served) and makes a new one, of `algorithm` or of the retired key's.
   * @throws DssApiError `no_key`, `invalid_request`.
   */
  rotateKeys(algorithm?: KeyAlgorithm): Promise<RotateResult> {
    return this.request<RotateResult>(
      'POST',
      '/v1/keys/rotate',
      algorithm === undefined ? {} : { algorithm },
    );
  }

  /**
   * `POST /v1/signatures/batch` (docs/SIGNATURES.md, "Batch signing"): signs up to
   * the server's batch limit (default 100) of digests in one request, all or none.
   *
   * @param digests - SHA-256 digests (SHA-384 for P-384 keys).
   * @throws DssApiError `batch_too_large`, `digest_not_supported`, `no_key`, `invalid_request`.
   */
  async signBatch(
    digests: Uint8Array[],
    encoding?: SignatureEncoding,
  ): Promise<BatchSignatureResult> {
    if (!Array.isArray(digests) || digests.length === 0) {
      throw new TypeError('DssClient.signBatch: give at least one digest');
    }
    if (!digests.every((d) => d instanceof Uint8Array)) {
      throw new TypeError('DssClient.signBatch: digests must be Uint8Arrays');
    }
    const body: Record<string, unknown> = {
      items: digests.map((d) => ({ digest: b64uEncode(d) })),
    };
    if (encoding !== undefined) body.encoding = encoding;
    const raw = await this.request<BatchSignatureResponseWire>(
      'POST',
      '/v1/signatures/batch',
      body,
    );
    if (!isObject(raw) || !Array.isArray(raw.items) || raw.items.length !== digests.length) {
      throw new DssProtocolError('batch signature result: not one signature per digest');
    }
    try {
      const items = raw.items.map((item, n) => {
        const digest = b64uDecode(item.digest, `items[${n}].digest`);
        if (!digest.equals(Buffer.from(digests[n]))) {
          throw new Error(`items[${n}] signs another digest than the one sent`);
        }
        const receipt = receiptOf(item.receipt);
        if (receipt === undefined) throw new Error(`items[${n}] has no receipt`);
        return { digest, signature: b64uDecode(item.signature, `items[${n}].signature`), receipt };
      });
      return {
        keyId: raw.keyId,
        algorithm: raw.algorithm,
        encoding: raw.encoding,
        items,
        ...(raw.rotateAdvised === true ? { rotateAdvised: true as const } : {}),
        raw,
      };
    } catch (err) {
      throw new DssProtocolError(`batch signature result: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /**
   * `POST /v1/signatures` (PROTOCOL.md §4): signs a document, or its SHA-256
   * digest (32 bytes), with the user's key.
   *
   * @param input - `{ document }` or `{ digest }`, exactly one.
   * @param encoding - `der` (server default, verifies with `openssl dgst`) or `p1363`.
   * @throws DssApiError `no_key`, `document_too_large`, `invalid_request`.
   */
  async sign(input: SignInput, encoding?: SignatureEncoding): Promise<SignatureResult> {
    const hasDocument = isObject(input) && input.document !== undefined;
    const hasDigest = isObject(input) && input.digest !== undefined;
    if (hasDocument === hasDigest) {
      throw new TypeError('DssClient.sign: give exactly one of document or digest');
    }
    const bytes = hasDocument ? input.document : input.digest;
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError('DssClient.sign: document / digest must be a Uint8Array');
    }
    const body: Record<string, string> = {
      [hasDocument ? 'document' : 'digest']: b64uEncode(bytes),
    };
    if (encoding !== undefined) {
      body.encoding = encoding;
    }
    const raw = await this.request<SignatureResponseWire>('POST', '/v1/signatures', body);
    if (!isObject(raw)) {
      throw new DssProtocolError('signature result: not an object');
    }
    let result: SignatureResult;
    try {
      result = {
        keyId: raw.keyId,
        algorithm: raw.algorithm,
        encoding: raw.encoding,
        digest: b64uDecode(raw.digest, 'digest', raw.algorithm === 'ecdsa-p384-sha384' ? 48 : 32),
        signature: b64uDecode(raw.signature, 'signature'),
        ...(raw.rotateAdvised === true ? { rotateAdvised: true as const } : {}),
        raw,
        receipt: receiptOf(raw.receipt),
      };
    } catch (err) {
      throw new DssProtocolError(`signature result: ${(err as Error).message}`, { cause: err });
    }
    await this.#witnessIfDue();
    return result;
  }

  /**
   * `POST /v1/signatures` with `format` `cms` or `pades`: a detached CMS SignedData (DER) with
   * the signer's certificate chain and a signature timestamp (CAdES / PAdES baseline B-T).
   * Send the `digest` for large files: the CMS is the same.
   *
   * @throws DssApiError `no_key`, `no_certificate`, `document_too_large`, `invalid_request`,
   *   `unavailable` (the time-stamping authority did not answer).
   */
  async signCms(input: SignInput, format: 'cms' | 'pades' = 'cms'): Promise<CmsSignatureResult> {
    const hasDocument = isObject(input) && input.document !== undefined;
    const hasDigest = isObject(input) && input.digest !== undefined;
    if (hasDocument === hasDigest) {
      throw new TypeError('DssClient.signCms: give exactly one of document or digest');
    }
    const bytes = hasDocument ? input.document : input.digest;
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError('DssClient.signCms: document / digest must be a Uint8Array');
    }
    const raw = await this.request<SignatureResponseWire>('POST', '/v1/signatures', {
      [hasDocument ? 'document' : 'digest']: b64uEncode(bytes),
      format,
    });
    if (!isObject(raw) || raw.format !== format) {
      throw new DssProtocolError(`signature result: not a ${format} signature`);
    }
    let result: CmsSignatureResult;
    try {
      result = {
        keyId: raw.keyId,
        digest: b64uDecode(raw.digest, 'digest', 32),
        cms: b64uDecode(raw.signature, 'signature'),
        raw,
      };
    } catch (err) {
      throw new DssProtocolError(`signature result: ${(err as Error).message}`, { cause: err });
    }
    await this.#witnessIfDue();
    return result;
  }

  /**
   * `POST /v1/log/events` (docs/AUDIT-LOG.md §5.1): the caller's own audit events, newest first,
   * each with its log index and leaf bytes. Pass the previous page's `next` as `before`.
   * @throws DssApiError `invalid_request`, `not_authenticated`.
   */
  ownEvents(options: { before?: number; limit?: number } = {}): Promise<OwnEventsPage> {
    const body: Record<string, number> = {};
    if (options.before !== undefined) body.before = options.before;
    if (options.limit !== undefined) body.limit = options.limit;
    return this.request<OwnEventsPage>('POST', '/v1/log/events', body);
  }

  /**
   * `DELETE /v1/keys` (PROTOCOL.md §4): deletes the user's key pair; a new one
   * cannot be created until an administrator allows it.
   * @throws DssApiError `no_key`.
   */
  deleteKeys(): Promise<DeleteResult> {
    return this.request<DeleteResult>('DELETE', '/v1/keys', {});
  }

  /**
   * `GET /v1/server-key` (PROTOCOL.md §5), unsealed: the key the server says it
   * has. Not authenticated: use it for display, never to replace the pinned key.
   */
  async serverKey(): Promise<ServerKeyInfo> {
    const answer = await this.#send('GET', '/v1/server-key');
    if (answer.status === 200 && isObject(answer.json)) {
      const { publicKey, fingerprint } = answer.json;
      if (typeof publicKey === 'string' && typeof fingerprint === 'string') {
        return { publicKey, fingerprint };
      }
    }
    throw (
      toChannelError(answer) ??
      new DssProtocolError(`not a DSS server answer (HTTP ${answer.status})`)
    );
  }

  /** Handshake, sharing one in-flight handshake between callers that only need a session. */
  #handshake(reuseInFlight = false): Promise<Session> {
    if (reuseInFlight && this.#pendingHandshake) {
      return this.#pendingHandshake;
    }
    const pending = this.#doHandshake().finally(() => {
      if (this.#pendingHandshake === pending) this.#pendingHandshake = undefined;
    });
    this.#pendingHandshake = pending;
    return pending;
  }

  async #doHandshake(): Promise<Session> {
    const random = this.#randomBytes;
    const { request, state } = clientHandshakeStart(
      random && { ephemeralPrivateKey: random(32), clientNonce: random(16) },
    );
    const answer = await this.#send('POST', '/v1/handshake', request);
    if (answer.status !== 200) {
      throw (
        toChannelError(answer) ??
        new DssProtocolError(`not a DSS server answer (handshake: HTTP ${answer.status})`)
      );
    }
    let result: ReturnType<typeof clientHandshakeFinish>;
    try {
      result = clientHandshakeFinish(state, answer.json, this.#pinned);
    } catch (err) {
      if (err instanceof HandshakeError && err.reason === 'bad_signature') {
        throw new DssServerIdentityError(
          this.#expectedFingerprint,
          await this.#presentedFingerprint(),
        );
      }
      throw new DssProtocolError(`invalid handshake response: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const session: Session = {
      id: result.sessionId,
      idB64u: b64uEncode(result.sessionId),
      keys: result.keys,
      nextSeq: 1,
      expiresAt: Date.now() + result.expiresIn * 1000,
    };
    this.#session = session;
    return session;
  }

  /** Best effort: the fingerprint of the key the server advertises, for the error message. */
  async #presentedFingerprint(): Promise<string | undefined> {
    try {
      const { publicKey, fingerprint } = await this.serverKey();
      try {
        return spkiFingerprint(publicKey);
      } catch {
        return /^[0-9a-f]{64}$/.test(fingerprint) ? fingerprint : undefined;
      }
    } catch {
      return undefined;
    }
  }

  #openSealed<T>(session: Session, seq: number, answer: HttpAnswer): T {
    let plaintext: Buffer | null;
    try {
      plaintext = openResponse(session.keys, session.id, seq, answer.status, answer.json);
    } catch (err) {
      throw new DssProtocolError(`malformed sealed response: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (plaintext === null) {
      throw new DssProtocolError(
        `sealed response (HTTP ${answer.status}) does not authenticate under the session keys`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(plaintext.toString('utf8'));
    } catch {
      throw new DssProtocolError('sealed response: plaintext is not JSON');
    }
    if (isObject(value) && isObject(value.error)) {
      const { code, message, ...details } = value.error;
      throw new DssApiError(
        answer.status,
        typeof code === 'string' ? code : 'unknown_error',
        typeof message === 'string' ? message : `HTTP ${answer.status}`,
        details,
      );
    }
    if (answer.status >= 400) {
      throw new DssApiError(answer.status, 'unknown_error', `HTTP ${answer.status}`);
    }
    return value as T;
  }

  async #send(method: HttpMethod, path: string, body?: object): Promise<HttpAnswer> {
    let status: number;
    let text: string;
    let retryAfterHeader: string | null;
    try {
      const res = await this.#fetch(this.#baseUrl + path, {
        method,
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.status;
      retryAfterHeader = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      throw this.#networkError(err);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new DssProtocolError(`not a DSS server answer (HTTP ${status}, body is not JSON)`);
    }
    return { status, json, retryAfterHeader };
  }

  #networkError(err: unknown): DssNetworkError {
    // Duck-typed, not instanceof: fetch's errors may come from another realm
    // (DOMException from AbortSignal.timeout, undici internals).
    const name = field(err, 'name');
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new DssNetworkError(
        'timeout',
        `${this.#baseUrl} did not answer within ${this.#timeoutMs} ms`,
        { cause: err },
      );
    }
    // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
    const cause: unknown =
      typeof err === 'object' && err !== null ? (err as Error).cause : undefined;
    const detail =
      field(cause, 'code') ?? field(cause, 'message') ?? field(err, 'message') ?? 'network error';
    return new DssNetworkError('unreachable', `cannot reach ${this.#baseUrl}: ${detail}`, {
      cause: err,
    });
  }

  #forget(session: Session): void {
    if (this.#session === session) {
      this.#session = undefined;
    }
  }
}

/** The session of a {@link SessionHandoff}, every field checked. */
function resumeSession(handoff: SessionHandoff): Session {
  try {
    const id = b64uDecode(handoff.sessionId, 'sessionId', 16);
    const keys: SessionKeys = {
      k_c2s: b64uDecode(handoff.keys.k_c2s, 'k_c2s', 32),
      k_s2c: b64uDecode(handoff.keys.k_s2c, 'k_s2c', 32),
      iv_c2s: b64uDecode(handoff.keys.iv_c2s, 'iv_c2s', 12),
      iv_s2c: b64uDecode(handoff.keys.iv_s2c, 'iv_s2c', 12),
    };
    const { nextSeq, expiresAt } = handoff;
    if (!Number.isSafeInteger(nextSeq) || nextSeq < 1 || nextSeq > MAX_SEQ) {
      throw new TypeError('nextSeq: out of range');
    }
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) {
      throw new TypeError('expiresAt: not a time');
    }
    return { id, idB64u: b64uEncode(id), keys, nextSeq, expiresAt };
  } catch (err) {
    throw new TypeError(`DssClient: invalid session hand-off: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The receipt of a SignDoc answer, checked for shape (absent from servers without the log). */
function receiptOf(value: unknown): { logIndex: number; leaf: Buffer } | undefined {
  if (value === undefined) return undefined;
  if (
    !isObject(value) ||
    !Number.isSafeInteger(value.logIndex) ||
    (value.logIndex as number) < 0 ||
    typeof value.leaf !== 'string' ||
    !/^[A-Za-z0-9+/]*={0,2}$/.test(value.leaf)
  )
    throw new TypeError('receipt is malformed');
  return { logIndex: value.logIndex as number, leaf: Buffer.from(value.leaf, 'base64') };
}

/** A string property of an unknown value, if it has one. */
function field(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain `{"error": {"code", "message"}}` answer (PROTOCOL.md §3.2), if that is what it is. */
function toChannelError(answer: HttpAnswer): DssChannelError | undefined {
  const { json, status } = answer;
  if (!isObject(json) || !isObject(json.error) || typeof json.error.code !== 'string') {
    return undefined;
  }
  const { code, message, retryAfterSeconds } = json.error;
  let retry = typeof retryAfterSeconds === 'number' ? retryAfterSeconds : undefined;
  if (retry === undefined && answer.retryAfterHeader !== null) {
    const seconds = Number(answer.retryAfterHeader);
    retry = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
  }
  return new DssChannelError(
    status,
    code,
    typeof message === 'string' ? message : `HTTP ${status}`,
    retry,
  );
}

function toPinnedKey(key: string | KeyObject): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = key instanceof KeyObject && key.type === 'public' ? key : createPublicKey(key);
  } catch (err) {
    throw new TypeError('DssClient: serverPublicKey must be a PEM public key or a KeyObject', {
      cause: err,
    });
  }
  if (
    publicKey.asymmetricKeyType !== 'ec' ||
    publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new TypeError('DssClient: serverPublicKey must be an ECDSA P-256 key (dss_public.pem)');
  }
  return publicKey;
}
