import { AccountsService } from '@dss/accounts';
import { DssClient } from '@dss/client';
import { type RunningDss } from './dss-server';

/**
 * A user registered for the occasion, with a secure session: handshake, first login, the
 * temporary password changed to `password`, logged in again.
 */
export async function registeredEmployee(
  server: RunningDss,
  username: string,
  password: string,
  profile?: { fullName: string },
): Promise<DssClient> {
  const { temporaryPassword } = await server.app
    .get(AccountsService)
    .register(username, { type: 'operator', name: 'test' }, profile);
  const client = new DssClient({
    baseUrl: server.url,
    serverPublicKey: server.identity.publicKeyPem,
  });
  await client.handshake();
  await client.login(username, temporaryPassword);
  await client.changePassword(temporaryPassword, password);
  await client.login(username, password);
  return client;
}
