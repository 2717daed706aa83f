/**
 * Request and response types of the DSS operations (PROTOCOL.md §4, §5).
 */

/** HTTP methods accepted by {@link DssClient.request}. */
export type HttpMethod = 'POST' | 'DELETE' | 'GET' | 'PUT' | 'PATCH';

/** `POST /v1/auth/login` result. */
export interface LoginResult {
  username: string;
  /** True when the user must change the (temporary) password before anything else. */
  mustChangePassword: boolean;
}

/** `POST /v1/auth/password` result. The session returns to **open**: log in again. */
export interface ChangePasswordResult {
  changed: true;
}

/** `POST /v1/auth/logout` result. */
export interface LogoutResult {
  loggedOut: true;
}

/**
 * Key algorithms of `POST /v1/keys` and `POST /v1/keys/rotate`: `ecdsa-p256` (the default),
 * `ecdsa-p384` (ECDSA with SHA-384), `ed25519` (documents only, no digest mode).
 */
export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519';

/** Signature algorithms a SignDoc response names, one per {@link KeyAlgorithm}. */
export type SignatureAlgorithm = 'ecdsa-p256-sha256' | 'ecdsa-p384-sha384' | 'ed25519';

/** Where a key pair is in its life: signing, replaced by a rotation, or deleted. */
export type KeyStatus = 'active' | 'retired' | 'pending_deletion' | 'deleted';

/** `POST /v1/keys` result (status 201). */
export interface KeyInfo {
  keyId: string;
  algorithm: KeyAlgorithm;
  /** SPKI PEM. */
  publicKey: string;
  /** Lowercase hex SHA-256 of the SPKI DER. */
  fingerprint: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** The key's X.509 certificate from the DSS CA, PEM (servers with a CA). */
  certificate?: string;
  /** Key lifecycle (servers with key history): signs from `validFrom`… */
  validFrom?: string;
  /** …until `validTo` (its retirement or deletion); null while active. */
  validTo?: string | null;
  status?: KeyStatus;
  /** True when the key is older than the server's maximum key age: rotate it. */
  rotateAdvised?: true;
}

/** `POST /v1/keys/rotate` result (status 201): the new key, and the one it retired. */
export interface RotateResult extends KeyInfo {
  retiredKeyId: string;
}

/** Which key GetPublicKey returns: one by id, or the one active at a time. At most one. */
export interface KeySelector {
  keyId?: string;
  /** A time (Date or ISO 8601): the key that was active then. */
  at?: Date | string;
}

/** `POST /v1/keys/public` result. */
export interface PublicKeyInfo extends KeyInfo {
  username: string;
}

/** Signature encodings of `POST /v1/signatures`. */
export type SignatureEncoding = 'der' | 'p1363';

/**
 * What to sign: the document itself, or its SHA-256 digest (32 bytes; use this
 * for large files). Exactly one of the two.
 */
export type SignInput =
  { document: Uint8Array; digest?: never } | { digest: Uint8Array; document?: never };

/** `POST /v1/signatures` result, as sent by the server. */
export interface SignatureResponseWire {
  /** The key that made the signature. */
  keyId: string;
  algorithm: SignatureAlgorithm;
  /** b64u SHA-256 of the document (SHA-384 for `ecdsa-p384-sha384`). */
  digest: string;
  /** b64u signature. */
  signature: string;
  /** `raw` for Ed25519: the 64-byte RFC 8032 signature. */
  encoding: SignatureEncoding | 'raw';
  /** True when the key is older than the server's maximum key age. */
  rotateAdvised?: true;
  /** `cms` or `pades` when asked for; `signature` is then a DER CMS ContentInfo. */
  format?: 'raw' | 'cms' | 'pades';
  /** Where the signature's audit event sits in the verifiable log (docs/AUDIT-LOG.md §4). */
  receipt?: { logIndex: number; leaf: string };
}

/** `POST /v1/signatures` result in the `cms` / `pades` formats. */
export interface CmsSignatureResult {
  keyId: string;
  /** SHA-256 of the content, 32 bytes. */
  digest: Buffer;
  /** The detached CMS SignedData (ContentInfo), DER: a `.p7s` file. */
  cms: Buffer;
  raw: SignatureResponseWire;
}

/** `POST /v1/signatures` result, with the binary fields decoded. */
export interface SignatureResult {
  keyId: string;
  algorithm: SignatureAlgorithm;
  encoding: SignatureEncoding | 'raw';
  /** SHA-256 of the document, 32 bytes (SHA-384, 48 bytes, for P-384 keys). */
  digest: Buffer;
  /** True when the key is older than the server's maximum key age. */
  rotateAdvised?: true;
  /** The signature, DER or P1363 as `encoding` says. */
  signature: Buffer;
  /** The fields as received (base64url strings). */
  raw: SignatureResponseWire;
  /** The log receipt: leaf index and leaf bytes (absent from servers without the log). */
  receipt?: { logIndex: number; leaf: Buffer };
}

/** `DELETE /v1/keys` result. */
export interface DeleteResult {
  keyId: string;
  deleted: true;
  /**
   * With a deletion grace period on the server: the key no longer signs, and its material is
   * destroyed at this time unless an administrator cancels. Absent: destroyed at once.
   */
  deletionDueAt?: string;
}

/** `GET /v1/server-key` result (unsealed, unauthenticated: for display only). */
export interface ServerKeyInfo {
  /** SPKI PEM of `dss_public`. */
  publicKey: string;
  /** Lowercase hex SHA-256 of the SPKI DER. */
  fingerprint: string;
}

/** One of the caller's own audit events (`POST /v1/log/events`, docs/AUDIT-LOG.md §5.1). */
export interface OwnEvent {
  /** Its index in the verifiable log (event `seq` − 1). */
  logIndex: number;
  at: string;
  actorType: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  /** base64 of the leaf bytes the log commits to. */
  leaf: string;
}

/** A page of {@link OwnEvent}s, newest first; `next` is the `before` of the next page. */
export interface OwnEventsPage {
  events: OwnEvent[];
  next: number | null;
}

/** `POST /v1/signatures/batch` result, as sent by the server. */
export interface BatchSignatureResponseWire {
  keyId: string;
  algorithm: SignatureAlgorithm;
  encoding: SignatureEncoding | 'raw';
  items: { digest: string; signature: string; receipt: { logIndex: number; leaf: string } }[];
  rotateAdvised?: true;
}

/** One signature of a batch, decoded, in the order of the digests given. */
export interface BatchSignatureItem {
  digest: Buffer;
  signature: Buffer;
  receipt: { logIndex: number; leaf: Buffer };
}

/** `POST /v1/signatures/batch` result, with the binary fields decoded. */
export interface BatchSignatureResult {
  keyId: string;
  algorithm: SignatureAlgorithm;
  encoding: SignatureEncoding | 'raw';
  items: BatchSignatureItem[];
  rotateAdvised?: true;
  raw: BatchSignatureResponseWire;
}
