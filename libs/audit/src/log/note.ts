import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures, and the C2SP
 * tlog-checkpoint body (https://c2sp.org/tlog-checkpoint) carried inside it.
 */

/** Signature type byte of Ed25519 in key ids and verifier keys (signed-note, "Signature types"). */
const ED25519 = 0x01;
const EM_DASH_LINE = '\u2014 ';
/** PKCS#8 prefix of an Ed25519 private key around its 32-byte seed (RFC 8410 §7). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A malformed or unverifiable note or checkpoint. */
export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

/** A public key that verifies notes: its name, 4-byte key id and the raw Ed25519 key. */
export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

/** Raw 32-byte Ed25519 public key of a KeyObject. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new NoteError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** An Ed25519 public KeyObject from its 32 raw bytes. */
export function ed25519PublicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new NoteError('an Ed25519 public key is 32 bytes');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** An Ed25519 private KeyObject from its 32-byte seed. */
export function ed25519PrivateKeyFromSeed(seed: Buffer): KeyObject {
  if (seed.length !== 32) throw new NoteError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

function checkName(name: string): void {
  // signed-note: a key name is non-empty, has no Unicode spaces and no plus signs.
  if (name === '' || /[\s+]/u.test(name))
    throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}

/** key id = SHA-256(key name || 0x0A || signature type || public key)[:4] (signed-note). */
export function noteKeyId(name: string, publicKey: KeyObject): Buffer {
  checkName(name);
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.of(0x0a, ED25519))
    .update(rawEd25519PublicKey(publicKey))
    .digest()
    .subarray(0, 4);
}

/** The verifier key string `<name>+<hex key id>+<base64(0x01 || public key)>`. */
export function verifierKey(name: string, publicKey: KeyObject): string {
  const raw = Buffer.concat([Buffer.of(ED25519), rawEd25519PublicKey(publicKey)]);
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${raw.toString('base64')}`;
}

/** Parses and checks a verifier key string (the key id must match the key). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(vkey.trim());
  if (!m) throw new NoteError('malformed verifier key');
  const [, name, idHex, b64] = m;
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519) throw new NoteError('not an Ed25519 verifier key');
  const publicKey = ed25519PublicKeyFromRaw(raw.subarray(1));
  const keyId = noteKeyId(name, publicKey);
  if (keyId.toString('hex') !== idHex)
    throw new NoteError('verifier key id does not match the key');
  return { name, keyId, publicKey };
}

/** Signs `text` (which must end in a newline) as a note with one signature line. */
export function signNote(text: string, name: string, privateKey: KeyObject): string {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  const keyId = noteKeyId(name, createPublicKey(privateKey));
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  return `${text}\n${EM_DASH_LINE}${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

/**
 * Opens a note: splits text and signature lines, and requires a valid signature by `verifier`.
 * Signatures by other keys are ignored, as signed-note allows.
 */
export function openNote(note: string, verifier: NoteVerifier): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note: no signature block');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(EM_DASH_LINE)) throw new NoteError('malformed note: bad signature line');
    const [name, b64, extra] = line.slice(EM_DASH_LINE.length).split(' ');
    if (name === undefined || b64 === undefined || extra !== undefined)
      throw new NoteError('malformed note: bad signature line');
    const blob = Buffer.from(b64, 'base64');
    if (blob.length < 5 || blob.toString('base64') !== b64)
      throw new NoteError('malformed note: bad signature encoding');
    if (name !== verifier.name || !blob.subarray(0, 4).equals(verifier.keyId)) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, blob.subarray(4)))
      throw new NoteError('the note signature is invalid');
    verified = true;
  }
  if (!verified) throw new NoteError(`the note has no signature by ${verifier.name}`);
  return text;
}

/** The three lines of a tlog-checkpoint body. */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

/** The checkpoint body: origin, decimal size, base64 root hash, each ending in a newline. */
export function checkpointBody(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.rootHash.toString('base64')}\n`;
}

/** Parses a checkpoint body (extension lines after the third are allowed and ignored). */
export function parseCheckpointBody(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '')
    throw new NoteError('malformed checkpoint: fewer than three lines');
  const [origin, sizeText, rootText] = lines;
  if (origin === '') throw new NoteError('malformed checkpoint: empty origin');
  if (!/^(0|[1-9]\d*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new NoteError('malformed checkpoint: bad tree size');
  const rootHash = Buffer.from(rootText, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== rootText)
    throw new NoteError('malformed checkpoint: bad root hash');
  return { origin, size: Number(sizeText), rootHash };
}

/** Verifies a signed checkpoint note and returns its body. */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint {
  return parseCheckpointBody(openNote(note, verifier));
}

/**
 * Splits a checkpoint file (notes written one after another) into its notes: each note ends
 * after its signature block, i.e. at the first line after a blank line that is not a signature.
 */
export function splitNotes(file: string): string[] {
  const notes: string[] = [];
  let current: string[] = [];
  let inSignatures = false;
  for (const line of file.split('\n')) {
    if (inSignatures && !line.startsWith(EM_DASH_LINE)) {
      notes.push(`${current.join('\n')}\n`);
      current = [];
      inSignatures = false;
      if (line === '') continue;
    }
    if (!inSignatures && line === '' && current.length > 0) inSignatures = true;
    if (line === '' && current.length === 0) continue;
    current.push(line);
  }
  if (current.length > 0) notes.push(`${current.join('\n')}\n`);
  return notes;
}
