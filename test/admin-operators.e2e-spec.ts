/**
 * Operators created and managed with `dss-admin operators …` (spawned as built) log in to the
 * admin app on the same database, and what the command line does is in the audit trail.
 */
import { userInfo } from 'node:os';
import request from 'supertest';
import { bearer, login } from './support/admin-api';
import { startAdmin, type RunningAdmin } from './support/admin-server';
import { dssAdmin } from './support/dss-admin';

const PASSWORD = 'velvet-meadow-38-granite';

describe('dss-admin operators (e2e)', () => {
  let admin: RunningAdmin;
  let env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string; DSS_MASTER_KEY: string };
  const api = () => request(admin.url);

  beforeAll(async () => {
    admin = await startAdmin({
      env: { DSS_ADMIN_BOOTSTRAP_PASSWORD: 'bootstrap-secret-0003-xyz', DSS_TRUST_PROXY: 'true' },
    });
    env = {
      DSS_DATA_DIR: admin.database.dataDir,
      DSS_DATABASE_URL: admin.database.databaseUrl,
      // The admin app keeps no master key; without one the command line would create the file.
      DSS_MASTER_KEY: '11'.repeat(32),
    };
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('adds an auditor and prints the one-time password once, readable or as JSON', async () => {
    const text = await dssAdmin(['operators', 'add', 'olga', '--role', 'admin'], env);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Created operator olga \(admin\)\.\nOne-time password \(shown once\): [0-9A-Z-]{31}\n/,
    );
    const json = await dssAdmin(['operators', 'add', 'Audrey', '--role', 'auditor', '--json'], env);
    expect(json.code).toBe(0);
    const created = json.json<{ username: string; role: string; temporaryPassword: string }>();
    expect(Object.keys(created).sort()).toEqual([
      'role',
      'temporaryPassword',
      'temporaryPasswordExpiresAt',
      'username',
    ]);
    expect(created).toMatchObject({ username: 'audrey', role: 'auditor' });

    // The auditor logs in to the admin app, must change the password, then reads.
    const first = await login(admin.url, 'audrey', created.temporaryPassword);
    await api().get('/api/users').set(bearer(first)).expect(403);
    await api()
      .post('/api/auth/password')
      .set(bearer(first))
      .send({ currentPassword: created.temporaryPassword, newPassword: PASSWORD })
      .expect(200);
    const token = await login(admin.url, 'audrey', PASSWORD);
    await api().get('/api/users').set(bearer(token)).expect(200);
    await api().post('/api/users').set(bearer(token)).send({ username: 'zed' }).expect(403);

    const events = await api()
      .get('/api/audit/events?action=operator.created&subject=audrey')
      .set(bearer(token))
      .expect(200);
    expect(events.body.items[0]).toMatchObject({
      actorType: 'operator',
      actor: `cli:${userInfo().username}`,
      details: { role: 'auditor' },
    });
  });

  it('refuses duplicates (exit 4), bad roles and names (exit 2)', async () => {
    const dup = await dssAdmin(['operators', 'add', 'audrey', '--role', 'auditor'], env);
    expect(dup.code).toBe(4);
    expect(dup.stderr).toMatch(/^dss-admin: operator audrey already exists\n$/);
    for (const args of [
      ['operators', 'add', 'someone', '--role', 'root'],
      ['operators', 'add', 'someone'],
      ['operators', 'add', 'Bad Name!', '--role', 'auditor'],
    ]) {
      const r = await dssAdmin(args, env);
      expect([args, r.code]).toEqual([args, 2]);
    }
  });

  it('lists, disables (ending sessions), enables and resets operators', async () => {
    const list = await dssAdmin(['operators', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const { operators } = list.json<{ operators: { username: string; role: string }[] }>();
    expect(operators.map((o) => [o.username, o.role])).toEqual([
      ['admin', 'admin'],
      ['audrey', 'auditor'],
      ['olga', 'admin'],
    ]);
    expect((await dssAdmin(['operators', 'list'], env)).stdout).toMatch(
      /^audrey\s+auditor\s+active$/m,
    );

    const token = await login(admin.url, 'audrey', PASSWORD);
    const disabled = await dssAdmin(['operators', 'disable', 'audrey', '--json'], env);
    expect(disabled.json()).toMatchObject({
      username: 'audrey',
      status: 'disabled',
      changed: true,
    });
    await api().get('/api/auth/me').set(bearer(token)).expect(401);
    expect((await dssAdmin(['operators', 'enable', 'audrey'], env)).stdout).toBe(
      'Enabled operator audrey.\n',
    );
    const reset = await dssAdmin(['operators', 'reset-password', 'audrey', '--json'], env);
    const { temporaryPassword } = reset.json<{ temporaryPassword: string }>();
    await expect(login(admin.url, 'audrey', PASSWORD)).rejects.toThrow(/401/);
    await login(admin.url, 'audrey', temporaryPassword);
    expect((await dssAdmin(['operators', 'disable', 'nobody'], env)).code).toBe(3);
  });

  it('unlocks an operator locked out from an address (dss-admin operators unlock)', async () => {
    const from = '198.51.100.77';
    for (let i = 0; i < 5; i++) {
      await api()
        .post('/api/auth/login')
        .set('X-Forwarded-For', from)
        .send({ username: 'olga', password: `wrong guess ${i}` });
    }
    await expect(login(admin.url, 'olga', 'still wrong 1', from)).rejects.toThrow(/429/);
    const unlocked = await dssAdmin(['operators', 'unlock', 'olga', '--json'], env);
    expect(unlocked.code).toBe(0);
    expect(unlocked.json()).toMatchObject({ username: 'olga', changed: true });
    await expect(login(admin.url, 'olga', 'still wrong 2', from)).rejects.toThrow(/401/);
    expect((await dssAdmin(['operators', 'unlock', 'nobody'], env)).code).toBe(3);
  });
});
