import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type ChannelSession, type SessionState } from './session';

/** HKDF label of the key that seals session records at rest (DESIGN.md §9). */
export const SESSION_STORE_KEY_LABEL = 'DSS session-store v1';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_PREFIX = Buffer.from(SESSION_STORE_KEY_LABEL, 'utf8');
const STATES: readonly SessionState[] = ['open', 'must-change', 'authenticated'];

/** What a box holds: everything of a session except the fast-changing replay and idle state. */
interface BoxedSession {
  k_c2s: string;
  k_s2c: string;
  iv_c2s: string;
  iv_s2c: string;
  createdAt: number;
  expiresAt: number;
  state: SessionState;
  userId?: number;
  username?: string;
  authenticatedAt?: number;
}

/**
 * Seals session records for a shared store: AES-256-GCM under a key derived from the master key,
 * a fresh random 96-bit IV per box, the AAD `"DSS session-store v1" || sessionId` (so a box
 * copied onto another session id does not open). Format: `0x01 || iv || ciphertext || tag`.
 *
 * The box covers the session keys (a Redis dump, replica or `MONITOR` shows no usable key) and
 * the login state (someone who can write Redis still cannot make a session another user's).
 */
export class SessionBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== 32)
      throw new TypeError('SessionBox: the key must be 32 bytes');
    this.#key = Buffer.from(key);
  }

  seal(session: ChannelSession): Buffer {
    const record: BoxedSession = {
      k_c2s: session.keys.k_c2s.toString('base64'),
      k_s2c: session.keys.k_s2c.toString('base64'),
      iv_c2s: session.keys.iv_c2s.toString('base64'),
      iv_s2c: session.keys.iv_s2c.toString('base64'),
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      state: session.state,
      userId: session.userId,
      username: session.username,
      authenticatedAt: session.authenticatedAt,
    };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.concat([AAD_PREFIX, session.sessionId]));
    const body = Buffer.concat([cipher.update(JSON.stringify(record), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]);
  }

  /**
   * Opens the box of session `sessionId` (id `id`); null when it does not authenticate (another
   * master key, another session's box, tampering) or is malformed.
   */
  open(id: string, sessionId: Buffer, box: Buffer, lastSeenAt: number): ChannelSession | null {
    if (box.length < 1 + IV_BYTES + TAG_BYTES || box[0] !== VERSION) return null;
    const iv = box.subarray(1, 1 + IV_BYTES);
    const tag = box.subarray(box.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAAD(Buffer.concat([AAD_PREFIX, sessionId]));
    decipher.setAuthTag(tag);
    let record: BoxedSession;
    try {
      const plain = Buffer.concat([
        decipher.update(box.subarray(1 + IV_BYTES, box.length - TAG_BYTES)),
        decipher.final(),
      ]);
      record = JSON.parse(plain.toString('utf8')) as BoxedSession;
    } catch {
      return null;
    }
    if (!STATES.includes(record.state)) return null;
    return {
      id,
      sessionId,
      keys: {
        k_c2s: Buffer.from(record.k_c2s, 'base64'),
        k_s2c: Buffer.from(record.k_s2c, 'base64'),
        iv_c2s: Buffer.from(record.iv_c2s, 'base64'),
        iv_s2c: Buffer.from(record.iv_s2c, 'base64'),
      },
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      lastSeenAt,
      state: record.state,
      userId: record.userId,
      username: record.username,
      authenticatedAt: record.authenticatedAt,
    };
  }

  /** Never shows the key. */
  toJSON(): string {
    return 'SessionBox';
  }
}
