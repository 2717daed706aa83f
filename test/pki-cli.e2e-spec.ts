/**
 * The `dss` command line and the DSS PKI: `dss keys show --certificate` and
 * `dss sign FILE --format cms` → FILE.p7s, verified with `openssl cms -verify` as a recipient
 * outside DSS would, with the CA certificate from `GET /v1/ca/certificate`.
 */
import { AccountsService } from '@dss/accounts';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Workstation, type CliRun } from './support/cli';
import { startDss, type RunningDss } from './support/dss-server';

const PASSWORD = 'orchard-lantern-47-quietly';

function expectOk(run: CliRun): void {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
}

describe('dss CLI: certificates and CMS signatures (e2e)', () => {
  let server: RunningDss;
  let carol: Workstation;

  beforeAll(async () => {
    server = await startDss({ env: { DSS_LOGIN_RATE_LIMIT: '0' } });
    carol = new Workstation(server, 'carol');
    const { temporaryPassword } = await server.app
      .get(AccountsService)
      .register('carol', { type: 'operator', name: 'test' }, { email: 'carol@example.org' });
    expectOk(await carol.run(['config', 'set', 'server', server.url]));
    expectOk(await carol.run(['config', 'set', 'serverKey', 'dss_public.pem']));
    expectOk(await carol.run(['config', 'set', 'username', 'carol']));
    const first = await carol.run(['login', '--password-stdin'], {
      input: `${temporaryPassword}\n${PASSWORD}\n`,
    });
    expect(first.code).toBe(0);
  });
  afterAll(async () => {
    carol?.remove();
    await server?.close();
  });

  it('keys show --certificate writes the certificate; sign --format cms writes a .p7s openssl verifies', async () => {
    const env = { DSS_PASSWORD: PASSWORD };
    expectOk(await carol.run(['keys', 'create'], { env }));
    const shown = await carol.run(['keys', 'show', '--certificate', '-o', 'carol.crt'], { env });
    expectOk(shown);
    expect(shown.stdout).toContain("Wrote carol's certificate to carol.crt.");
    expect(readFileSync(carol.path('carol.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');

    writeFileSync(carol.path('contract.txt'), Buffer.from('I agree.\n'.repeat(1000)));
    const signed = await carol.run(['sign', 'contract.txt', '--format', 'cms', '--json'], { env });
    expectOk(signed);
    expect(signed.json()).toMatchObject({
      file: 'contract.txt',
      signatureFile: 'contract.txt.p7s',
      format: 'cms',
      username: 'carol',
    });

    const ca = await (await fetch(`${server.url}/v1/ca/certificate`)).text();
    writeFileSync(carol.path('dss-ca.pem'), ca);
    const verify = (file: string) =>
      spawnSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          'contract.txt.p7s',
          '-content',
          file,
          '-CAfile',
          'dss-ca.pem',
          '-out',
          '/dev/null',
        ],
        { cwd: carol.dir, encoding: 'utf8' },
      );
    const ok = verify('contract.txt');
    expect(`${ok.stdout}${ok.stderr}`).toContain('Verification successful');
    writeFileSync(carol.path('forged.txt'), Buffer.from('I disagree.\n'));
    expect(verify('forged.txt').status).not.toBe(0);
  });
});
