/**
 * (c) The service under test: its database, the spawned process, and the users that sign. Users
 * are registered by the admin services, then each logs in with the temporary password, changes
 * it, logs in again and creates its key pair, all over DSS-SC1.
 */

import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type IssuedTemporaryPassword } from '@dss/accounts';
import { BenchError, HttpTarget, pool, SecureSession } from '../driver';
import { BCRYPT_COST, extraEnv } from '../options';
import { Profiler } from '../profiler';
import { type RunContext, type ServiceRun } from '../run-context';
import {
  type BenchDatabase,
  createBenchDatabase,
  freePort,
  type ProcessProbe,
  REPO_ROOT,
  registerUsers,
  serviceEnv,
  startService,
} from '../service';
import { round } from '../stats';

export interface StartedService {
  run: ServiceRun;
  db: BenchDatabase;
  env: Record<string, string>;
  resultsDir: string;
}

/** Creates the run's database, starts the service on it and the profiler of its phases. */
export async function startMeasuredService(
  run: RunContext,
  dbServer: ProcessProbe | undefined,
  stamp: string,
): Promise<StartedService> {
  const o = run.options;
  const db = await createBenchDatabase(process.env.DSS_DATABASE_URL?.trim() || undefined);
  run.cleanups.push(() => db.drop());
  const env = {
    ...serviceEnv({
      db,
      port: await freePort(),
      adminPort: await freePort(),
      bcryptCost: BCRYPT_COST,
    }),
    ...extraEnv(o.serviceEnv),
  };
  run.progress.note(`service: starting dist/apps/dss/src/main.js on ${db.version}…`);
  const service = await startService(env, db.runDir, o.profile);
  run.cleanups.push(() => service.process.stop());
  const server = service.process;
  const dbProbe = db.engine === 'mysql' && db.local ? dbServer : undefined;
  const resultsDir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const profiler = new Profiler(
    o.profile ? server : undefined,
    resultsDir,
    stamp,
    o.profileInterval,
  );
  return {
    run: {
      ...run,
      service,
      dbProbe,
      ours: () => [server.probe, ...(dbProbe ? [dbProbe] : [])],
      serverKey: createPublicKey(service.publicKeyPem),
      profiler,
    },
    db,
    env,
    resultsDir,
  };
}

export interface BenchUser {
  username: string;
  password: string;
  publicKey: KeyObject;
  session: SecureSession;
}

/** One concurrent signing client: its own session, logged in. */
export interface SigningClient {
  session: SecureSession;
  /** Public key that verifies this client's signatures. */
  verifyKey: KeyObject;
}

/** A strong random password for the policy (12–128 characters, not common, not patterned). */
function newPassword(): string {
  return `Bn-${randomBytes(18).toString('base64url')}`;
}

/** Changes the temporary password; once more with another password if the policy finds it weak. */
async function changePassword(
  http: HttpTarget,
  session: SecureSession,
  temporaryPassword: string,
): Promise<string> {
  const change = (password: string): Promise<Record<string, unknown>> =>
    session.expect(
      http,
      'POST',
      '/v1/auth/password',
      { currentPassword: temporaryPassword, newPassword: password },
      200,
    );
  const password = newPassword();
  try {
    await change(password);
    return password;
  } catch (err) {
    if (!(err instanceof BenchError) || err.code !== 'weak_password') throw err;
    const another = newPassword();
    await change(another);
    return another;
  }
}

/** First login, password change, second login and CreateKeys of one registered user. */
async function activate(
  run: ServiceRun,
  http: HttpTarget,
  u: IssuedTemporaryPassword,
): Promise<BenchUser> {
  const session = await SecureSession.open(http, run.serverKey);
  const first = await session.login(http, u.username, u.temporaryPassword);
  if (first.mustChangePassword !== true)
    throw new BenchError('setup', `${u.username}: expected a forced password change`);
  const password = await changePassword(http, session, u.temporaryPassword);
  const second = await session.login(http, u.username, password);
  if (second.mustChangePassword !== false)
    throw new BenchError('setup', `${u.username}: still must change the password`);
  const key = await session.expect(http, 'POST', '/v1/keys', {}, 201);
  if (typeof key.publicKey !== 'string')
    throw new BenchError('setup', `${u.username}: CreateKeys gave no public key`);
  return { username: u.username, password, publicKey: createPublicKey(key.publicKey), session };
}

/**
 * The users and the signing clients: one client per concurrent session, each with its own
 * session, logged in; users are reused round-robin when there are more clients than users.
 */
export class SigningClients {
  readonly clients: SigningClient[];

  private constructor(
    private readonly run: ServiceRun,
    readonly users: BenchUser[],
    private readonly http: HttpTarget,
  ) {
    this.clients = users.map((u) => ({ session: u.session, verifyKey: u.publicKey }));
  }

  /** Registers `--users` users on the service's data directory and activates each. */
  static async setUp(
    run: ServiceRun,
    env: Record<string, string>,
    runDir: string,
  ): Promise<SigningClients> {
    const o = run.options;
    const start = performance.now();
    const names = Array.from(
      { length: o.users },
      (_, i) => `bench_user_${String(i + 1).padStart(5, '0')}`,
    );
    run.progress.note(`setup: registering ${o.users} users (bcrypt cost ${BCRYPT_COST})…`);
    const issued = await registerUsers(env, runDir, names, 8);
    const http = new HttpTarget(run.service.host, run.service.port, 16);
    let ready = 0;
    const users = await pool(issued, 8, async (u) => {
      const user = await activate(run, http, u);
      run.progress.update(`  setup: ${++ready}/${issued.length} users ready`);
      return user;
    });
    run.progress.done(
      `  setup: ${users.length} users registered, activated, with keys (${round((performance.now() - start) / 1000)} s)`,
    );
    return new SigningClients(run, users, http);
  }

  /** Opens and logs in sessions until there are `n` clients. */
  async ensure(n: number): Promise<void> {
    const missing = Array.from(
      { length: Math.max(0, n - this.clients.length) },
      (_, k) => this.clients.length + k,
    );
    const added = await pool(missing, 8, async (i) => {
      const u = this.users[i % this.users.length];
      const session = await SecureSession.open(this.http, this.run.serverKey);
      await session.login(this.http, u.username, u.password);
      return { session, verifyKey: u.publicKey };
    });
    this.clients.push(...added);
  }

  /** `n` more sessions, every one logged in as the first user (the one-user variant). */
  async sameUser(n: number): Promise<SigningClient[]> {
    const u = this.users[0];
    return pool(
      Array.from({ length: n }, (_, i) => i),
      8,
      async () => {
        const session = await SecureSession.open(this.http, this.run.serverKey);
        await session.login(this.http, u.username, u.password);
        return { session, verifyKey: u.publicKey };
      },
    );
  }

  close(): void {
    this.http.close();
  }
}
