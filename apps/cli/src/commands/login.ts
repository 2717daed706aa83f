import { DssClient } from '@dss/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_AGENT_IDLE_SECONDS, startAgent, stopAgent } from '../agent/agent-launcher';
import { usageError } from '../cli-error';
import { withConnection, withJson } from '../dss-command';
import { type Runtime } from '../runtime';

function idleSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 86_400) {
    throw new InvalidArgumentError('expected whole seconds between 1 and 86400');
  }
  return n;
}

/** The agent's idle time: `--idle`, else `DSS_AGENT_IDLE_SECONDS`, else the default. */
function agentIdle(opts: { idle?: number }, env: NodeJS.ProcessEnv): number {
  if (opts.idle !== undefined) return opts.idle;
  const fromEnv = env.DSS_AGENT_IDLE_SECONDS;
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_AGENT_IDLE_SECONDS;
  try {
    return idleSeconds(fromEnv);
  } catch {
    throw usageError(
      `DSS_AGENT_IDLE_SECONDS: expected whole seconds between 1 and 86400, got "${fromEnv}"`,
    );
  }
}

/** `dss login` (a session kept by a local agent) and `dss logout`. */
export function registerLogin(program: Command, rt: Runtime): void {
  const cmd = program
    .command('login')
    .description(
      'log in once: verify the server against the pinned key, log in (on a first login, change the temporary password), and keep the session in a local agent for your next commands',
    )
    .option('--no-agent', 'only check the credentials: log in, then log out (no agent)')
    .addOption(
      new Option(
        '--idle <seconds>',
        `end the agent after this long without a command (default: DSS_AGENT_IDLE_SECONDS, else ${DEFAULT_AGENT_IDLE_SECONDS})`,
      ).argParser(idleSeconds),
    );
  withJson(withConnection(cmd, 'cli')).action(
    async (opts: { agent: boolean; idle?: number }, self: Command) => {
      const idle = agentIdle(opts, rt.env);
      const session = await rt.session(self, { agent: false, keepPassword: false });
      const out = rt.output(self);
      const identity = {
        username: session.username,
        server: session.serverUrl,
        serverFingerprint: session.serverFingerprint,
        passwordChanged: session.passwordChanged,
      };
      const lines = [
        `Logged in as ${session.username} at ${session.serverUrl}.`,
        `Server key verified: ${session.serverFingerprint}`,
        ...(session.passwordChanged ? ['Your new password is set.'] : []),
      ];
      if (!opts.agent) {
        out.result({ ...identity, agent: null }, [...lines, 'Logged out again (--no-agent).']);
        return;
      }
      const handoff = session.client.handOff();
      let status;
      try {
        status = await startAgent({
          env: rt.env,
          serverUrl: session.serverUrl,
          serverPublicKey: session.serverPublicKey,
          serverFingerprint: session.serverFingerprint,
          username: session.username,
          idleSeconds: idle,
          timeoutMs: rt.connection(self).timeoutMs,
          session: handoff,
        });
      } catch (err) {
        // The session left this client: end it on the server before reporting the failure.
        await new DssClient({
          baseUrl: session.serverUrl,
          serverPublicKey: session.serverPublicKey,
          session: handoff,
        })
          .logout()
          .catch(() => undefined);
        throw err;
      }
      out.result(
        {
          ...identity,
          agent: { pid: status.pid, sessionExpiresAt: status.sessionExpiresAt, idleSeconds: idle },
        },
        [
          ...lines,
          `Your next dss commands use this session, without a password, until \`dss logout\`, ${idle} s without a command, or ${status.sessionExpiresAt} (when the server ends it).`,
        ],
      );
    },
  );
  cmd.addHelpText(
    'after',
    `
Examples:
  dss login                          # asks for the password without echo, once
  dss sign report.pdf                # no password: the agent holds the session
  dss logout                         # ends the session and the agent
  DSS_PASSWORD=... dss login --no-agent --json   # only check the credentials`,
  );

  const logout = program
    .command('logout')
    .description('end the session kept by `dss login`: log it out on the server, stop the agent');
  withJson(withConnection(logout, 'cli')).action(async (_opts: object, self: Command) => {
    const server = rt.serverUrl(self);
    const stopped = await stopAgent(rt.env, server);
    rt.output(self).result(
      { server, loggedOut: stopped },
      stopped
        ? `Logged out of ${server}; the agent has ended.`
        : `Not logged in at ${server} (no dss agent runs for it).`,
    );
  });
}
