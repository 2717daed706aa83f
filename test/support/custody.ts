import { DssClient } from '@dss/client';
import { DomainError } from '@dss/common';
import { dssAdmin } from './dss-admin';
import { startDss, type StartDssOptions } from './dss-server';

/** A registered user who has logged in, chosen a password and created a key pair. */
export interface UserWithKey {
  username: string;
  password: string;
  publicKey: string;
  keyId: string;
}

/** Registers `username` with `dss-admin`, logs in, changes the password and creates keys. */
export async function userWithKey(
  server: { url: string; identity: { publicKeyPem: string } },
  env: { DSS_DATA_DIR: string; DSS_DATABASE_URL?: string } & Record<string, string | undefined>,
  username: string,
): Promise<UserWithKey> {
  const added = await dssAdmin(['users', 'add', username, '--json'], env);
  if (added.code !== 0) throw new Error(`users add: ${added.stderr}`);
  const { temporaryPassword } = added.json<{ temporaryPassword: string }>();
  const password = `${username}-picks-a-long-passphrase-7`;
  const client = new DssClient({
    baseUrl: server.url,
    serverPublicKey: server.identity.publicKeyPem,
  });
  await client.login(username, temporaryPassword);
  await client.changePassword(temporaryPassword, password);
  await client.login(username, password);
  const key = await client.createKeys();
  return { username, password, publicKey: key.publicKey, keyId: key.keyId };
}

/** Signs `document` as `user` on a running server. */
export async function signAs(
  server: { url: string; identity: { publicKeyPem: string } },
  user: { username: string; password: string },
  document: Buffer,
): Promise<Buffer> {
  const client = new DssClient({
    baseUrl: server.url,
    serverPublicKey: server.identity.publicKeyPem,
  });
  await client.login(user.username, user.password);
  return (await client.sign({ document })).signature;
}

/** The DomainError a start on these options fails with; fails the test when it starts. */
export async function startRefused(options: StartDssOptions): Promise<DomainError> {
  let server;
  try {
    server = await startDss(options);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  await server.close();
  throw new Error('the service started');
}
