import { DssClient } from '@dss/client';
import { type AgentStart } from './agent-protocol';
import { type AgentEnd, AgentServer } from './agent-server';

/** The agent process: started detached by `dss login`, given the session over IPC. */
function main(): void {
  process.title = 'dss-agent';
  // Started detached with no terminal: a hang-up of the login terminal must not end it.
  process.on('SIGHUP', () => undefined);
  const timeout = setTimeout(() => process.exit(1), 30_000);
  process.once('message', (message: AgentStart) => {
    clearTimeout(timeout);
    void start(message).catch((err: unknown) => {
      process.send?.({ error: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    });
  });
}

async function start(message: AgentStart): Promise<void> {
  const client = new DssClient({
    baseUrl: message.serverUrl,
    serverPublicKey: message.serverPublicKey,
    timeoutMs: message.timeoutMs,
    session: message.session,
  });
  const agent = new AgentServer({
    socketPath: message.socketPath,
    client,
    username: message.username,
    serverUrl: message.serverUrl,
    serverFingerprint: message.serverFingerprint,
    serverPublicKey: message.serverPublicKey,
    sessionExpiresAt: message.session.expiresAt,
    idleSeconds: message.idleSeconds,
    onEnd: (reason: AgentEnd) => process.exit(reason === 'signal' ? 143 : 0),
  });
  await agent.listen();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void agent.end('signal'));
  }
  process.send?.({ ready: true });
  process.disconnect?.();
}

main();
