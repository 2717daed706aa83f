/**
 * Lockout over the wire (docs/SECURITY.md, "Lockout"): an attacker whose connections come from
 * 127.0.0.2 keeps failing while the owner logs in from 127.0.0.1, on both apps. The server sees
 * the socket's address (no proxy headers), exactly as in production without a proxy.
 */
import { AccountsService } from '@dss/accounts';
import { DssApiError, DssClient } from '@dss/client';
import { AuditEventEntity } from '@dss/persistence';
import { DataSource } from 'typeorm';
import { fetchFrom, requestFrom } from './support/bound-fetch';
import { type RunningAdmin, startAdmin } from './support/admin-server';
import { type RunningDss, startDss } from './support/dss-server';

const ATTACKER = '127.0.0.2';
const OWNER = '127.0.0.1';
const PASSWORD = 'correct-Staple-Wombat-93';
const ENV = {
  DSS_LOGIN_MAX_FAILURES: '3',
  DSS_LOGIN_ACCOUNT_MAX_FAILURES: '50',
  // The per-address request throttle is another defence; off here so the lockout is what is seen.
  DSS_LOGIN_RATE_LIMIT: '0',
};

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (err) {
    if (err instanceof DssApiError) return err.code;
    throw err;
  }
}

describe('lockout cannot be turned against the owner: employee API', () => {
  let server: RunningDss;

  beforeAll(async () => {
    server = await startDss({ env: ENV });
    const accounts = server.app.get(AccountsService);
    const { temporaryPassword } = await accounts.register('victim', {
      type: 'operator',
      name: 'test',
    });
    const [{ id }] = await server.app
      .get(DataSource)
      .query<{ id: number }[]>("SELECT id FROM users WHERE username = 'victim'");
    await accounts.changePassword(Number(id), temporaryPassword, PASSWORD);
  });
  afterAll(async () => {
    await server?.close();
  });

  const client = (address?: string): DssClient =>
    new DssClient({
      baseUrl: server.url,
      serverPublicKey: server.identity.publicKeyPem,
      ...(address ? { fetch: fetchFrom(address) } : {}),
    });

  it('lets the owner in from 127.0.0.1 while 127.0.0.2 keeps failing', async () => {
    const attacker = client(ATTACKER);
    await attacker.handshake();
    const attack = Array.from({ length: 20 }, (_, i) =>
      codeOf(attacker.login('victim', `attacker guess ${i}`)),
    );
    const owner = client(OWNER);
    await owner.handshake();
    const ownerLogin = owner.login('victim', PASSWORD);
    const codes = await Promise.all(attack);
    await expect(ownerLogin).resolves.toMatchObject({ username: 'victim' });
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(3);
    expect(codes.filter((c) => c === 'too_many_attempts')).toHaveLength(17);
    // Still refused from the attacker's address, even with the right password.
    const again = client(ATTACKER);
    await again.handshake();
    expect(await codeOf(again.login('victim', PASSWORD))).toBe('too_many_attempts');
    // And the owner logs in again from their own address.
    const later = client(OWNER);
    await later.handshake();
    await expect(later.login('victim', PASSWORD)).resolves.toMatchObject({ username: 'victim' });
  });
});

describe('lockout cannot be turned against the owner: admin app', () => {
  let admin: RunningAdmin;

  beforeAll(async () => {
    admin = await startAdmin({ env: { ...ENV, DSS_ADMIN_BOOTSTRAP_PASSWORD: PASSWORD } });
  });
  afterAll(async () => {
    await admin?.close();
  });

  const loginFrom = (address: string, password: string) =>
    requestFrom(address, `${admin.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });

  it('lets admin in from 127.0.0.1 while 127.0.0.2 keeps failing', async () => {
    const attack = Array.from({ length: 20 }, (_, i) => loginFrom(ATTACKER, `attacker guess ${i}`));
    const owner = loginFrom(OWNER, PASSWORD);
    const answers = await Promise.all(attack);
    expect((await owner).status).toBe(200);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(17);
    expect(answers.find((a) => a.status === 429)?.headers['retry-after']).toBeDefined();
    expect((await loginFrom(ATTACKER, PASSWORD)).status).toBe(429);
    expect((await loginFrom(OWNER, PASSWORD)).status).toBe(200);
    // The attack is in the audit trail: the lock of that address, by the system.
    const locks = await admin.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .findBy({ action: 'operator.locked' });
    const details = locks.map((e) => JSON.parse(e.details) as Record<string, unknown>);
    expect(details).toContainEqual(
      expect.objectContaining({ scope: 'client', client: ATTACKER, failedLogins: 3 }),
    );
  });
});
