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
 * {@link eventCanonicalJson} of an event whose `details` is canonical JSON text already, as the
 * appender makes it: the same text, composed without parsing and re-encoding the details (the
 * members in canonical order: action, actor, actorType, at, details, seq, subject). Never for rows
 * read back from the database, whose details may have been edited into another form.
 */
export function freshEventCanonicalJson(e: ChainedFields): string {
  return (
    `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)}` +
    `,"actorType":${JSON.stringify(e.actorType)},"at":${JSON.stringify(e.at.toISOString())}` +
    `,"details":${e.details},"seq":${canonicalJson(e.seq)},"subject":${JSON.stringify(e.subject)}}`
  );
}

/**
 * `hash_n = SHA-256(hash_{n-1} || canonical JSON of event n)`, where `hash_{n-1}` enters as its
 * 32 raw bytes (the genesis `prev_hash` is 32 zero bytes) and the JSON as UTF-8. Lowercase hex.
 */
export function chainHash(
  prevHashHex: string,
  e: ChainedFields,
  canonical: string = eventCanonicalJson(e),
): string {
  return createHash('sha256')
    .update(Buffer.from(prevHashHex, 'hex'))
    .update(canonical, 'utf8')
    .digest('hex');
}

/**
 * The canonical JSON of the events this process appended, kept with the event object for as long
 * as that object lives: the signing receipt is the same text, built once per event (the chain hash
 * needs it anyway). Only objects made by the appender are in it, never rows read back.
 */
const appendedCanonical = new WeakMap<ChainedFields, string>();

/** Remembers the canonical JSON the appender computed for `e` (see {@link canonicalOf}). */
export function rememberCanonical(e: ChainedFields, canonical: string): void {
  appendedCanonical.set(e, canonical);
}

/** {@link eventCanonicalJson} of `e`, without building it again for an event just appended. */
export function canonicalOf(e: ChainedFields): string {
  return appendedCanonical.get(e) ?? eventCanonicalJson(e);
}
