import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from './canonical-json';

/** The fields of an audit event that the chain covers. */
export interface ChainedFields {
  seq: number;
  at: Date;
  actorType: string;
  actor: string;
  action: string;
  subject: string | null;
  /** Canonical JSON text of the details, as stored. */
  details: string;
}

/** The canonical JSON of event n, the text hashed into the chain (DESIGN.md §7). */
export function eventCanonicalJson(e: ChainedFields): string {
  return canonicalJson({
    action: e.action,
    actor: e.actor,
    actorType: e.actorType,
    at: e.at.toISOString(),
    details: JSON.parse(e.details) as JsonValue,
    seq: e.seq,
    subject: e.subject,
  });
}

/**
 * `hash_n = SHA-256(hash_{n-1} || canonical JSON of event n)`, where `hash_{n-1}` enters as its
 * 32 raw bytes (the genesis `prev_hash` is 32 zero bytes) and the JSON as UTF-8. Lowercase hex.
 */
export function chainHash(prevHashHex: string, e: ChainedFields): string {
  return createHash('sha256')
    .update(Buffer.from(prevHashHex, 'hex'))
    .update(eventCanonicalJson(e), 'utf8')
    .digest('hex');
}
