/**
 * The DSS-SC1 handshake, `POST /v1/handshake` (PROTOCOL.md §2): ephemeral X25519
 * for forward secrecy, authenticated by the server's pinned ECDSA P-256 identity
 * key, HKDF-SHA256 for the session keys.
 */

import {
  KeyObject,
  createHash,
  createPublicKey,
  hkdfSync,
  randomBytes as cryptoRandomBytes,
  sign,
  verify,
} from 'node:crypto';
import { b64uDecode, b64uEncode } from './b64u';
import { LABEL_HANDSHAKE, LABEL_KEYS } from './bytes';
import { ChannelError, ChannelErrorCode, HandshakeError } from './errors';
import { assertBytes, firstUnknownKey, isPlainObject } from './internal';
import { X25519_KEY_LENGTH, x25519GenerateKeyPair, x25519SharedSecret } from './x25519';

/** The only protocol version (PROTOCOL.md §2). */
export const PROTOCOL_VERSION = 1;
/** Length of `clientNonce` and `serverNonce` (PROTOCOL.md §2). */
export const NONCE_LENGTH = 16;
/** Length of `sessionId` (PROTOCOL.md §2). */
export const SESSION_ID_LENGTH = 16;
/** Length of the HKDF output `okm` (PROTOCOL.md §2). */
export const OKM_LENGTH = 88;
/** Longest DER ECDSA P-256 signature: SEQUENCE of two 33-byte INTEGERs. */
const MAX_DER_SIGNATURE_LENGTH = 72;
/** Shortest well-formed DER ECDSA signature (two 1-byte INTEGERs). */
const MIN_DER_SIGNATURE_LENGTH = 8;

/** Handshake request body (PROTOCOL.md §2). */
export interface HandshakeRequestWire {
  version: 1;
  /** b64u, 32 bytes: `epk_C`. */
  clientPublicKey: string;
  /** b64u, 16 bytes. */
  clientNonce: string;
}

/** Handshake response body, status 200 (PROTOCOL.md §2). */
export interface HandshakeResponseWire {
  version: 1;
  /** b64u, 16 bytes. */
  sessionId: string;
  /** b64u, 32 bytes: `epk_S`. */
  serverPublicKey: string;
  /** b64u, 16 bytes. */
  serverNonce: string;
  /** b64u of the DER ECDSA-P256-SHA256 signature over `signed`. */
  signature: string;
  /** Absolute session lifetime in seconds. */
  expiresIn: number;
}

/** The four session secrets, `okm` split as in PROTOCOL.md §2. */
export interface SessionKeys {
  /** okm[0:32], AES-256-GCM key, client → server. */
  k_c2s: Buffer;
  /** okm[32:64], AES-256-GCM key, server → client. */
  k_s2c: Buffer;
  /** okm[64:76], nonce base, client → server. */
  iv_c2s: Buffer;
  /** okm[76:88], nonce base, server → client. */
  iv_s2c: Buffer;
}

/** A handshake request after {@link parseHandshakeRequest}. */
export interface HandshakeRequest {
  /** `epk_C`, 32 bytes. */
  clientPublicKey: Buffer;
  /** 16 bytes. */
  clientNonce: Buffer;
}

/** What the server keeps from a handshake (PROTOCOL.md §2). */
export interface ServerHandshakeResult {
  /** The 200 body to send. */
  response: HandshakeResponseWire;
  /** 16 bytes. */
  sessionId: Buffer;
  keys: SessionKeys;
  /** `th = SHA-256(signed)`. */
  transcriptHash: Buffer;
}

/** Options of {@link serverHandshake}. */
export interface ServerHandshakeOptions {
  /** Absolute session lifetime in seconds, echoed as `expiresIn`. */
  expiresIn: number;
  /**
   * Source of `serverNonce` then `sessionId`, asked for 16 bytes each (tests inject fixed
   * values). By default both come from one `crypto.randomBytes(32)` draw.
   */
  randomBytes?: (n: number) => Buffer;
  /** Raw `esk_S`, for known-answer tests only. */
  ephemeralPrivateKey?: Buffer;
}

/** Client state between {@link clientHandshakeStart} and {@link clientHandshakeFinish}. */
export interface ClientHandshakeState {
  /** `esk_C`. */
  readonly privateKey: KeyObject;
  /** `epk_C`, 32 bytes. */
  readonly publicKeyRaw: Buffer;
  /** 16 bytes. */
  readonly clientNonce: Buffer;
}

/** What the client keeps from a handshake. */
export interface ClientHandshakeResult {
  /** 16 bytes. */
  sessionId: Buffer;
  keys: SessionKeys;
  /** Absolute session lifetime in seconds, as announced by the server. */
  expiresIn: number;
}

