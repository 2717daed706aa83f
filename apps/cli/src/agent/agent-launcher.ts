import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from '../cli-error';
import { ExitCode } from '../exit-codes';
import { AgentConnection } from './agent-client';
import { type AgentStart, type AgentStatus } from './agent-protocol';
import { agentSocketPath, ensurePrivateDir } from './agent-paths';

/** Default idle time of the agent: the server's default idle timeout (10 minutes). */
export const DEFAULT_AGENT_IDLE_SECONDS = 600;

function agentFailed(message: string): CliError {
  return new CliError('agent_failed', `cannot start the dss agent: ${message}`, ExitCode.Failure);
}

/** Stops the agent of `serverUrl`, if one runs; true when there was one. */
export async function stopAgent(env: NodeJS.ProcessEnv, serverUrl: string): Promise<boolean> {
  const connection = await AgentConnection.connect(agentSocketPath(env, serverUrl));
  if (!connection) return false;
  try {
    await connection.stop();
  } finally {
    connection.close();
  }
  return true;
}

/**
 * Starts the agent that keeps `session` for later commands (replacing one that holds an older
 * session for the same server), and waits until it listens.
 */
export async function startAgent(
  options: Omit<AgentStart, 'socketPath'> & { env: NodeJS.ProcessEnv },
): Promise<AgentStatus> {
  const { env, ...given } = options;
  const socketPath = agentSocketPath(env, given.serverUrl);
  const start: AgentStart = { ...given, socketPath };
  ensurePrivateDir(dirname(socketPath));
  await stopAgent(env, given.serverUrl);
  const script = join(__dirname, 'agent-main.js');
  if (!existsSync(script)) throw agentFailed(`${script} is missing (run \`npm run build\`)`);
  const child = spawn(process.execPath, [script], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(agentFailed('it did not answer within 10 s')), 10_000);
    child.once('message', (message: { ready?: boolean; error?: string }) => {
      clearTimeout(timer);
      if (message.ready) resolve();
      else reject(agentFailed(message.error ?? 'unknown failure'));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(agentFailed(`it exited with status ${code ?? 'unknown'}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(agentFailed(err.message));
    });
    child.send(start);
  });
  child.removeAllListeners();
  if (child.connected) child.disconnect();
  child.unref();
  const connection = await AgentConnection.connect(socketPath);
  const status = await connection?.status();
  connection?.close();
  if (!status) throw agentFailed('it does not answer on its socket');
  return status;
}
