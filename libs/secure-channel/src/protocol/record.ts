/**
 * Sealed requests and responses (PROTOCOL.md §3): AES-256-GCM under the session
 * keys, with per-record nonces derived from `seq` and an AAD that binds the
 * session, `seq`, method and path (requests) or HTTP status (responses).
 */

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { b64uDecode, b64uEncode } from './b64u';
import { LABEL_REQUEST, LABEL_RESPONSE } from './bytes';
import { ChannelError, ChannelErrorCode } from './errors';
import type { SessionKeys } from './handshake';
import {
  assertBytes,
  assertSafeUint,
  firstUnknownKey,
  isPlainObject,
  writeU64be,
} from './internal';

/** Largest `seq` (PROTOCOL.md §3: `1 <= seq <= 2^53 - 1`). */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;
/** AES-256-GCM key length. */
export const GCM_KEY_LENGTH = 32;
/** GCM nonce length and `iv_*` length (PROTOCOL.md §1). */
export const GCM_NONCE_LENGTH = 12;
/** GCM tag length, appended to the ciphertext (PROTOCOL.md §1). */
export const GCM_TAG_LENGTH = 16;

const SESSION_ID_LENGTH = 16;
const LABEL_REQUEST_BYTES = Buffer.from(LABEL_REQUEST, 'latin1');
const LABEL_RESPONSE_BYTES = Buffer.from(LABEL_RESPONSE, 'latin1');
const SEALED_REQUEST_FIELDS = ['sessionId', 'seq', 'payload'] as const;
const SEALED_RESPONSE_FIELDS = ['seq', 'payload'] as const;
// RFC 9110 §5.6.2 token: a method cannot contain the 0x20 that ends it in aad_req.
const HTTP_METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Printable ASCII, starting with '/', no query string or fragment (PROTOCOL.md §3).
const HTTP_PATH = /^\/[\x21-\x22\x24-\x3e\x40-\x7e]*$/;

/** A sealed request envelope after {@link parseSealedRequest}. */
export interface ParsedSealedRequest {
  /** 16 bytes. */
  sessionId: Buffer;
  /** `1 <= seq <= 2^53 - 1`. */
  seq: number;
  /** `ciphertext || tag`, at least 16 bytes. */
  payload: Buffer;
}

/** Sealed request body as sent (PROTOCOL.md §3). */
export interface SealedRequestWire {
  sessionId: string;
  seq: number;
  payload: string;
}

/** Sealed response body as sent (PROTOCOL.md §3). */
export interface SealedResponseWire {
  seq: number;
  payload: string;
}

/**
 * `nonce(seq) = iv XOR (0x00000000 || u64(seq))` (PROTOCOL.md §3), for both
 * `nonce_c2s` (with `iv_c2s`) and `nonce_s2c` (with `iv_s2c`).
 *
 * @param iv - 12 bytes.
 * @param seq - non-negative safe integer.
 */
export function nonceFor(iv: Buffer, seq: number): Buffer {
  assertBytes(iv, 'iv', GCM_NONCE_LENGTH);
  assertSafeUint(seq, 'seq');
  const nonce = Buffer.allocUnsafe(GCM_NONCE_LENGTH);
  iv.copy(nonce, 0, 0, 4);
  writeU64be(nonce, seq, 4);
  for (let i = 4; i < GCM_NONCE_LENGTH; i++) nonce[i] ^= iv[i];
  return nonce;
}

/**
 * `aad_req = "DSS-SC1 request" || 0x00 || sessionId || u64(seq) || M || 0x20 || P`
 * (PROTOCOL.md §3).
 *
 * @param sessionId - 16 bytes.
 * @param seq - non-negative safe integer.
 * @param method - the HTTP method as sent, e.g. `POST` (an RFC 9110 token).
 * @param path - the request path as sent, without query string, e.g. `/v1/signatures`.
 */
export function aadRequest(sessionId: Buffer, seq: number, method: string, path: string): Buffer {
  assertBytes(sessionId, 'sessionId', SESSION_ID_LENGTH);
  assertSafeUint(seq, 'seq');
  if (typeof method !== 'string' || !HTTP_METHOD.test(method)) {
    throw new RangeError('method must be an HTTP method token');
  }
  if (typeof path !== 'string' || !HTTP_PATH.test(path)) {
    throw new RangeError(
      'path must be printable ASCII starting with "/", without query string or fragment',
    );
  }
  const head = LABEL_REQUEST_BYTES.length + 1 + SESSION_ID_LENGTH + 8;
  const aad = Buffer.allocUnsafe(head + method.length + 1 + path.length);
  let off = LABEL_REQUEST_BYTES.copy(aad, 0);
  aad[off++] = 0x00;
  off += sessionId.copy(aad, off);
  writeU64be(aad, seq, off);
  off += 8;
  off += aad.write(method, off, 'latin1');
  aad[off++] = 0x20;
  aad.write(path, off, 'latin1');
  return aad;
}

