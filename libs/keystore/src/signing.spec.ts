import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, SigningKey } from './signing';

/** `openssl dgst -sha256 -verify pub.pem -signature sig.der doc` (PROTOCOL.md §4). */
function opensslVerifies(publicKeyPem: string, signatureDer: Buffer, document: Buffer): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'dss-openssl-'));
  try {
    writeFileSync(join(dir, 'pub.pem'), publicKeyPem);
    writeFileSync(join(dir, 'sig.der'), signatureDer);
    writeFileSync(join(dir, 'doc'), document);
    const r = spawnSync(
      'openssl',
      ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.der', 'doc'],
      { cwd: dir, encoding: 'utf8' },
    );
    if (r.error) throw r.error;
    if (r.status === 0) expect(r.stdout).toContain('Verified OK');
    return r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PROTOCOL.md §4 signatures (ECDSA P-256, SHA-256)', () => {
  const generated = generateSigningKeyPair();
  const key = SigningKey.fromPkcs8(generated.pkcs8Der);
  const document = Buffer.from('The quick brown fox signs the quarterly report.\n');
  const digest = createHash('sha256').update(document).digest();

  it('generates a P-256 key pair with the SPKI fingerprint', () => {
    const spki = key.publicKey.export({ type: 'spki', format: 'der' });
    expect(generated.fingerprint).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(generated.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.publicKeyPem).toBe(key.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(key.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it.each(['document', 'digest'] as const)(
    '%s signatures verify (der and p1363) with node crypto',
    (mode) => {
      for (const encoding of ['der', 'p1363'] as const) {
        const signature =
          mode === 'document'
            ? key.signDocument(document, encoding)
            : key.signDigest(digest, encoding);
        if (encoding === 'p1363') expect(signature).toHaveLength(64);
        else expect(signature[0]).toBe(0x30);
        const dsaEncoding = encoding === 'der' ? 'der' : 'ieee-p1363';
        expect(verify('sha256', document, { key: key.publicKey, dsaEncoding }, signature)).toBe(
          true,
        );
        expect(
          verify(
            'sha256',
            Buffer.concat([document, Buffer.of(0)]),
            { key: key.publicKey, dsaEncoding },
            signature,
          ),
        ).toBe(false);
      }
    },
  );

  it.each(['document', 'digest'] as const)(
    '%s signatures (der) verify with the OpenSSL CLI',
    (mode) => {
      const signature =
        mode === 'document' ? key.signDocument(document, 'der') : key.signDigest(digest, 'der');
      expect(opensslVerifies(generated.publicKeyPem, signature, document)).toBe(true);
      expect(
        opensslVerifies(generated.publicKeyPem, signature, Buffer.from('another document')),
      ).toBe(false);
    },
  );

  it('digest signatures use fresh nonces', () => {
    expect(key.signDigest(digest, 'p1363').equals(key.signDigest(digest, 'p1363'))).toBe(false);
  });

  it('signs an empty document and a large one', () => {
    for (const doc of [Buffer.alloc(0), randomBytes(1 << 20)]) {
      const sig = key.signDocument(doc, 'der');
      expect(verify('sha256', doc, key.publicKey, sig)).toBe(true);
      const sig2 = key.signDigest(createHash('sha256').update(doc).digest(), 'der');
      expect(verify('sha256', doc, key.publicKey, sig2)).toBe(true);
    }
  });

  it('asserts its inputs', () => {
    expect(() => key.signDigest(Buffer.alloc(31), 'der')).toThrow('exactly 32 bytes');
    expect(() => key.signDigest(Buffer.alloc(33), 'der')).toThrow('exactly 32 bytes');
    expect(() => key.signDigest(digest, 'raw' as 'der')).toThrow(TypeError);
    expect(() => key.signDocument('text' as unknown as Buffer, 'der')).toThrow(TypeError);
    expect(() => SigningKey.fromPkcs8(Buffer.from('not a key'))).toThrow('not a PKCS#8');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
      type: 'pkcs8',
      format: 'der',
    });
    expect(() => SigningKey.fromPkcs8(p384)).toThrow('not an ECDSA P-256 key');
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' });
    expect(() => SigningKey.fromPkcs8(ed)).toThrow('not an ECDSA P-256 key');
  });

  it('destroy() refuses further signatures', () => {
    const k = SigningKey.fromPkcs8(generateSigningKeyPair().pkcs8Der);
    k.destroy();
    expect(k.destroyed).toBe(true);
    expect(() => k.signDocument(document, 'der')).toThrow('destroyed');
    expect(() => k.signDigest(digest, 'der')).toThrow('destroyed');
  });
});

/** Runs openssl in a scratch directory holding `files`; true when it exits 0 with "Verified". */
function openssl(args: string[], files: Record<string, Buffer | string>): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'dss-openssl-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.error) throw r.error;
    if (r.status === 0) expect(`${r.stdout}${r.stderr}`).toContain('Verified');
    return r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('DESIGN.md §11 algorithms: ECDSA P-384 with SHA-384, Ed25519', () => {
  const document = Buffer.from('Minutes of the board meeting, signed with another curve.\n');

  it('P-384: document and SHA-384 digest signatures verify with openssl dgst -sha384', () => {
    const generated = generateSigningKeyPair('ecdsa-p384');
    const key = SigningKey.fromPkcs8(generated.pkcs8Der, 'ecdsa-p384');
    expect(key.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(key.digestBytes).toBe(48);
    const digest = createHash('sha384').update(document).digest();
    const args = ['dgst', '-sha384', '-verify', 'pub.pem', '-signature', 'sig.der', 'file'];
    for (const sig of [key.signDocument(document, 'der'), key.signDigest(digest, 'der')]) {
      expect(
        openssl(args, { 'pub.pem': generated.publicKeyPem, 'sig.der': sig, file: document }),
      ).toBe(true);
      expect(
        openssl(args, {
          'pub.pem': generated.publicKeyPem,
          'sig.der': sig,
          file: Buffer.from('forged'),
        }),
      ).toBe(false);
    }
    const p1363 = key.signDigest(digest, 'p1363');
    expect(p1363).toHaveLength(96);
    expect(
      verify('sha384', document, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, p1363),
    ).toBe(true);
    expect(() => key.signDigest(Buffer.alloc(32), 'der')).toThrow('exactly 48 bytes');
  });

  it('Ed25519: document signatures verify with openssl pkeyutl -rawin; no digest mode', () => {
    const generated = generateSigningKeyPair('ed25519');
    const key = SigningKey.fromPkcs8(generated.pkcs8Der, 'ed25519');
    expect(key.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(key.digestBytes).toBeNull();
    const sig = key.signDocument(document, 'der');
    expect(sig).toHaveLength(64);
    const args = ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', 'file'];
    const files = (file: Buffer) => ({ 'pub.pem': generated.publicKeyPem, sig, file });
    expect(openssl([...args, '-sigfile', 'sig'], files(document))).toBe(true);
    expect(openssl([...args, '-sigfile', 'sig'], files(Buffer.from('forged')))).toBe(false);
    expect(() => key.signDigest(Buffer.alloc(32), 'der')).toThrow('no digest mode');
  });

  it('refuses a key of another algorithm than the row names', () => {
    const p256 = generateSigningKeyPair().pkcs8Der;
    expect(() => SigningKey.fromPkcs8(p256, 'ecdsa-p384')).toThrow('not an ecdsa-p384 key');
    expect(() => SigningKey.fromPkcs8(p256, 'ed25519')).toThrow('not an ed25519 key');
    expect(() => generateSigningKeyPair('rsa' as 'ed25519')).toThrow('unknown key algorithm');
  });
});
