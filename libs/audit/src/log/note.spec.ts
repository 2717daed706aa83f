import { generateKeyPairSync } from 'node:crypto';
import {
  checkpointBody,
  ed25519PrivateKeyFromSeed,
  NoteError,
  openCheckpoint,
  openNote,
  parseCheckpointBody,
  parseVerifierKey,
  signNote,
  splitNotes,
  verifierKey,
} from './note';

// The example of the signed-note format's reference implementation (golang.org/x/mod/sumdb/note,
// the package documentation's "Example"; the C2SP signed-note spec gives no Ed25519 example of
// its own): its private key, verifier key, text and the exact signed note. Ed25519 is
// deterministic (RFC 8032), so the signature must come out byte for byte.
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const NOTE = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const seedOf = (skey: string) =>
  Buffer.from(skey.split('+').slice(4).join('+'), 'base64').subarray(1);

describe('signed notes (C2SP signed-note)', () => {
  const privateKey = ed25519PrivateKeyFromSeed(seedOf(SKEY));

  it('reproduces the reference example: verifier key, key id and signed note', () => {
    expect(verifierKey('PeterNeumann', privateKey)).toBe(VKEY);
    expect(signNote(TEXT, 'PeterNeumann', privateKey)).toBe(NOTE);
    const verifier = parseVerifierKey(VKEY);
    expect(verifier.keyId.toString('hex')).toBe('c74f20a3');
    expect(openNote(NOTE, verifier)).toBe(TEXT);
  });

  it('refuses an altered text, a wrong key id, a wrong key and a malformed note', () => {
    const verifier = parseVerifierKey(VKEY);
    expect(() => openNote(NOTE.replace('answer', 'Answer'), verifier)).toThrow(NoteError);
    expect(() => parseVerifierKey(VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(NoteError);
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(() => openNote(NOTE, { ...verifier, publicKey: other })).toThrow(NoteError);
    expect(() => openNote(TEXT, verifier)).toThrow(NoteError);
    expect(() => openNote(NOTE, parseVerifierKey(verifierKey('Someone', other)))).toThrow(
      /no signature by Someone/,
    );
  });

  it('encodes, signs, splits and opens checkpoints (C2SP tlog-checkpoint)', () => {
    const { privateKey: key } = generateKeyPairSync('ed25519');
    const verifier = parseVerifierKey(verifierKey('example.org/log', key));
    const body = checkpointBody({
      origin: 'example.org/log',
      size: 8,
      rootHash: Buffer.alloc(32, 7),
    });
    expect(body).toBe(`example.org/log\n8\n${Buffer.alloc(32, 7).toString('base64')}\n`);
    const a = signNote(body, 'example.org/log', key);
    const b = signNote(body.replace('\n8\n', '\n9\n'), 'example.org/log', key);
    expect(splitNotes(a + b)).toEqual([a, b]);
    expect(splitNotes(`${a}\n${b}\n`)).toEqual([a, b]);
    expect(openCheckpoint(a, verifier)).toMatchObject({ origin: 'example.org/log', size: 8 });
    expect(() => parseCheckpointBody('o\n-1\nAAAA\n')).toThrow(NoteError);
    expect(() => parseCheckpointBody('o\n1\n')).toThrow(NoteError);
  });
});
