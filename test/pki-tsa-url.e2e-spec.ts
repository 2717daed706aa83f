/**
 * `DSS_TSA_URL`: signature timestamps from an outside RFC 3161 TSA. The outside TSA is the
 * OpenSSL CLI (`openssl ts -reply`, its own root and TSA certificate) behind node:http; the
 * token in the CMS must verify with `openssl ts -verify` under that root and not under the DSS
 * CA. A TSA that refuses connections, or accepts and never answers, gives `503 unavailable`.
 */
import { DssApiError, type DssClient } from '@dss/client';
import * as asn1js from 'asn1js';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { runDss } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';
import { registeredEmployee } from './support/employee';

const PASSWORD = 'orchard-lantern-47-quietly';
const OUTSIDE_POLICY = '1.3.6.1.4.1.32473.9.9';

function openssl(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A root and a TSA certificate (critical EKU timeStamping) made with the OpenSSL CLI. */
function makeOutsideTsa(dir: string): void {
  writeFileSync(
    join(dir, 'ext.cnf'),
    [
      '[v3_tsa]',
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = critical, timeStamping',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const steps: string[][] = [
    ['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', 'root.key'],
    [
      'req',
      '-new',
      '-x509',
      '-key',
      'root.key',
      '-subj',
      '/CN=Outside Root',
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'root.pem',
    ],
    ['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', 'tsa.key'],
    ['req', '-new', '-key', 'tsa.key', '-subj', '/CN=Outside TSA', '-out', 'tsa.csr'],
    [
      'x509',
      '-req',
      '-in',
      'tsa.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      'ext.cnf',
      '-extensions',
      'v3_tsa',
      '-out',
      'tsa.pem',
    ],
  ];
  for (const step of steps) {
    const r = openssl(step, dir);
    if (r.code !== 0) throw new Error(`openssl ${step.join(' ')}: ${r.out}`);
  }
  writeFileSync(join(dir, 'tsaserial'), '01\n');
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[tsa]',
      'default_tsa = outside',
      '[outside]',
      `dir = ${dir}`,
      'serial = $dir/tsaserial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.pem',
      'certs = $dir/root.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      `default_policy = ${OUTSIDE_POLICY}`,
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
}

/** RFC 3161 §3.4 over node:http, each reply made by `openssl ts -reply`. */
function startOutsideTsa(dir: string, requests: Buffer[]): Promise<Server> {
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const query = Buffer.concat(chunks);
      requests.push(query);
      const name = `q${++n}`;
      writeFileSync(join(dir, `${name}.tsq`), query);
      const child = spawn(
        'openssl',
        ['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `${name}.tsq`, '-out', `${name}.tsr`],
        { cwd: dir },
      );
      child.on('close', (code) => {
        if (code !== 0) {
          res.writeHead(500).end();
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/timestamp-reply' })
          .end(readFileSync(join(dir, `${name}.tsr`)));
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function userOf(server: RunningDss, name: string): Promise<DssClient> {
  const client = await registeredEmployee(server, name, PASSWORD, { fullName: name });
  await client.createKeys();
  return client;
}

/** The signature-time-stamp token (DER) and the signature value of a DSS CMS. */
function tokenOf(cms: Buffer): { token: Buffer; signature: Buffer } {
  const info = new pkijs.ContentInfo({
    schema: asn1js.fromBER(new Uint8Array(cms).buffer).result,
  });
  const signer = new pkijs.SignedData({ schema: info.content }).signerInfos[0];
  const attr = signer.unsignedAttrs!.attributes.find(
    (a) => a.type === '1.2.840.113549.1.9.16.2.14',
  )!;
  return {
    token: Buffer.from((attr.values[0] as asn1js.Sequence).toBER(false)),
    signature: Buffer.from(signer.signature.valueBlock.valueHexView),
  };
}

describe('DSS_TSA_URL: signature timestamps from an outside TSA (e2e)', () => {
  let dir: string;
  let tsa: Server;
  let silent: ReturnType<typeof createTcpServer>;
  const held: Socket[] = [];
  const requests: Buffer[] = [];
  let outside: RunningDss;
  let refused: RunningDss;
  let hanging: RunningDss;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dss-tsa-url-'));
    makeOutsideTsa(dir);
    tsa = await startOutsideTsa(dir, requests);
    // Accepts connections and never answers.
    silent = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    // A port that was just free: connections to it are refused.
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const url = (s: { address(): AddressInfo | string | null }) =>
      `http://127.0.0.1:${(s.address() as AddressInfo).port}/tsr`;
    [outside, refused, hanging] = await Promise.all([
      startDss({ env: { DSS_TSA_URL: url(tsa) } }),
      startDss({ env: { DSS_TSA_URL: `http://127.0.0.1:${closedPort}/tsr` } }),
      startDss({ env: { DSS_TSA_URL: url(silent) } }),
    ]);
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await Promise.all([outside?.close(), refused?.close(), hanging?.close()]);
    await new Promise((resolve) => tsa?.close(resolve));
    await new Promise((resolve) => silent?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the CMS carries the outside TSA’s token over its signature; openssl checks it under that root only', async () => {
    const alice = await userOf(outside, 'alice');
    const content = Buffer.from('Minutes of the board meeting.\n');
    const digest = createHash('sha256').update(content).digest();
    const { cms } = await alice.signCms({ digest });
    expect(requests).toHaveLength(1);

    const { token, signature } = tokenOf(cms);
    writeFileSync(join(dir, 'token.der'), token);
    writeFileSync(
      join(dir, 'dss-ca.pem'),
      await (await fetch(`${outside.url}/v1/ca/certificate`)).text(),
    );
    const imprint = createHash('sha256').update(signature).digest('hex');
    const check = (ca: string) =>
      openssl(
        [
          'ts',
          '-verify',
          '-digest',
          imprint,
          '-in',
          'token.der',
          '-token_in',
          '-CAfile',
          ca,
          '-untrusted',
          'tsa.pem',
        ],
        dir,
      );
    expect(check('root.pem').out).toContain('Verification: OK');
    expect(check('dss-ca.pem').code).not.toBe(0);
    const printed = openssl(
      ['ts', '-reply', '-in', 'token.der', '-token_in', '-token_out', '-text'],
      dir,
    );
    expect(printed.out).toContain(`Policy OID: ${OUTSIDE_POLICY}`);
    expect(printed.out).toContain('CN=Outside TSA');

    // The CMS itself still verifies with the DSS CA as trust anchor.
    writeFileSync(join(dir, 'minutes.txt'), content);
    writeFileSync(join(dir, 'minutes.p7s'), cms);
    const cmsCheck = openssl(
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        'minutes.p7s',
        '-content',
        'minutes.txt',
        '-CAfile',
        'dss-ca.pem',
        '-out',
        '/dev/null',
      ],
      dir,
    );
    expect(cmsCheck.out).toContain('Verification successful');

    // dss verify trusts the outside TSA only when told its root.
    const verify = (...extra: string[]) =>
      runDss(
        [
          'verify',
          'minutes.txt',
          'minutes.p7s',
          '--json',
          '--server',
          outside.url,
          '--server-key',
          join(outside.database.dataDir, 'dss_public.pem'),
          ...extra,
        ],
        { cwd: dir, env: { HOME: dir, DSS_CONFIG_DIR: join(dir, 'config') } },
      );
    const untrusted = await verify();
    expect(untrusted.code).toBe(1);
    expect(untrusted.json()).toMatchObject({ failure: { code: 'timestamp_invalid' } });
    const trusted = await verify('--tsa-ca', 'root.pem');
    expect({ code: trusted.code, stderr: trusted.stderr }).toEqual({ code: 0, stderr: '' });
    expect(trusted.json()).toMatchObject({
      valid: true,
      signer: { name: 'alice' },
      timestampAuthority: 'CN=Outside TSA',
    });
  });

  it('a TSA that refuses connections: 503 unavailable at once', async () => {
    const bob = await userOf(refused, 'bob');
    const started = Date.now();
    const err = await bob
      .signCms({ digest: createHash('sha256').update('x').digest() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssApiError);
    expect({ status: (err as DssApiError).status, code: (err as DssApiError).code }).toEqual({
      status: 503,
      code: 'unavailable',
    });
    expect((err as DssApiError).message).toMatch(/DSS_TSA_URL/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a TSA that never answers: 503 unavailable after the timeout, never a hang', async () => {
    const carol = await userOf(hanging, 'carol');
    const started = Date.now();
    const err = await carol
      .signCms({ digest: createHash('sha256').update('y').digest() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DssApiError);
    expect((err as DssApiError).status).toBe(503);
    expect((err as DssApiError).code).toBe('unavailable');
    expect((err as DssApiError).message).toMatch(/did not give a valid token/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 40_000);
});