const REQUEST_FIELDS = ['version', 'clientPublicKey', 'clientNonce'] as const;
const RESPONSE_FIELDS = [
  'version',
  'sessionId',
  'serverPublicKey',
  'serverNonce',
  'signature',
  'expiresIn',
] as const;
const LABEL_HANDSHAKE_BYTES = Buffer.from(LABEL_HANDSHAKE, 'latin1');
const LABEL_KEYS_BYTES = Buffer.from(LABEL_KEYS, 'latin1');
const ZERO_BYTE = Buffer.from([0]);

/**
 * Validates a handshake request body (PROTOCOL.md §2, errors per §3.2).
 *
 * `version` is checked first, so a future version's request is answered
 * `unsupported_version` whatever else it carries.
 *
 * @param body - the parsed JSON body.
 * @throws ChannelError `bad_envelope` (not a plain object, missing, mistyped or
 *   extra fields, bad base64url, nonce not 16 bytes), `unsupported_version`
 *   (`version` is a number other than 1), `bad_public_key` (key not 32 bytes).
 */
export function parseHandshakeRequest(body: unknown): HandshakeRequest {
  if (!isPlainObject(body)) {
    throw new ChannelError(ChannelErrorCode.BadEnvelope, 'body: must be a JSON object');
  }
  const { version } = body;
  if (typeof version !== 'number') {
    throw new ChannelError(ChannelErrorCode.BadEnvelope, 'version: must be a number');
  }
  if (version !== PROTOCOL_VERSION) {
    throw new ChannelError(ChannelErrorCode.UnsupportedVersion, 'version: only 1 is supported');
  }
  const unknown = firstUnknownKey(body, REQUEST_FIELDS);
  if (unknown !== undefined) {
    throw new ChannelError(ChannelErrorCode.BadEnvelope, `${unknown}: unknown field`);
  }
  const clientPublicKey = b64uDecode(body.clientPublicKey, 'clientPublicKey');
  if (clientPublicKey.length !== X25519_KEY_LENGTH) {
    throw new ChannelError(
      ChannelErrorCode.BadPublicKey,
      `clientPublicKey: must be ${X25519_KEY_LENGTH} bytes, got ${clientPublicKey.length}`,
    );
  }
  const clientNonce = b64uDecode(body.clientNonce, 'clientNonce', NONCE_LENGTH);
  return { clientPublicKey, clientNonce };
}

/**
 * `signed = "DSS-SC1 handshake" || 0x00 || epk_S || epk_C || clientNonce ||
 * serverNonce || sessionId` (PROTOCOL.md §2).
 *
 * @throws TypeError / RangeError when an input is not a Buffer of length 32, 32, 16, 16, 16.
 */
export function buildSigned(
  epk_S: Buffer,
  epk_C: Buffer,
  clientNonce: Buffer,
  serverNonce: Buffer,
  sessionId: Buffer,
): Buffer {
  assertBytes(epk_S, 'epk_S', X25519_KEY_LENGTH);
  assertBytes(epk_C, 'epk_C', X25519_KEY_LENGTH);
  assertBytes(clientNonce, 'clientNonce', NONCE_LENGTH);
  assertBytes(serverNonce, 'serverNonce', NONCE_LENGTH);
  assertBytes(sessionId, 'sessionId', SESSION_ID_LENGTH);
  return Buffer.concat(
    [LABEL_HANDSHAKE_BYTES, ZERO_BYTE, epk_S, epk_C, clientNonce, serverNonce, sessionId],
    LABEL_HANDSHAKE_BYTES.length + 1 + 2 * X25519_KEY_LENGTH + 2 * NONCE_LENGTH + SESSION_ID_LENGTH,
  );
}

/**
 * `okm = HKDF-SHA256(ikm = shared, salt = clientNonce || serverNonce,
 * info = "DSS-SC1 keys" || th, length = 88)`, split into the four session
 * secrets (PROTOCOL.md §2). The four Buffers are views of one allocation.
 *
 * @throws TypeError / RangeError when an input is not a Buffer of length 32, 16, 16, 32.
 */
export function deriveSessionKeys(
  shared: Buffer,
  clientNonce: Buffer,
  serverNonce: Buffer,
  th: Buffer,
): SessionKeys {
  assertBytes(shared, 'shared', X25519_KEY_LENGTH);
  assertBytes(clientNonce, 'clientNonce', NONCE_LENGTH);
  assertBytes(serverNonce, 'serverNonce', NONCE_LENGTH);
  assertBytes(th, 'th', 32);
  const salt = Buffer.concat([clientNonce, serverNonce]);
  const info = Buffer.concat([LABEL_KEYS_BYTES, th]);
  const okm = Buffer.from(hkdfSync('sha256', shared, salt, info, OKM_LENGTH));
  return {
    k_c2s: okm.subarray(0, 32),
    k_s2c: okm.subarray(32, 64),
    iv_c2s: okm.subarray(64, 76),
    iv_s2c: okm.subarray(76, 88),
  };
}

