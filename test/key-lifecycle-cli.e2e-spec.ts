/**
 * Key lifecycle on the `dss` command line (docs/SIGNATURES.md "Key lifecycle", README CLI
 * reference): `dss keys create --algorithm`, `dss keys rotate`, `dss sign FILE…` in one batch,
 * and `dss verify` choosing the key a signature was made with — checked against the OpenSSL CLI.
 */
import { AuditEventEntity } from '@dss/persistence';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { expectOk, signedInWorkstation, type Workstation } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';

const PASSWORD = 'orchard-lantern-47-quietly';
const env = { DSS_PASSWORD: PASSWORD };

function openssl(ws: Workstation, args: string[]): number {
  const r = spawnSync('openssl', args, { cwd: ws.dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  return r.status ?? -1;
}

describe('dss CLI: key lifecycle (e2e)', () => {
  let server: RunningDss;
  const machines: Workstation[] = [];

  beforeAll(async () => {
    server = await startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0' } });
  });
  afterAll(async () => {
    for (const m of machines) m.remove();
    await server?.close();
  });

  it('rotates; old signatures still verify with dss verify (by receipt, --key-id and --at); several files sign in one batch', async () => {
    const ws = await signedInWorkstation(server, 'henry', PASSWORD);
    machines.push(ws);
    expectOk(await ws.run(['keys', 'create'], { env }));
    writeFileSync(ws.path('before.txt'), 'Signed with the first key.\n');
    expectOk(await ws.run(['sign', 'before.txt'], { env }));
    const first = (await ws.run(['keys', 'show', '--json'], { env })).json<{
      keyId: string;
      createdAt: string;
      fingerprint: string;
    }>();

    const rotated = await ws.run(['keys', 'rotate', '--json'], { env });
    expectOk(rotated);
    const second = rotated.json<{ keyId: string; retiredKeyId: string; status: string }>();
    expect(second).toMatchObject({ retiredKeyId: first.keyId, status: 'active' });
    const text = await ws.run(['keys', 'show', '--key-id', first.keyId], { env });
    expectOk(text);
    expect(text.stdout).toContain('status:      retired');

    // The receipt beside the signature names the key: dss verify fetches that one.
    const byReceipt = await ws.run(
      ['verify', 'before.txt', 'before.txt.sig', '--user', 'henry', '--json'],
      { env },
    );
    expectOk(byReceipt);
    expect(byReceipt.json()).toMatchObject({ valid: true, keyFingerprint: first.fingerprint });
    rmSync(ws.path('before.txt.sig.receipt.json'));
    // Without it the active key is used, and it did not make this signature…
    const active = await ws.run(['verify', 'before.txt', 'before.txt.sig', '--user', 'henry'], {
      env,
    });
    expect(active.code).toBe(1);
    // …but the key id or the signing time picks the right one.
    for (const select of [
      ['--key-id', first.keyId],
      ['--at', first.createdAt],
    ]) {
      const ok = await ws.run(
        ['verify', 'before.txt', 'before.txt.sig', '--user', 'henry', ...select, '--json'],
        { env },
      );
      expectOk(ok);
      expect(ok.json()).toMatchObject({ valid: true, keyFingerprint: first.fingerprint });
    }
    const both = await ws.run(
      [
        'verify',
        'before.txt',
        'before.txt.sig',
        '--user',
        'henry',
        '--key-id',
        first.keyId,
        '--at',
        first.createdAt,
      ],
      { env },
    );
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('at most one of --key-id and --at');

    // Several files: one batch request, each FILE.sig with its receipt, all by the new key.
    const files = ['a.txt', 'b.txt', 'c.txt'];
    for (const f of files) writeFileSync(ws.path(f), `${f}: ${randomBytes(8).toString('hex')}\n`);
    const events = await server.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .count({ where: { action: 'signature.issued', actor: 'henry' } });
    const batch = await ws.run(['sign', ...files, '--json'], { env });
    expectOk(batch);
    const result = batch.json<{ signatures: { file: string; keyId: string }[] }>();
    expect(result.signatures.map((s) => s.file)).toEqual(files);
    expect(result.signatures.every((s) => s.keyId === second.keyId)).toBe(true);
    expect(
      await server.app
        .get(DataSource)
        .getRepository(AuditEventEntity)
        .count({ where: { action: 'signature.issued', actor: 'henry' } }),
    ).toBe(events + 3);
    expectOk(await ws.run(['keys', 'show', '-o', 'henry.pem'], { env }));
    for (const f of files) {
      expect(existsSync(ws.path(`${f}.sig.receipt.json`))).toBe(true);
      expect(
        openssl(ws, ['dgst', '-sha256', '-verify', 'henry.pem', '-signature', `${f}.sig`, f]),
      ).toBe(0);
    }
    const cms = await ws.run(['sign', 'a.txt', 'b.txt', '--format', 'cms'], { env });
    expect(cms.code).not.toBe(0);
    expect(cms.stderr).toContain('--format cms signs one file at a time');
  });

  it('--algorithm ecdsa-p384 and ed25519: dss sign and dss verify, checked with openssl too', async () => {
    const ws = await signedInWorkstation(server, 'iris', PASSWORD);
    machines.push(ws);
    const created = await ws.run(['keys', 'create', '--algorithm', 'ecdsa-p384', '--json'], {
      env,
    });
    expectOk(created);
    expect(created.json()).toMatchObject({ algorithm: 'ecdsa-p384' });
    // Over 1 MiB: hashed here with SHA-384, only the digest sent.
    writeFileSync(ws.path('big.bin'), randomBytes(1024 * 1024 + 17));
    writeFileSync(ws.path('small.txt'), 'small\n');
    expectOk(await ws.run(['sign', 'big.bin'], { env }));
    expectOk(await ws.run(['sign', 'small.txt', 'big.bin'], { env }));
    expectOk(await ws.run(['keys', 'show', '-o', 'iris.pem'], { env }));
    for (const f of ['big.bin', 'small.txt']) {
      expect(
        openssl(ws, ['dgst', '-sha384', '-verify', 'iris.pem', '-signature', `${f}.sig`, f]),
      ).toBe(0);
      expectOk(await ws.run(['verify', f, `${f}.sig`, '--user', 'iris', '--receipt'], { env }));
      expectOk(await ws.run(['verify', f, `${f}.sig`, '--key', 'iris.pem'], { env }));
    }

    const rotated = await ws.run(['keys', 'rotate', '--algorithm', 'ed25519', '--json'], { env });
    expectOk(rotated);
    expect(rotated.json()).toMatchObject({ algorithm: 'ed25519' });
    expectOk(await ws.run(['sign', 'small.txt', 'big.bin'], { env }));
    expectOk(await ws.run(['keys', 'show', '-o', 'iris-ed.pem'], { env }));
    for (const f of ['big.bin', 'small.txt']) {
      const args = ['pkeyutl', '-verify', '-pubin', '-inkey', 'iris-ed.pem', '-rawin'];
      expect(openssl(ws, [...args, '-in', f, '-sigfile', `${f}.sig`])).toBe(0);
      expectOk(await ws.run(['verify', f, `${f}.sig`, '--user', 'iris'], { env }));
    }
    writeFileSync(ws.path('small.txt'), 'changed\n');
    expect(
      (await ws.run(['verify', 'small.txt', 'small.txt.sig', '--user', 'iris'], { env })).code,
    ).toBe(1);
  });
});
