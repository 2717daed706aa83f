/**
 * PROTOCOL.md §4 application errors: every code is produced here over real HTTP, sealed, plus
 * the CreateKeys race, the wrapped-key row swap, and a scan of the raw tables for secrets.
 */
import { AccountsService } from '@dss/accounts';
import { DssApiError, DssClient } from '@dss/client';
import { ManualClock } from '@dss/common';
import { AuditService } from '@dss/audit';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startDss, type RunningDss } from './support/dss-server';

const ACTOR = { type: 'operator' as const, name: 'test' };
const GOOD = 'a-long-and-unusual-passphrase-42';

describe('employee operations (e2e)', () => {
  const clock = new ManualClock(Date.now());
  let server: RunningDss;
  let accounts: AccountsService;
  const client = () =>
    new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });
  const secrets: string[] = [GOOD];

  /** Registers a user, changes the temporary password, returns a logged-in client. */
  async function activeUser(name: string): Promise<DssClient> {
    const { temporaryPassword } = await accounts.register(name, ACTOR);
    secrets.push(temporaryPassword);
    const c = client();
    await c.login(name, temporaryPassword);
    await c.changePassword(temporaryPassword, GOOD);
    await c.login(name, GOOD);
    return c;
  }

  async function apiError(p: Promise<unknown>): Promise<DssApiError> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DssApiError);
    return err as DssApiError;
  }

  beforeAll(async () => {
    server = await startDss({
      clock,
      env: {
        DSS_MAX_DOCUMENT_BYTES: '2048',
        DSS_LOGIN_MAX_FAILURES: '3',
        DSS_LOGIN_LOCKOUT_SECONDS: '30',
        DSS_LOGIN_RATE_LIMIT: '0',
        DSS_TEMP_PASSWORD_TTL_HOURS: '24',
      },
    });
    accounts = server.app.get(AccountsService);
  });
  afterAll(async () => {
    await server.close();
  });

  describe('authentication', () => {
    it('answers unknown, disabled, expired-temporary and wrong-password users alike: 401 invalid_credentials', async () => {
      const { temporaryPassword } = await accounts.register('carol', ACTOR);
      await activeUser('dave');
      await accounts.register('erin', ACTOR);
      await accounts.disable('erin', ACTOR);
      const { temporaryPassword: erinTemp } = await accounts.resetPassword('erin', ACTOR);

      const c = client();
      const cases: [string, string][] = [
        ['nobody', GOOD],
        ['dave', 'not-the-password-at-all'],
        ['erin', erinTemp],
      ];
      const errors = [];
      for (const [user, password] of cases) errors.push(await apiError(c.login(user, password)));
      clock.advance(25 * 3600_000); // carol's temporary password has expired (and c's session too)
      errors.push(await apiError(client().login('carol', temporaryPassword)));
      for (const e of errors)
        expect(e).toMatchObject({
          status: 401,
          code: 'invalid_credentials',
          message: 'invalid username or password',
        });
    });

    it('locks an account after repeated failures: 429 too_many_attempts with retryAfterSeconds, then lets it in', async () => {
      await activeUser('frank');
      const c = client();
      for (let i = 0; i < 3; i++) await apiError(c.login('frank', `wrong-password-${i}`));
      const locked = await apiError(c.login('frank', GOOD));
      expect(locked).toMatchObject({ status: 429, code: 'too_many_attempts' });
      expect(locked.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(locked.retryAfterSeconds).toBeLessThanOrEqual(30);
      clock.advance(31_000);
      await expect(c.login('frank', GOOD)).resolves.toEqual({
        username: 'frank',
        mustChangePassword: false,
      });
    });

    it('refuses a second login on a session: 409 already_authenticated', async () => {
      const c = await activeUser('grace');
      expect(await apiError(c.login('grace', GOOD))).toMatchObject({
        status: 409,
        code: 'already_authenticated',
      });
    });

    it('refuses operations before login: 401 not_authenticated', async () => {
      const c = client();
      for (const call of [
        () => c.createKeys(),
        () => c.getPublicKey('x'),
        () => c.sign({ digest: Buffer.alloc(32) }),
        () => c.deleteKeys(),
        () => c.changePassword('a', 'b'),
      ]) {
        expect(await apiError(call())).toMatchObject({ status: 401, code: 'not_authenticated' });
      }
    });

    it('enforces the password policy: 422 weak_password', async () => {
      const { temporaryPassword } = await accounts.register('heidi', ACTOR);
      const c = client();
      await c.login('heidi', temporaryPassword);
      for (const weak of [
        'short',
        'heidi',
        'heidi123456789',
        temporaryPassword,
        'password123456',
        '1qaz2wsx3edc',
        'aaaaaaaaaaaaaaaa',
        'x'.repeat(129),
      ]) {
        const err = await apiError(c.changePassword(temporaryPassword, weak));
        expect(err).toMatchObject({ status: 422, code: 'weak_password' });
      }
      expect(await apiError(c.changePassword('not-the-temporary-password', GOOD))).toMatchObject({
        status: 401,
        code: 'invalid_credentials',
      });
      await expect(c.changePassword(temporaryPassword, GOOD)).resolves.toEqual({ changed: true });
    });
  });

  describe('keys and signatures', () => {
    let ivan: DssClient;
    beforeAll(async () => {
      ivan = await activeUser('ivan');
    });

    it('gives 404 no_key before any key exists, for oneself and for others', async () => {
      expect(await apiError(ivan.sign({ digest: Buffer.alloc(32, 1) }))).toMatchObject({
        status: 404,
        code: 'no_key',
      });
      expect(await apiError(ivan.getPublicKey())).toMatchObject({ status: 404, code: 'no_key' });
      expect(await apiError(ivan.getPublicKey('no-such-user'))).toMatchObject({
        status: 404,
        code: 'no_key',
      });
    });

    it('lets exactly one of two concurrent CreateKeys win: one 201, one 409 key_exists', async () => {
      const other = client();
      await other.login('ivan', GOOD);
      const results = await Promise.allSettled([
        ivan.createKeys(),
        other.createKeys(),
        ivan.createKeys(),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.flatMap((r) =>
        r.status === 'rejected' ? [r.reason as DssApiError] : [],
      );
      expect(won).toHaveLength(1);
      expect(lost.map((e) => [e.status, e.code])).toEqual([
        [409, 'key_exists'],
        [409, 'key_exists'],
      ]);
      const ds = server.app.get(DataSource);
      const rows = await ds.query<{ n: number | string }[]>(
        "SELECT COUNT(*) AS n FROM key_pairs k JOIN users u ON u.id = k.user_id WHERE u.username = 'ivan'",
      );
      expect(Number(rows[0].n)).toBe(1);
    });

    it('refuses documents over the limit: 413 document_too_large (the digest still works)', async () => {
      const big = Buffer.alloc(2049, 7);
      expect(await apiError(ivan.sign({ document: big }))).toMatchObject({
        status: 413,
        code: 'document_too_large',
      });
      const r = await ivan.sign({ digest: createHash('sha256').update(big).digest() });
      expect(r.signature.length).toBeGreaterThan(60);
    });

    it.each<[string, object]>([
      ['neither document nor digest', {}],
      [
        'both document and digest',
        { document: 'AAAA', digest: Buffer.alloc(32).toString('base64url') },
      ],
      ['a 31-byte digest', { digest: Buffer.alloc(31).toString('base64url') }],
      ['a 33-byte digest', { digest: Buffer.alloc(33).toString('base64url') }],
      ['a digest in standard base64', { digest: '+/+/' + Buffer.alloc(30).toString('base64url') }],
      ['a padded document', { document: 'AAE=' }],
      ['a non-canonical document', { document: 'AAF' }],
      ['a numeric document', { document: 12 }],
      ['an unknown field', { digest: Buffer.alloc(32).toString('base64url'), extra: true }],
      ['an unknown encoding', { digest: Buffer.alloc(32).toString('base64url'), encoding: 'pem' }],
    ])('answers SignDoc with %s: 400 invalid_request', async (_name, body) => {
      expect(await apiError(ivan.request('POST', '/v1/signatures', body))).toMatchObject({
        status: 400,
        code: 'invalid_request',
      });
    });

    it.each<[string, string, string, object]>([
      ['CreateKeys with an unknown algorithm', 'POST', '/v1/keys', { algorithm: 'rsa-2048' }],
      ['GetPublicKey with a numeric username', 'POST', '/v1/keys/public', { username: 42 }],
      ['DeleteKeys with a field', 'DELETE', '/v1/keys', { force: true }],
      ['login with a missing password', 'POST', '/v1/auth/login', { username: 'ivan' }],
    ])('answers %s: 400 invalid_request', async (_name, method, path, body) => {
      const c = path === '/v1/auth/login' ? client() : ivan;
      expect(await apiError(c.request(method as 'POST', path, body))).toMatchObject({
        status: 400,
        code: 'invalid_request',
      });
    });
  });

  describe('ending sessions', () => {
    it('ends a user’s open sessions when an administrator disables them, then lets them back after enable', async () => {
      const kate = await activeUser('kate');
      await kate.createKeys();
      clock.advance(1);
      await accounts.disable('kate', ACTOR);
      const ended = await apiError(kate.sign({ digest: Buffer.alloc(32, 5) }));
      expect(ended).toMatchObject({ status: 401, code: 'not_authenticated' });
      expect(ended.message).toMatch(/ended/);
      // The session is open again: logging in is allowed, and refused while disabled.
      expect(await apiError(kate.login('kate', GOOD))).toMatchObject({
        status: 401,
        code: 'invalid_credentials',
      });
      await accounts.enable('kate', ACTOR);
      await expect(kate.login('kate', GOOD)).resolves.toMatchObject({ username: 'kate' });
      await expect(kate.sign({ digest: Buffer.alloc(32, 5) })).resolves.toMatchObject({
        encoding: 'der',
      });
    });

    it('ends open sessions on a password reset and on a password change made elsewhere', async () => {
      const leo = await activeUser('leo');
      const other = client();
      await other.login('leo', GOOD);
      clock.advance(1);
      await leo.changePassword(GOOD, 'leo-picked-a-new-passphrase-3');
      expect(await apiError(other.createKeys())).toMatchObject({
        status: 401,
        code: 'not_authenticated',
      });
      await leo.login('leo', 'leo-picked-a-new-passphrase-3');
      await expect(leo.getPublicKey('leo')).rejects.toMatchObject({ code: 'no_key' });
      clock.advance(1);
      await accounts.resetPassword('leo', ACTOR);
      expect(await apiError(leo.getPublicKey('leo'))).toMatchObject({
        status: 401,
        code: 'not_authenticated',
      });
      expect(await apiError(leo.deleteKeys())).toMatchObject({
        status: 401,
        code: 'not_authenticated',
      });
    });
  });

  describe('key custody', () => {
    it('cannot sign with a wrapped key copied onto another user’s row', async () => {
      const judy = await activeUser('judy');
      const mallory = await activeUser('mallory');
      await judy.createKeys();
      const malloryKey = await mallory.createKeys();
      const ds = server.app.get(DataSource);
      const [judyRow] = await ds.query<{ w: Buffer; kek: string }[]>(
        "SELECT k.private_key_wrapped AS w, k.kek_id AS kek FROM key_pairs k JOIN users u ON u.id = k.user_id WHERE u.username = 'judy' AND k.active_user_id IS NOT NULL",
      );
      // Mallory's server-side caches are cold in a fresh instance; drop them here the same way.
      await ds.query('UPDATE key_pairs SET private_key_wrapped = ?, kek_id = ? WHERE id = ?', [
        judyRow.w,
        judyRow.kek,
        malloryKey.keyId,
      ]);
      const restarted = await startDss({ database: server.database });
      try {
        const m = new DssClient({
          baseUrl: restarted.url,
          serverPublicKey: restarted.identity.publicKeyPem,
        });
        await m.login('mallory', GOOD);
        const err = await apiError(m.sign({ digest: Buffer.alloc(32, 3) }));
        expect(err.status).toBe(500);
        expect(err.code).toBe('internal_error');
      } finally {
        await restarted.close();
      }
    });

    it('keeps no private key, password or temporary password in clear in any table', async () => {
      const ds = server.app.get(DataSource);
      const dump: string[] = [];
      for (const table of [
        'users',
        'key_pairs',
        'audit_events',
        'audit_chain_head',
        'operators',
        'operator_sessions',
      ]) {
        for (const row of await ds.query<Record<string, unknown>[]>(`SELECT * FROM ${table}`)) {
          for (const value of Object.values(row))
            dump.push(
              Buffer.isBuffer(value)
                ? value.toString('latin1') + value.toString('hex')
                : String(value),
            );
        }
      }
      const text = dump.join('\n');
      expect(text).not.toContain('PRIVATE KEY');
      // The PKCS#8 header of every P-256 private key, in raw and hex form.
      const pkcs8 = Buffer.from('3041020100301306072a8648ce3d020106082a8648ce3d030107', 'hex');
      expect(text).not.toContain(pkcs8.toString('latin1'));
      expect(text).not.toContain('06082a8648ce3d030107046d');
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(secrets.length).toBeGreaterThan(5);
    });

    it('keeps a chain that verifies after all of the above', async () => {
      const result = await server.app.get(AuditService).verify(server.app.get(DataSource).manager);
      expect(result).toMatchObject({ valid: true, firstInvalidSeq: null });
      expect(result.checkedEvents).toBeGreaterThan(30);
    });
  });
});