/**
 * The server's side of the handshake (PROTOCOL.md §2), for a request already
 * validated by {@link parseHandshakeRequest}.
 *
 * `shared` is computed before anything is signed, so a small-order client key
 * aborts with `bad_public_key` without the server signing a transcript.
 * `esk_S` goes out of scope and `shared` is zero-filled once the keys exist
 * (forward secrecy).
 *
 * @param req - the validated request.
 * @param identity - the server identity key `dss_private` (ECDSA P-256 private KeyObject).
 * @param opts - `expiresIn`, and injectable randomness for tests.
 * @throws ChannelError `bad_public_key` when `epk_C` gives an all-zero shared secret.
 */
export function serverHandshake(
  req: HandshakeRequest,
  identity: KeyObject,
  opts: ServerHandshakeOptions,
): ServerHandshakeResult {
  assertP256Key(identity, 'private', 'identity');
  if (!Number.isSafeInteger(opts?.expiresIn) || opts.expiresIn <= 0) {
    throw new RangeError('opts.expiresIn must be a positive integer');
  }
  assertBytes(req?.clientNonce, 'clientNonce', NONCE_LENGTH);

  const { privateKey: esk_S, publicKeyRaw: epk_S } = x25519GenerateKeyPair(
    opts.ephemeralPrivateKey,
  );
  const [serverNonce, sessionId] = drawServerNonceAndSessionId(opts.randomBytes);

  const shared = x25519SharedSecret(esk_S, req.clientPublicKey);
  try {
    const signed = buildSigned(epk_S, req.clientPublicKey, req.clientNonce, serverNonce, sessionId);
    const signature = sign('sha256', signed, { key: identity, dsaEncoding: 'der' });
    const th = createHash('sha256').update(signed).digest();
    const keys = deriveSessionKeys(shared, req.clientNonce, serverNonce, th);
    return {
      response: {
        version: PROTOCOL_VERSION,
        sessionId: b64uEncode(sessionId),
        serverPublicKey: b64uEncode(epk_S),
        serverNonce: b64uEncode(serverNonce),
        signature: b64uEncode(signature),
        expiresIn: opts.expiresIn,
      },
      sessionId,
      keys,
      transcriptHash: th,
    };
  } finally {
    shared.fill(0);
  }
}

/**
 * `serverNonce` then `sessionId` (PROTOCOL.md §2). From the CSPRNG they are one 32-byte draw
 * split in two, which halves the per-call overhead of `crypto.randomBytes`; an injected source
 * keeps its documented contract of two 16-byte draws, so the vectors inject the same values.
 */
function drawServerNonceAndSessionId(random?: (n: number) => Buffer): [Buffer, Buffer] {
  if (random === undefined) {
    const both = cryptoRandomBytes(NONCE_LENGTH + SESSION_ID_LENGTH);
    return [both.subarray(0, NONCE_LENGTH), both.subarray(NONCE_LENGTH)];
  }
  const serverNonce = random(NONCE_LENGTH);
  assertBytes(serverNonce, 'randomBytes(16) result', NONCE_LENGTH);
  const sessionId = random(SESSION_ID_LENGTH);
  assertBytes(sessionId, 'randomBytes(16) result', SESSION_ID_LENGTH);
  return [serverNonce, sessionId];
}

/**
 * Starts a client handshake: a fresh `(esk_C, epk_C)` and `clientNonce`
 * (PROTOCOL.md §2).
 *
 * @param opts - raw `esk_C` (32 bytes) and `clientNonce` (16 bytes), for
 *   known-answer tests only; by default both come from the CSPRNG.
 */
export function clientHandshakeStart(opts?: {
  ephemeralPrivateKey?: Buffer;
  clientNonce?: Buffer;
}): { request: HandshakeRequestWire; state: ClientHandshakeState } {
  const { privateKey, publicKeyRaw } = x25519GenerateKeyPair(opts?.ephemeralPrivateKey);
  const clientNonce = opts?.clientNonce ?? cryptoRandomBytes(NONCE_LENGTH);
  assertBytes(clientNonce, 'clientNonce', NONCE_LENGTH);
  return {
    request: {
      version: PROTOCOL_VERSION,
      clientPublicKey: b64uEncode(publicKeyRaw),
      clientNonce: b64uEncode(clientNonce),
    },
    state: { privateKey, publicKeyRaw, clientNonce },
  };
}

