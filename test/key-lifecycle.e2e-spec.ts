/**
 * Key lifecycle (DESIGN.md §11, docs/SIGNATURES.md "Key lifecycle"), end to end through the SDK
 * against the real service: rotation with history, the algorithms ECDSA P-384 and Ed25519
 * checked with the OpenSSL CLI, batch signing, and the maximum key age.
 */
import { DssClient } from '@dss/client';
import { ManualClock } from '@dss/common';
import { AuditEventEntity } from '@dss/persistence';
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { KeyNoLongerActiveError, SignatureLedger } from '../apps/dss/src/signing/signature-ledger';
import { startDss, type RunningDss } from './support/dss-server';
import { registeredEmployee } from './support/employee';
import { dssApiErrorOf } from './support/thrown';

const PASSWORD = 'orchard-lantern-47-quietly';
const DAY_MS = 86_400_000;

/** Runs openssl in `dir`; its exit status and output. */
function openssl(dir: string, args: string[]): { code: number; out: string } {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function eventsOf(server: RunningDss, action: string, actor: string): Promise<number> {
  return server.app
    .get(DataSource)
    .getRepository(AuditEventEntity)
    .count({ where: { action, actor } });
}

describe('key lifecycle (e2e)', () => {
  let server: RunningDss;
  let clock: ManualClock;
  let dir: string;

  beforeAll(async () => {
    // A clock the test sets (STYLE.md: time in tests is set, never slept), starting now.
    clock = new ManualClock(Date.now());
    server = await startDss({ clock, env: { DSS_LOGIN_RATE_LIMIT: '0' } });
    dir = mkdtempSync(join(tmpdir(), 'dss-key-lifecycle-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('rotation with history', () => {
    it('retires the old key: it never signs again, its public key stays served by keyId and by time', async () => {
      const alice = await registeredEmployee(server, 'alice', PASSWORD);
      const first = await alice.createKeys();
      expect(first).toMatchObject({ status: 'active', validTo: null, algorithm: 'ecdsa-p256' });
      expect(first.validFrom).toBe(first.createdAt);
      const document = Buffer.from('Signed before the rotation.\n');
      const before = await alice.sign({ document });
      expect(before.keyId).toBe(first.keyId);
      const beforeRotation = new Date(clock.now());

      clock.advance(60_000);
      const rotated = await alice.rotateKeys();
      expect(rotated).toMatchObject({
        retiredKeyId: first.keyId,
        status: 'active',
        algorithm: 'ecdsa-p256',
        validTo: null,
      });
      expect(rotated.keyId).not.toBe(first.keyId);
      expect(rotated.fingerprint).not.toBe(first.fingerprint);
      expect(rotated.certificate).toContain('BEGIN CERTIFICATE');

      // Every signature names its key: now the new one.
      const after = await alice.sign({ document: Buffer.from('Signed after.\n') });
      expect(after.keyId).toBe(rotated.keyId);
      expect(
        verify('sha256', Buffer.from('Signed after.\n'), rotated.publicKey, after.signature),
      ).toBe(true);

      // The signing transaction itself refuses the retired key, whatever a cache holds.
      const ledger = server.app.get(SignatureLedger);
      const issued = await eventsOf(server, 'signature.issued', 'alice');
      await expect(
        ledger.record({
          userId: await userIdOf(server, 'alice'),
          authenticatedAt: clock.now(),
          username: 'alice',
          keyId: first.keyId,
          digest: createHash('sha256').update(document).digest('hex'),
          encoding: 'der',
          mode: 'document',
        }),
      ).rejects.toBeInstanceOf(KeyNoLongerActiveError);
      expect(await eventsOf(server, 'signature.issued', 'alice')).toBe(issued);

      // The retired key by id: same public key, with its validity period.
      const old = await alice.getPublicKey(undefined, { keyId: first.keyId });
      expect(old).toMatchObject({
        keyId: first.keyId,
        username: 'alice',
        status: 'retired',
        publicKey: first.publicKey,
        validFrom: first.createdAt,
        validTo: rotated.createdAt,
      });
      expect(old.certificate).toBe(first.certificate);
      // …and by time: the key active when the first signature was made, and the one active now.
      expect((await alice.getPublicKey('alice', { at: beforeRotation })).keyId).toBe(first.keyId);
      expect((await alice.getPublicKey('alice', { at: new Date(clock.now()) })).keyId).toBe(
        rotated.keyId,
      );
      // The signature made before the rotation still verifies with the key it names.
      expect(verify('sha256', document, old.publicKey, before.signature)).toBe(true);
      // No key before the first one; keyId and at together are refused.
      const none = await dssApiErrorOf(alice.getPublicKey(undefined, { at: new Date(0) }));
      expect(none).toMatchObject({ status: 404, code: 'no_key' });
      const both = await dssApiErrorOf(
        alice.request('POST', '/v1/keys/public', {
          keyId: first.keyId,
          at: new Date().toISOString(),
        }),
      );
      expect(both).toMatchObject({ status: 400, code: 'invalid_request' });
      const badAt = await dssApiErrorOf(
        alice.request('POST', '/v1/keys/public', { at: 'yesterday' }),
      );
      expect(badAt).toMatchObject({ status: 400, code: 'invalid_request' });

      // The default GetPublicKey is unchanged: the active key.
      expect((await alice.getPublicKey()).keyId).toBe(rotated.keyId);

      const [event] = await server.app
        .get(DataSource)
        .getRepository(AuditEventEntity)
        .find({ where: { action: 'key.rotated', actor: 'alice' } });
      expect(event.subject).toBe(rotated.keyId);
      expect(JSON.parse(event.details)).toMatchObject({
        keyId: rotated.keyId,
        retiredKeyId: first.keyId,
        algorithm: 'ecdsa-p256',
      });

      // DeleteKeys deletes the active key; the retired key's public key stays served.
      const deleted = await alice.deleteKeys();
      expect(deleted.keyId).toBe(rotated.keyId);
      expect((await alice.getPublicKey(undefined, { keyId: first.keyId })).status).toBe('retired');
      const gone = await dssApiErrorOf(alice.getPublicKey(undefined, { keyId: rotated.keyId }));
      expect(gone).toMatchObject({ status: 404, code: 'no_key' });
    });

    it('keeps a second instance coherent: its cached key is refused after a rotation elsewhere, and it signs with the new key', async () => {
      const other = await startDss({ database: server.database, clock });
      try {
        const here = await registeredEmployee(server, 'lena', PASSWORD);
        const first = await here.createKeys();
        const there = new DssClient({
          baseUrl: other.url,
          serverPublicKey: other.identity.publicKeyPem,
        });
        await there.handshake();
        await there.login('lena', PASSWORD);
        // The other instance unwraps and caches the key…
        expect((await there.sign({ document: Buffer.from('one') })).keyId).toBe(first.keyId);
        // …the rotation happens here…
        const rotated = await here.rotateKeys();
        // …and the other instance's next signature is made with the new key, never the old one.
        const next = await there.sign({ document: Buffer.from('two') });
        expect(next.keyId).toBe(rotated.keyId);
        expect(verify('sha256', Buffer.from('two'), rotated.publicKey, next.signature)).toBe(true);
        const batch = await there.signBatch([randomBytes(32)]);
        expect(batch.keyId).toBe(rotated.keyId);
      } finally {
        await other.close();
      }
    });

    it('answers rotate without an active key with no_key, and an unknown algorithm with invalid_request', async () => {
      const bob = await registeredEmployee(server, 'bob', PASSWORD);
      expect(await dssApiErrorOf(bob.rotateKeys())).toMatchObject({ status: 404, code: 'no_key' });
      await bob.createKeys();
      const bad = await dssApiErrorOf(bob.request('POST', '/v1/keys/rotate', { algorithm: 'rsa' }));
      expect(bad).toMatchObject({ status: 400, code: 'invalid_request' });
      const extra = await dssApiErrorOf(bob.request('POST', '/v1/keys/rotate', { size: 4096 }));
      expect(extra).toMatchObject({ status: 400, code: 'invalid_request' });
    });
  });

  describe('algorithms, checked with the OpenSSL CLI', () => {
    it('ecdsa-p384: documents and SHA-384 digests verify with openssl dgst -sha384; the certificate holds the P-384 key', async () => {
      const carol = await registeredEmployee(server, 'carol', PASSWORD);
      const key = await carol.createKeys('ecdsa-p384');
      expect(key.algorithm).toBe('ecdsa-p384');
      writeFileSync(join(dir, 'p384.pem'), key.publicKey);
      writeFileSync(join(dir, 'p384.crt'), key.certificate!);
      expect(openssl(dir, ['x509', '-in', 'p384.crt', '-noout', '-text']).out).toMatch(
        /NIST CURVE: P-384|secp384r1/,
      );
      const document = Buffer.from('A P-384 signed memo.\n'.repeat(50));
      writeFileSync(join(dir, 'memo.txt'), document);
      const sha384 = createHash('sha384').update(document).digest();
      const byDocument = await carol.sign({ document });
      const byDigest = await carol.sign({ digest: sha384 });
      for (const result of [byDocument, byDigest]) {
        expect(result.algorithm).toBe('ecdsa-p384-sha384');
        expect(result.digest.equals(sha384)).toBe(true);
        writeFileSync(join(dir, 'memo.sig'), result.signature);
        const ok = openssl(dir, [
          'dgst',
          '-sha384',
          '-verify',
          'p384.pem',
          '-signature',
          'memo.sig',
          'memo.txt',
        ]);
        expect(ok).toEqual({ code: 0, out: 'Verified OK\n' });
      }
      writeFileSync(join(dir, 'forged.txt'), 'A forged memo.\n');
      expect(
        openssl(dir, [
          'dgst',
          '-sha384',
          '-verify',
          'p384.pem',
          '-signature',
          'memo.sig',
          'forged.txt',
        ]).code,
      ).not.toBe(0);
      // A SHA-256 digest is the wrong length for this key.
      const short = await dssApiErrorOf(carol.sign({ digest: randomBytes(32) }));
      expect(short).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(short.message).toMatch(/48 bytes \(SHA-384\)/);
    });

    it('ed25519: documents verify with openssl pkeyutl -rawin; digest mode is refused with digest_not_supported', async () => {
      const dave = await registeredEmployee(server, 'dave', PASSWORD);
      const key = await dave.createKeys('ed25519');
      expect(key.algorithm).toBe('ed25519');
      expect(createPublicKey(key.publicKey).asymmetricKeyType).toBe('ed25519');
      writeFileSync(join(dir, 'ed.pem'), key.publicKey);
      writeFileSync(join(dir, 'ed.crt'), key.certificate!);
      expect(openssl(dir, ['x509', '-in', 'ed.crt', '-noout', '-text']).out).toContain('ED25519');
      const document = Buffer.from('An Ed25519 signed note.\n');
      writeFileSync(join(dir, 'note.txt'), document);
      const signed = await dave.sign({ document });
      expect(signed).toMatchObject({ algorithm: 'ed25519', encoding: 'raw' });
      expect(signed.signature).toHaveLength(64);
      writeFileSync(join(dir, 'note.sig'), signed.signature);
      const args = ['pkeyutl', '-verify', '-pubin', '-inkey', 'ed.pem', '-rawin', '-sigfile'];
      expect(openssl(dir, [...args, 'note.sig', '-in', 'note.txt']).code).toBe(0);
      expect(openssl(dir, [...args, 'note.sig', '-in', 'memo.txt']).code).not.toBe(0);

      const events = await eventsOf(server, 'signature.issued', 'dave');
      const digest = createHash('sha256').update(document).digest();
      const refused = await dssApiErrorOf(dave.sign({ digest }));
      expect(refused).toMatchObject({ status: 400, code: 'digest_not_supported' });
      const batch = await dssApiErrorOf(dave.signBatch([digest]));
      expect(batch).toMatchObject({ status: 400, code: 'digest_not_supported' });
      expect(await eventsOf(server, 'signature.issued', 'dave')).toBe(events);
      // CMS needs a P-256 key, said plainly.
      const cms = await dssApiErrorOf(dave.signCms({ document }));
      expect(cms).toMatchObject({ status: 400, code: 'invalid_request' });
    });

    it('rotates to another algorithm on request, and keeps the algorithm by default', async () => {
      const erin = await registeredEmployee(server, 'erin', PASSWORD);
      await erin.createKeys('ecdsa-p384');
      expect((await erin.rotateKeys()).algorithm).toBe('ecdsa-p384');
      expect((await erin.rotateKeys('ed25519')).algorithm).toBe('ed25519');
      expect((await erin.sign({ document: Buffer.from('x') })).algorithm).toBe('ed25519');
    });
  });

  describe('batch signing', () => {
    let frank: DssClient;
    beforeAll(async () => {
      frank = await registeredEmployee(server, 'frank', PASSWORD);
      await frank.createKeys();
    });

    it('signs 100 digests in one request: 100 signatures that verify, 100 audit events', async () => {
      const documents = Array.from({ length: 100 }, (_, n) => Buffer.from(`invoice ${n}\n`));
      const digests = documents.map((d) => createHash('sha256').update(d).digest());
      const before = await eventsOf(server, 'signature.issued', 'frank');
      const { publicKey, keyId } = await frank.getPublicKey();
      const result = await frank.signBatch(digests);
      expect(result).toMatchObject({ keyId, algorithm: 'ecdsa-p256-sha256', encoding: 'der' });
      expect(result.items).toHaveLength(100);
      result.items.forEach((item, n) => {
        expect(item.digest.equals(digests[n])).toBe(true);
        expect(verify('sha256', documents[n], publicKey, item.signature)).toBe(true);
      });
      const indices = result.items.map((i) => i.receipt.logIndex);
      expect(new Set(indices).size).toBe(100);
      expect(await eventsOf(server, 'signature.issued', 'frank')).toBe(before + 100);
    });

    it('refuses 101 digests with batch_too_large, and a batch with one bad item whole: nothing audited', async () => {
      const before = await eventsOf(server, 'signature.issued', 'frank');
      const digests = Array.from({ length: 101 }, () => randomBytes(32));
      const tooMany = await dssApiErrorOf(frank.signBatch(digests));
      expect(tooMany).toMatchObject({ status: 400, code: 'batch_too_large' });
      expect(tooMany.details).toMatchObject({ maxBatch: 100 });

      const oneBad = [...digests.slice(0, 9), randomBytes(31)];
      const bad = await dssApiErrorOf(frank.signBatch(oneBad));
      expect(bad).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(bad.message).toContain('items[9].digest');
      const malformed = await dssApiErrorOf(
        frank.request('POST', '/v1/signatures/batch', { items: [{ digest: 'a+b' }] }),
      );
      expect(malformed).toMatchObject({ status: 400, code: 'invalid_request' });
      const empty = await dssApiErrorOf(
        frank.request('POST', '/v1/signatures/batch', { items: [] }),
      );
      expect(empty).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(await eventsOf(server, 'signature.issued', 'frank')).toBe(before);
    });
  });

  // SignDoc is served by the hot route and by the Nest route: both must carry the new field.
  describe.each([
    ['the hot route', true],
    ['the Nest route', false],
  ])('maximum key age (DSS_MAX_KEY_AGE_DAYS), SignDoc through %s', (_via, hotRoutes) => {
    let aged: RunningDss;
    let agedClock: ManualClock;
    beforeAll(async () => {
      agedClock = new ManualClock(Date.now());
      aged = await startDss({
        clock: agedClock,
        hotRoutes,
        env: { DSS_MAX_KEY_AGE_DAYS: '30' },
      });
    });
    afterAll(async () => {
      await aged?.close();
    });

    it('advises rotation in SignDoc and GetPublicKey once the key is older, and not after a rotation', async () => {
      const grace = await registeredEmployee(aged, 'grace', PASSWORD);
      await grace.createKeys();
      const young = await grace.sign({ document: Buffer.from('fresh') });
      expect(young.rotateAdvised).toBeUndefined();
      expect(young.raw).not.toHaveProperty('rotateAdvised');

      agedClock.advance(31 * DAY_MS);
      const again = new DssClient({
        baseUrl: aged.url,
        serverPublicKey: aged.identity.publicKeyPem,
      });
      await again.handshake();
      await again.login('grace', PASSWORD);
      expect((await again.sign({ document: Buffer.from('old') })).rotateAdvised).toBe(true);
      expect((await again.signBatch([randomBytes(32)])).rotateAdvised).toBe(true);
      expect((await again.getPublicKey()).rotateAdvised).toBe(true);
      const rotated = await again.rotateKeys();
      expect(rotated.rotateAdvised).toBeUndefined();
      expect((await again.sign({ document: Buffer.from('new') })).rotateAdvised).toBeUndefined();
      // A retired key is not advised to rotate: it is history.
      expect(
        (await again.getPublicKey(undefined, { keyId: rotated.retiredKeyId })).rotateAdvised,
      ).toBeUndefined();
    });
  });
});

async function userIdOf(server: RunningDss, username: string): Promise<number> {
  const rows = await server.app
    .get(DataSource)
    .query<{ id: number }[]>('SELECT id FROM users WHERE username = ?', [username]);
  return Number(rows[0].id);
}
