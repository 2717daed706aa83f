/**
 * DSS under an organisation's root (docs/SIGNATURES.md): `dss-admin ca csr` writes a CSR for the
 * DSS CA key, a root made with the OpenSSL CLI signs it, `dss-admin ca import` installs the
 * result, and signatures then verify with only that root as trust anchor.
 */
import { AccountsService } from '@dss/accounts';
import { DssClient } from '@dss/client';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDss } from './support/cli';
import { dssAdmin } from './support/dss-admin';
import { startDss, type RunningDss } from './support/dss-server';

const PASSWORD = 'orchard-lantern-47-quietly';

function openssl(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const CA_EXTENSIONS = `[v3_dss]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

describe('DSS CA under a corporate root made with the OpenSSL CLI (e2e)', () => {
  let server: RunningDss;
  let dir: string;
  let env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string };

  beforeAll(async () => {
    server = await startDss();
    env = { DSS_DATA_DIR: server.database.dataDir, DSS_DATABASE_URL: server.database.databaseUrl };
    dir = mkdtempSync(join(tmpdir(), 'dss-corp-root-'));
    // The organisation's root, made by the OpenSSL CLI.
    const root = openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'root.key',
        '-out',
        'root.pem',
        '-days',
        '30',
        '-subj',
        '/O=Example Corp/CN=Example Corp Root',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    expect(root.code).toBe(0);
    writeFileSync(join(dir, 'ext.cnf'), CA_EXTENSIONS);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate that is not for the DSS CA key, with a clear code and exit 2', async () => {
    const other = openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'other.key',
        '-out',
        'other.pem',
        '-days',
        '1',
        '-subj',
        '/CN=Other',
      ],
      dir,
    );
    expect(other.code).toBe(0);
    const r = await dssAdmin(['ca', 'import', join(dir, 'other.pem'), join(dir, 'root.pem')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not for the DSS CA key');
    const missing = await dssAdmin(['ca', 'import', join(dir, 'missing.pem')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });

  it('csr → signed by the root → import: a CMS signature verifies with only the root as anchor', async () => {
    const csr = await dssAdmin(['ca', 'csr', '-o', join(dir, 'dss-ca.csr')], env);
    expect(csr.code).toBe(0);
    expect(readFileSync(join(dir, 'dss-ca.csr'), 'utf8')).toContain('BEGIN CERTIFICATE REQUEST');
    expect(openssl(['req', '-in', 'dss-ca.csr', '-noout', '-verify'], dir).out).toMatch(
      /verify OK|Certificate request self-signature verify OK/,
    );
    const signed = openssl(
      [
        'x509',
        '-req',
        '-in',
        'dss-ca.csr',
        '-CA',
        'root.pem',
        '-CAkey',
        'root.key',
        '-CAcreateserial',
        '-days',
        '20',
        '-extfile',
        'ext.cnf',
        '-extensions',
        'v3_dss',
        '-out',
        'dss-ca.pem',
      ],
      dir,
    );
    expect(signed.code).toBe(0);
    const imported = await dssAdmin(
      ['ca', 'import', join(dir, 'dss-ca.pem'), join(dir, 'root.pem'), '--json'],
      env,
    );
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ issuer: 'O=Example Corp, CN=Example Corp Root' });

    // The running server serves the new chain at once.
    const chain = await (await fetch(`${server.url}/v1/ca/certificate`)).text();
    expect(chain.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);

    const { temporaryPassword } = await server.app
      .get(AccountsService)
      .register('bob', { type: 'operator', name: 'test' }, { fullName: 'Bob Stone' });
    const bob = new DssClient({
      baseUrl: server.url,
      serverPublicKey: server.identity.publicKeyPem,
    });
    await bob.handshake();
    await bob.login('bob', temporaryPassword);
    await bob.changePassword(temporaryPassword, PASSWORD);
    await bob.login('bob', PASSWORD);
    const key = await bob.createKeys();
    writeFileSync(join(dir, 'bob.pem'), key.certificate!);
    writeFileSync(join(dir, 'dss-chain.pem'), chain);
    expect(
      openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'dss-chain.pem', 'bob.pem'], dir).out,
    ).toContain('bob.pem: OK');

    const content = Buffer.from('signed under the corporate root\n');
    writeFileSync(join(dir, 'doc.txt'), content);
    writeFileSync(join(dir, 'doc.txt.p7s'), (await bob.signCms({ document: content })).cms);
    const ok = openssl(
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        'doc.txt.p7s',
        '-content',
        'doc.txt',
        '-CAfile',
        'root.pem',
        '-out',
        '/dev/null',
      ],
      dir,
    );
    expect(ok.out).toContain('Verification successful');

    // dss verify takes the chain over the secure channel: the corporate root is the anchor.
    const verified = await runDss(
      [
        'verify',
        'doc.txt',
        'doc.txt.p7s',
        '--json',
        '--server',
        server.url,
        '--server-key',
        join(server.database.dataDir, 'dss_public.pem'),
      ],
      { cwd: dir, env: { HOME: dir, DSS_CONFIG_DIR: join(dir, 'config') } },
    );
    expect({ code: verified.code, stderr: verified.stderr }).toEqual({ code: 0, stderr: '' });
    expect(verified.json()).toMatchObject({
      valid: true,
      signer: { name: 'Bob Stone', issuer: expect.stringContaining('DSS') },
    });
  });
});
