import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { DssClient, type HttpMethod, type LogoutResult } from '@dss/client';
import { CliError } from '../cli-error';
import { ExitCode } from '../exit-codes';
import {
  type AgentRequest,
  type AgentResponse,
  type AgentStatus,
  fromWireError,
  LineReader,
} from './agent-protocol';

type Pending = (response: AgentResponse) => void;
/** Distributes a request type over the union, so `id` can be left out of each member. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The `dss login` session is over: commands must log in again. */
export function agentSessionEnded(): CliError {
  return new CliError(
    'session_ended',
    'your `dss login` session has ended (logged out, expired or idle); run `dss login` again',
    ExitCode.Auth,
  );
}

/** One connection to a running agent (see agent-server.ts). */
export class AgentConnection {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  private constructor(private readonly socket: Socket) {
    const reader = new LineReader((line) => {
      let response: AgentResponse;
      try {
        response = JSON.parse(line) as AgentResponse;
      } catch {
        return;
      }
      const pending = this.#pending.get(response.id);
      this.#pending.delete(response.id);
      pending?.(response);
    });
    socket.on('data', (chunk) => reader.push(chunk));
    socket.on('close', () => {
      for (const pending of this.#pending.values()) {
        pending({
          id: 0,
          ok: false,
          error: { type: 'other', code: 'agent_ended', message: 'the agent has ended' },
        });
      }
      this.#pending.clear();
    });
    socket.on('error', () => socket.destroy());
  }

  /**
   * Connects to the agent listening on `socketPath`; `undefined` when none runs there (a socket
   * left by an agent that died is removed).
   */
  static connect(socketPath: string): Promise<AgentConnection | undefined> {
    return new Promise((resolve) => {
      const socket = connect(socketPath);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new AgentConnection(socket));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNREFUSED') rmSync(socketPath, { force: true });
        resolve(undefined);
      });
    });
  }

  /** Sends one request and waits for its answer. */
  call(request: WithoutId<AgentRequest>): Promise<AgentResponse> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.socket.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  async status(): Promise<AgentStatus | undefined> {
    const answer = await this.call({ op: 'status' });
    return answer.ok ? (answer.result as AgentStatus) : undefined;
  }

  /** Asks the agent to log out on the server and end. */
  async stop(): Promise<void> {
    await this.call({ op: 'stop' });
  }

  close(): void {
    this.socket.end();
  }
}

/**
 * The SDK client of a command that runs on the agent's session: every sealed request is
 * performed by the agent, which holds the session keys; nothing here can handshake or log in
 * on its own.
 */
export class AgentDssClient extends DssClient {
  constructor(
    private readonly connection: AgentConnection,
    readonly agentStatus: AgentStatus,
    timeoutMs: number,
  ) {
    super({
      baseUrl: agentStatus.serverUrl,
      serverPublicKey: agentStatus.serverPublicKey,
      timeoutMs,
    });
  }

  override get hasSession(): boolean {
    return true;
  }

  override get sessionExpiresAt(): Date {
    return new Date(this.agentStatus.sessionExpiresAt);
  }

  override async request<T>(method: HttpMethod, path: string, body?: object): Promise<T> {
    const answer = await this.connection.call({ op: 'request', method, path, body: body ?? {} });
    if (answer.ok) return answer.result as T;
    if (answer.error.code === 'agent_ended') throw agentSessionEnded();
    throw fromWireError(answer.error);
  }

  /** A new handshake would need the password the agent does not keep: log in again. */
  override handshake(): Promise<void> {
    return Promise.reject(agentSessionEnded());
  }

  /** Ends the agent's session (as `dss logout`). */
  override async logout(): Promise<LogoutResult> {
    await this.connection.stop();
    return { loggedOut: true };
  }
}
