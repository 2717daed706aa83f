/**
 * Logs are JSON lines that never contain keys, passwords, plaintexts or payloads — checked on
 * everything the service logs at `trace` level through a whole flow, errors included.
 */
import { AccountsService } from '@dss/accounts';
import { DssClient } from '@dss/client';
import { createLogger } from '@dss/common';
import { clientHandshakeStart } from '@dss/secure-channel';
import { Writable } from 'node:stream';
import request from 'supertest';
import { startDss, type RunningDss } from './support/dss-server';

describe('logging (e2e)', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  let server: RunningDss;
  beforeAll(async () => {
    server = await startDss({
      logger: createLogger('trace', sink),
      env: { DSS_LOGIN_RATE_LIMIT: '12' }, // a burst of 2 logins,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('logs JSON lines without passwords, keys, documents, plaintexts or payloads', async () => {
    const { temporaryPassword } = await server.app
      .get(AccountsService)
      .register('nina', { type: 'operator', name: 'test' });
    const password = 'nina-has-a-secret-passphrase-77';
    const c = new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });
    await c.login('nina', temporaryPassword);
    await c.changePassword(temporaryPassword, password);
    await c.login('nina', password);
    const key = await c.createKeys();
    const document = Buffer.from('TOP-SECRET-DOCUMENT-CONTENT');
    const signature = await c.sign({ document });
    await c.request('POST', '/v1/signatures', { document: 'AAE=' }).catch(() => undefined); // an error path
    await request(server.url).post('/v1/auth/login').send({ sessionId: 'x', seq: 1, payload: 'y' }); // a channel error
    await c.logout();

    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    const all = lines.join('\n');
    expect(all).toContain('"path":"/v1/signatures"');
    for (const secret of [
      temporaryPassword,
      password,
      'TOP-SECRET-DOCUMENT-CONTENT',
      document.toString('base64url'),
      signature.signature.toString('base64url'),
      'PRIVATE KEY',
      key.publicKey.split('\n')[1],
    ]) {
      expect([secret.slice(0, 12), all.includes(secret)]).toEqual([secret.slice(0, 12), false]);
    }
  });

  it('throttles logins per client address: 429 too_many_attempts with retryAfterSeconds', async () => {
    const c = new DssClient({ baseUrl: server.url, serverPublicKey: server.identity.publicKeyPem });
    const codes: string[] = [];
    let retryAfter: number | undefined;
    for (let i = 0; i < 3; i++) {
      const err = (await c.login('nobody', 'wrong-password-xx').catch((e: unknown) => e)) as {
        code: string;
        retryAfterSeconds?: number;
      };
      codes.push(err.code);
      retryAfter ??= err.retryAfterSeconds;
    }
    expect(codes).toContain('too_many_attempts');
    expect(retryAfter).toBeGreaterThan(0);
    // Handshakes are throttled separately: a fresh handshake still works.
    await request(server.url)
      .post('/v1/handshake')
      .send(clientHandshakeStart().request)
      .expect(200);
  });
});
