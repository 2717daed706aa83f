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

/** Key algorithms of `POST /v1/keys`. */
export type KeyAlgorithm = 'ecdsa-p256';

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
  keyId: string;
  algorithm: 'ecdsa-p256-sha256';
  /** b64u SHA-256 of the document. */
  digest: string;
  /** b64u signature. */
  signature: string;
  encoding: SignatureEncoding;
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
  algorithm: 'ecdsa-p256-sha256';
  encoding: SignatureEncoding;
  /** SHA-256 of the document, 32 bytes. */
  digest: Buffer;
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