/**
 * `aad_res = "DSS-SC1 response" || 0x00 || sessionId || u64(seq) || u16(S)`
 * (PROTOCOL.md §3).
 *
 * @param status - the HTTP status `S` of the response, an integer in `[100, 599]`.
 */
export function aadResponse(sessionId: Buffer, seq: number, status: number): Buffer {
  assertBytes(sessionId, 'sessionId', SESSION_ID_LENGTH);
  assertSafeUint(seq, 'seq');
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new RangeError('status must be an HTTP status code in [100, 599]');
  }
  const aad = Buffer.allocUnsafe(LABEL_RESPONSE_BYTES.length + 1 + SESSION_ID_LENGTH + 8 + 2);
  let off = LABEL_RESPONSE_BYTES.copy(aad, 0);
  aad[off++] = 0x00;
  off += sessionId.copy(aad, off);
  writeU64be(aad, seq, off);
  aad.writeUInt16BE(status, off + 8);
  return aad;
}

/**
 * AES-256-GCM seal (PROTOCOL.md §1): returns `ciphertext || tag` (16-byte tag).
 *
 * @param key - 32 bytes.
 * @param nonce - 12 bytes, never reused under `key`.
 */
export function gcmSeal(key: Buffer, nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  assertBytes(key, 'key', GCM_KEY_LENGTH);
  assertBytes(nonce, 'nonce', GCM_NONCE_LENGTH);
  assertBytes(plaintext, 'plaintext');
  assertBytes(aad, 'aad');
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_LENGTH });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const last = cipher.final(); // empty for GCM; kept for correctness
  return Buffer.concat(
    [body, last, cipher.getAuthTag()],
    body.length + last.length + GCM_TAG_LENGTH,
  );
}

/**
 * AES-256-GCM open (PROTOCOL.md §1) of `ciphertext || tag`.
 *
 * @returns the plaintext, or `null` when `payload` is shorter than the tag or
 *   does not authenticate under `key`, `nonce` and `aad`. Never throws for a bad
 *   tag; no plaintext is released unless the tag verifies.
 */
export function gcmOpen(key: Buffer, nonce: Buffer, payload: Buffer, aad: Buffer): Buffer | null {
  assertBytes(key, 'key', GCM_KEY_LENGTH);
  assertBytes(nonce, 'nonce', GCM_NONCE_LENGTH);
  assertBytes(payload, 'payload');
  assertBytes(aad, 'aad');
  if (payload.length < GCM_TAG_LENGTH) {
    return null;
  }
  const ctLength = payload.length - GCM_TAG_LENGTH;
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_LENGTH });
  decipher.setAuthTag(payload.subarray(ctLength));
  decipher.setAAD(aad);
  const plaintext = decipher.update(payload.subarray(0, ctLength));
  try {
    const last = decipher.final();
    return last.length === 0 ? plaintext : Buffer.concat([plaintext, last]);
  } catch {
    plaintext.fill(0);
    return null;
  }
}

/**
 * Validates a sealed request envelope (PROTOCOL.md §3; errors per §3.2).
 *
 * @param body - the parsed JSON body.
 * @throws ChannelError `bad_envelope`, naming the field, when `body` is not a
 *   plain object with exactly `sessionId` (b64u, 16 bytes), `seq` (a JSON number,
 *   integer, `1 <= seq <= 2^53 - 1`) and `payload` (b64u, at least 16 bytes).
 */
export function parseSealedRequest(body: unknown): ParsedSealedRequest {
  if (!isPlainObject(body)) {
    throw new ChannelError(ChannelErrorCode.BadEnvelope, 'body: must be a JSON object');
  }
  const unknown = firstUnknownKey(body, SEALED_REQUEST_FIELDS);
  if (unknown !== undefined) {
    throw new ChannelError(ChannelErrorCode.BadEnvelope, `${unknown}: unknown field`);
  }
  const sessionId = b64uDecode(body.sessionId, 'sessionId', SESSION_ID_LENGTH);
  const seq = parseSeq(body.seq, 'seq');
  const payload = parsePayload(body.payload, 'payload');
  return { sessionId, seq, payload };
}

/**
 * Server: opens a sealed request with `k_c2s`, `nonce_c2s(seq)` and `aad_req`
 * (PROTOCOL.md §3). The caller has already checked the replay window (§3.1) and
 * marks `seq` accepted only when this returns a plaintext.
 *
 * @returns the plaintext, or `null` when it does not authenticate (answer
 *   `decrypt_failed`).
 */
export function openRequest(
  keys: SessionKeys,
  sessionId: Buffer,
  seq: number,
  method: string,
  path: string,
  payload: Buffer,
): Buffer | null {
  assertSessionKeys(keys);
  return gcmOpen(
    keys.k_c2s,
    nonceFor(keys.iv_c2s, seq),
    payload,
    aadRequest(sessionId, seq, method, path),
  );
}

