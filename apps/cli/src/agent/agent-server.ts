import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { type DssClient, DssChannelError } from '@dss/client';
import {
  type AgentRequest,
  type AgentResponse,
  type AgentStatus,
  LineReader,
  toWireError,
} from './agent-protocol';

/** Why the agent ended. */
export type AgentEnd = 'logout' | 'idle' | 'expired' | 'session-ended' | 'signal';

export interface AgentServerOptions {
  socketPath: string;
  /** The logged-in session, continued from `dss login` ({@link DssClient.handOff}). */
  client: DssClient;
  username: string;
  serverUrl: string;
  serverFingerprint: string;
  serverPublicKey: string;
  /** The session's absolute end (ms since the epoch). */
  sessionExpiresAt: number;
  /** The agent ends after this long without a command. */
  idleSeconds: number;
  /** Called once, after the agent stopped listening and removed its socket. */
  onEnd(reason: AgentEnd): void;
  now?: () => number;
}

const SEALED_METHODS = new Set(['POST', 'DELETE', 'PUT', 'PATCH']);

function isRequest(value: unknown): value is AgentRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  if (!Number.isSafeInteger(r.id)) return false;
  if (r.op === 'status' || r.op === 'stop') return true;
  return (
    r.op === 'request' &&
    typeof r.method === 'string' &&
    SEALED_METHODS.has(r.method) &&
    typeof r.path === 'string' &&
    r.path.startsWith('/v1/') &&
    typeof r.body === 'object' &&
    r.body !== null &&
    !Array.isArray(r.body)
  );
}

/**
 * The agent behind `dss login` (like ssh-agent): it holds one logged-in DSS-SC1 session in
 * memory only and performs sealed requests for the user's later `dss` commands, which reach it
 * over a 0600 Unix socket in a 0700 directory and never see the password or the session keys.
 * It ends at `dss logout` (logging the session out on the server), when the session expires on
 * the server, and after `idleSeconds` without a command.
 */
export class AgentServer {
  readonly #server: Server;
  readonly #now: () => number;
  readonly #sockets = new Set<Socket>();
  #lastUse: number;
  #timer?: NodeJS.Timeout;
  #ended = false;

  constructor(private readonly options: AgentServerOptions) {
    this.#now = options.now ?? Date.now;
    this.#lastUse = this.#now();
    this.#server = createServer((socket) => this.#serve(socket));
  }

  /** Listens on the socket (mode 0600) and arms the idle and expiry timer. */
  async listen(): Promise<void> {
    const { socketPath } = this.options;
    rmSync(socketPath, { force: true });
    // The umask makes the socket private from its creation; chmod states it explicitly.
    const previous = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen(socketPath, () => {
          this.#server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(previous);
    }
    chmodSync(socketPath, 0o600);
    this.#arm();
  }

  status(): AgentStatus {
    const o = this.options;
    return {
      username: o.username,
      serverUrl: o.serverUrl,
      serverFingerprint: o.serverFingerprint,
      serverPublicKey: o.serverPublicKey,
      sessionExpiresAt: new Date(o.sessionExpiresAt).toISOString(),
      idleExpiresAt: new Date(this.#idleDeadline()).toISOString(),
      pid: process.pid,
    };
  }

  /** Ends the agent; with `logout`, the session is first logged out on the server. */
  async end(reason: AgentEnd): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    if (reason === 'logout' || reason === 'signal' || reason === 'idle') {
      try {
        await this.options.client.logout();
      } catch {
        // Best effort: the server ends idle sessions anyway.
      }
    }
    for (const socket of this.#sockets) socket.end();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.options.socketPath, { force: true });
    this.options.onEnd(reason);
  }

  #idleDeadline(): number {
    return this.#lastUse + this.options.idleSeconds * 1000;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#ended) return;
    const now = this.#now();
    const { sessionExpiresAt } = this.options;
    if (now >= sessionExpiresAt) return void this.end('expired');
    if (now >= this.#idleDeadline()) return void this.end('idle');
    const wait = Math.min(sessionExpiresAt, this.#idleDeadline()) - now;
    this.#timer = setTimeout(() => this.#arm(), Math.min(wait + 10, 2 ** 31 - 1));
  }

  #serve(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new LineReader((line) => void this.#handle(socket, line));
    socket.on('data', (chunk) => {
      if (!reader.push(chunk)) socket.destroy();
    });
  }

  async #handle(socket: Socket, line: string): Promise<void> {
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      request = undefined;
    }
    if (!isRequest(request)) {
      const id = (request as { id?: unknown } | undefined)?.id;
      return this.#reply(socket, {
        id: typeof id === 'number' ? id : 0,
        ok: false,
        error: { type: 'other', code: 'agent_bad_request', message: 'not an agent request' },
      });
    }
    if (this.#ended) {
      return this.#reply(socket, {
        id: request.id,
        ok: false,
        error: { type: 'other', code: 'agent_ended', message: 'the agent has ended' },
      });
    }
    this.#lastUse = this.#now();
    this.#arm();
    switch (request.op) {
      case 'status':
        return this.#reply(socket, { id: request.id, ok: true, result: this.status() });
      case 'stop':
        await this.end('logout');
        return this.#reply(socket, { id: request.id, ok: true, result: { loggedOut: true } });
      case 'request':
        try {
          const { client } = this.options;
          const result = await client.request(request.method, request.path, request.body);
          return this.#reply(socket, { id: request.id, ok: true, result });
        } catch (err) {
          this.#reply(socket, { id: request.id, ok: false, error: toWireError(err) });
          const code = err instanceof DssChannelError ? err.code : undefined;
          if (code === 'session_expired' || code === 'unknown_session') {
            await this.end('session-ended');
          }
        }
    }
  }

  #reply(socket: Socket, response: AgentResponse): void {
    if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
  }
}
