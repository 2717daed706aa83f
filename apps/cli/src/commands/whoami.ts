import { DssApiError, type PublicKeyInfo } from '@dss/client';
import { type Command } from 'commander';
import { AgentDssClient } from '../agent/agent-client';
import { CliError } from '../cli-error';
import { withConnection, withJson } from '../dss-command';
import { ExitCode } from '../exit-codes';
import { type Runtime } from '../runtime';

/** `dss whoami`: the session `dss login` keeps, and the user's key. */
export function registerWhoami(program: Command, rt: Runtime): void {
  const cmd = program
    .command('whoami')
    .description('who you are logged in as (dss login): user, server, session expiry, key status');
  withJson(withConnection(cmd, 'cli')).action(async (_opts: object, self: Command) => {
    const settings = rt.connection(self);
    const found = await rt.agentStatus(self, settings);
    if (!found) {
      throw new CliError(
        'not_logged_in',
        `not logged in at ${settings.serverUrl}: run \`dss login\``,
        ExitCode.Auth,
      );
    }
    const { connection, status } = found;
    const client = new AgentDssClient(connection, status, settings.timeoutMs);
    let key: PublicKeyInfo | null;
    try {
      key = await client.getPublicKey();
    } catch (err) {
      if (!(err instanceof DssApiError && err.code === 'no_key')) throw err;
      key = null;
    }
    rt.output(self).result(
      {
        username: status.username,
        server: status.serverUrl,
        serverFingerprint: status.serverFingerprint,
        sessionExpiresAt: status.sessionExpiresAt,
        idleExpiresAt: status.idleExpiresAt,
        key:
          key === null
            ? null
            : { keyId: key.keyId, algorithm: key.algorithm, fingerprint: key.fingerprint },
      },
      [
        `user:         ${status.username}`,
        `server:       ${status.serverUrl}`,
        `server key:   ${status.serverFingerprint} (verified at login)`,
        `session ends: ${status.sessionExpiresAt} (or at ${status.idleExpiresAt} if unused)`,
        key === null
          ? 'key:          none (`dss keys create`; after a deletion, ask your administrator to allow a new key)'
          : `key:          ${key.algorithm} ${key.keyId} (fingerprint ${key.fingerprint})`,
      ],
    );
  });
}