/**
 * Server: seals the response to request `seq` with `k_s2c`, `nonce_s2c(seq)` and
 * `aad_res` binding the HTTP status (PROTOCOL.md §3). Call at most once per
 * accepted `seq`: a second seal would reuse the GCM nonce.
 */
export function sealResponse(
  keys: SessionKeys,
  sessionId: Buffer,
  seq: number,
  status: number,
  plaintext: Buffer,
): SealedResponseWire {
  assertSessionKeys(keys);
  assertSeq(seq);
  const payload = gcmSeal(
    keys.k_s2c,
    nonceFor(keys.iv_s2c, seq),
    plaintext,
    aadResponse(sessionId, seq, status),
  );
  return { seq, payload: b64uEncode(payload) };
}

/**
 * Client: seals a request body with `k_c2s`, `nonce_c2s(seq)` and `aad_req`
 * (PROTOCOL.md §3). `seq` must never be reused in the session.
 *
 * @param method - the HTTP method the request is sent with.
 * @param path - the path the request is sent to, exactly, without query string.
 * @param plaintext - UTF-8 JSON of the operation's body (`{}` if none).
 */
export function sealRequest(
  keys: SessionKeys,
  sessionId: Buffer,
  seq: number,
  method: string,
  path: string,
  plaintext: Buffer,
): SealedRequestWire {
  assertSessionKeys(keys);
  assertSeq(seq);
  const payload = gcmSeal(
    keys.k_c2s,
    nonceFor(keys.iv_c2s, seq),
    plaintext,
    aadRequest(sessionId, seq, method, path),
  );
  return { sessionId: b64uEncode(sessionId), seq, payload: b64uEncode(payload) };
}

/**
 * Client: checks a sealed response body (`{seq, payload}`, with `seq` equal to
 * the request's) and opens it with `k_s2c`, `nonce_s2c(seq)` and `aad_res` for
 * the HTTP status it came with (PROTOCOL.md §3).
 *
 * @param status - the HTTP status of the response.
 * @param body - the parsed JSON body.
 * @returns the plaintext, or `null` when it does not authenticate (a forged or
 *   altered response, or a status changed in transit).
 * @throws ChannelError `bad_envelope` when the body is malformed or answers another `seq`.
 */
export function openResponse(
  keys: SessionKeys,
  sessionId: Buffer,
  seq: number,
  status: number,
  body: unknown,
): Buffer | null {
  assertSessionKeys(keys);
  assertSeq(seq);
  if (!isPlainObject(body)) {
    throw new ChannelError(ChannelErrorCode.BadEnvelope, 'response body: must be a JSON object');
  }
  const unknown = firstUnknownKey(body, SEALED_RESPONSE_FIELDS);
  if (unknown !== undefined) {
    throw new ChannelError(ChannelErrorCode.BadEnvelope, `response ${unknown}: unknown field`);
  }
  const bodySeq = parseSeq(body.seq, 'response seq');
  if (bodySeq !== seq) {
    throw new ChannelError(
      ChannelErrorCode.BadEnvelope,
      `response seq: answers seq ${bodySeq}, expected ${seq}`,
    );
  }
  const payload = parsePayload(body.payload, 'response payload');
  return gcmOpen(
    keys.k_s2c,
    nonceFor(keys.iv_s2c, seq),
    payload,
    aadResponse(sessionId, seq, status),
  );
}

function parseSeq(value: unknown, field: string): number {
  if (typeof value !== 'number') {
    throw new ChannelError(ChannelErrorCode.BadEnvelope, `${field}: must be a number`);
  }
  if (!Number.isInteger(value) || value < 1 || value > MAX_SEQ) {
    throw new ChannelError(
      ChannelErrorCode.BadEnvelope,
      `${field}: must be an integer in [1, 2^53 - 1]`,
    );
  }
  return value;
}

function parsePayload(value: unknown, field: string): Buffer {
  const payload = b64uDecode(value, field);
  if (payload.length < GCM_TAG_LENGTH) {
    throw new ChannelError(
      ChannelErrorCode.BadEnvelope,
      `${field}: must be at least ${GCM_TAG_LENGTH} bytes`,
    );
  }
  return payload;
}

function assertSeq(seq: number): void {
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) {
    throw new RangeError('seq must be an integer in [1, 2^53 - 1]');
  }
}

function assertSessionKeys(keys: SessionKeys): void {
  if (typeof keys !== 'object' || keys === null) {
    throw new TypeError('keys must be SessionKeys');
  }
  assertBytes(keys.k_c2s, 'keys.k_c2s', GCM_KEY_LENGTH);
  assertBytes(keys.k_s2c, 'keys.k_s2c', GCM_KEY_LENGTH);
  assertBytes(keys.iv_c2s, 'keys.iv_c2s', GCM_NONCE_LENGTH);
  assertBytes(keys.iv_s2c, 'keys.iv_s2c', GCM_NONCE_LENGTH);
}
