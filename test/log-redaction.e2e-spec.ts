/**
 * A database statement that fails during a password change is logged with its code and the shape
 * of the statement, never with its parameters (the new bcrypt hash) or the password.
 */
import request from 'supertest';
import { DataSource } from 'typeorm';
import { type RunningAdmin, startAdmin } from './support/admin-server';

const FIRST = 'bootstrap-Phrase-for-logs-1';
const NEXT = 'the-New-Phrase-for-logs-42';

describe('log redaction of failed statements', () => {
  let admin: RunningAdmin;

  beforeAll(async () => {
    admin = await startAdmin({ env: { DSS_ADMIN_BOOTSTRAP_PASSWORD: FIRST } });
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('logs the code and statement shape of a failing UPDATE, not its parameters', async () => {
    const ds = admin.app.get(DataSource);
    // A trigger makes the password UPDATE fail inside the password change.
    if (admin.database.engine === 'mysql') {
      await ds.query(
        "CREATE TRIGGER refuse_password BEFORE UPDATE ON operators FOR EACH ROW BEGIN IF NOT (NEW.password_hash <=> OLD.password_hash) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test trigger'; END IF; END",
      );
    } else {
      await ds.query(
        "CREATE TRIGGER refuse_password BEFORE UPDATE OF password_hash ON operators BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END",
      );
    }
    const login = await request(admin.url)
      .post('/api/auth/login')
      .send({ username: 'admin', password: FIRST })
      .expect(200);
    const token = (login.body as { accessToken: string }).accessToken;
    const change = await request(admin.url)
      .post('/api/auth/password')
      .set('Authorization', `Bearer ${token}`)
      .send({ currentPassword: FIRST, newPassword: NEXT });
    expect(change.status).toBe(500);
    expect(change.body).toEqual({ error: { code: 'internal_error', message: 'internal error' } });
    expect(JSON.stringify(change.body)).not.toMatch(/UPDATE|trigger|at /);

    const lines = admin
      .logs()
      .split('\n')
      .filter((l) => l.trim() !== '');
    const failure = lines
      .map((l) => JSON.parse(l) as { msg?: string; err?: Record<string, unknown> })
      .find((l) => l.msg === 'unhandled error');
    expect(failure?.err).toMatchObject({
      type: 'QueryFailedError',
      statement: expect.stringMatching(/^UPDATE .*operators.* SET /) as unknown,
    });
    expect(failure?.err?.code ?? failure?.err?.errno).toBeDefined();
    const all = admin.logs();
    // No bcrypt hash, no password, no parameter list anywhere in the log.
    expect(all).not.toMatch(/\$2[aby]\$\d{2}\$/);
    expect(all).not.toContain(NEXT);
    expect(all).not.toContain(FIRST);
    expect(all).not.toMatch(/"parameters"/);
    // The password is unchanged: the first one still logs in.
    await request(admin.url)
      .post('/api/auth/login')
      .send({ username: 'admin', password: FIRST })
      .expect(200);
  });
});