/**
 * Finishes a client handshake (PROTOCOL.md §2): checks the response shape,
 * verifies `signature` over `signed` with the pinned server key, then derives
 * the session keys.
 *
 * The response must have exactly the §2 fields: the protocol is versioned, so
 * anything else is a different protocol, not an extension.
 *
 * @param state - from {@link clientHandshakeStart}.
 * @param response - the parsed JSON body of the 200 answer.
 * @param pinnedServerKey - `dss_public` (ECDSA P-256 public KeyObject; a private
 *   one is accepted and its public half used).
 * @throws HandshakeError `version`, `malformed` or `bad_signature`.
 */
export function clientHandshakeFinish(
  state: ClientHandshakeState,
  response: unknown,
  pinnedServerKey: KeyObject,
): ClientHandshakeResult {
  assertP256Key(pinnedServerKey, 'any', 'pinnedServerKey');
  if (!(state?.privateKey instanceof KeyObject)) {
    throw new TypeError('state must come from clientHandshakeStart');
  }
  assertBytes(state.publicKeyRaw, 'state.publicKeyRaw', X25519_KEY_LENGTH);
  assertBytes(state.clientNonce, 'state.clientNonce', NONCE_LENGTH);

  if (!isPlainObject(response)) {
    throw new HandshakeError('malformed', 'handshake response: must be a JSON object');
  }
  if (response.version !== PROTOCOL_VERSION) {
    throw new HandshakeError('version', 'handshake response: version must be 1');
  }
  const unknown = firstUnknownKey(response, RESPONSE_FIELDS);
  if (unknown !== undefined) {
    throw new HandshakeError('malformed', `handshake response: ${unknown}: unknown field`);
  }
  let sessionId: Buffer;
  let epk_S: Buffer;
  let serverNonce: Buffer;
  let signature: Buffer;
  try {
    sessionId = b64uDecode(response.sessionId, 'sessionId', SESSION_ID_LENGTH);
    epk_S = b64uDecode(response.serverPublicKey, 'serverPublicKey', X25519_KEY_LENGTH);
    serverNonce = b64uDecode(response.serverNonce, 'serverNonce', NONCE_LENGTH);
    signature = b64uDecode(response.signature, 'signature');
  } catch (err) {
    throw new HandshakeError('malformed', `handshake response: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (signature.length < MIN_DER_SIGNATURE_LENGTH || signature.length > MAX_DER_SIGNATURE_LENGTH) {
    throw new HandshakeError(
      'malformed',
      'handshake response: signature: not a DER ECDSA P-256 signature',
    );
  }
  const { expiresIn } = response;
  if (typeof expiresIn !== 'number' || !Number.isSafeInteger(expiresIn) || expiresIn <= 0) {
    throw new HandshakeError(
      'malformed',
      'handshake response: expiresIn: must be a positive integer',
    );
  }

  const signed = buildSigned(epk_S, state.publicKeyRaw, state.clientNonce, serverNonce, sessionId);
  let valid: boolean;
  try {
    valid = verify('sha256', signed, { key: pinnedServerKey, dsaEncoding: 'der' }, signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new HandshakeError(
      'bad_signature',
      'handshake response: signature does not verify with the pinned server key',
    );
  }

  let shared: Buffer;
  try {
    shared = x25519SharedSecret(state.privateKey, epk_S);
  } catch (err) {
    throw new HandshakeError('malformed', 'handshake response: serverPublicKey: unusable key', {
      cause: err,
    });
  }
  try {
    const th = createHash('sha256').update(signed).digest();
    const keys = deriveSessionKeys(shared, state.clientNonce, serverNonce, th);
    return { sessionId, keys, expiresIn };
  } finally {
    shared.fill(0);
  }
}

/**
 * Lowercase hex SHA-256 of the SPKI DER of a public key (PROTOCOL.md §4,
 * `fingerprint`), e.g. to show which server key is pinned.
 *
 * @param key - a KeyObject (public or private: a private key's public half is
 *   used) or a PEM string (SPKI, or a private key in PEM).
 */
export function spkiFingerprint(key: KeyObject | string): string {
  let publicKey: KeyObject;
  if (typeof key === 'string') {
    publicKey = createPublicKey(key);
  } else if (key instanceof KeyObject && key.type === 'public') {
    publicKey = key;
  } else if (key instanceof KeyObject && key.type === 'private') {
    publicKey = createPublicKey(key);
  } else {
    throw new TypeError('spkiFingerprint: expected a PEM string or an asymmetric KeyObject');
  }
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex');
}

function assertP256Key(key: unknown, type: 'private' | 'any', name: string): void {
  if (
    !(key instanceof KeyObject) ||
    key.asymmetricKeyType !== 'ec' ||
    key.asymmetricKeyDetails?.namedCurve !== 'prime256v1' ||
    (type === 'private' ? key.type !== 'private' : key.type === 'secret')
  ) {
    throw new TypeError(
      `${name} must be an ECDSA P-256 ${type === 'private' ? 'private' : 'public or private'} KeyObject`,
    );
  }
}
