import {
  DssApiError,
  DssChannelError,
  DssError,
  DssNetworkError,
  DssProtocolError,
  DssServerIdentityError,
  type HttpMethod,
  type SessionHandoff,
} from '@dss/client';

/**
 * The local protocol between `dss` commands and the agent: one JSON object per line over the
 * agent's Unix socket, each request answered by one line with the same `id`.
 */
export type AgentRequest =
  | { id: number; op: 'status' }
  | { id: number; op: 'request'; method: HttpMethod; path: string; body: object }
  | { id: number; op: 'stop' };

/** What `dss login` sends the agent it starts, over the IPC pipe (never a file). */
export interface AgentStart {
  socketPath: string;
  serverUrl: string;
  serverPublicKey: string;
  serverFingerprint: string;
  username: string;
  idleSeconds: number;
  timeoutMs: number;
  session: SessionHandoff;
}

/** What the agent says about itself (`dss whoami`). */
export interface AgentStatus {
  username: string;
  serverUrl: string;
  serverFingerprint: string;
  /** The pinned server key the agent verified the handshake with (SPKI PEM). */
  serverPublicKey: string;
  /** ISO 8601: the session's absolute end. */
  sessionExpiresAt: string;
  /** ISO 8601: when the agent ends unless a command uses it first. */
  idleExpiresAt: string;
  pid: number;
}

/** An error crossing the socket: enough to rebuild the SDK's error on the other side. */
export interface WireError {
  type: 'api' | 'channel' | 'network' | 'protocol' | 'identity' | 'dss' | 'other';
  code: string;
  message: string;
  status?: number;
  details?: Record<string, unknown>;
  retryAfterSeconds?: number;
  kind?: 'unreachable' | 'timeout';
  expectedFingerprint?: string;
  presentedFingerprint?: string;
}

export type AgentResponse =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

/** The SDK error `err` as it crosses the socket. */
export function toWireError(err: unknown): WireError {
  if (err instanceof DssServerIdentityError) {
    return {
      type: 'identity',
      code: err.code,
      message: err.message,
      expectedFingerprint: err.expectedFingerprint,
      presentedFingerprint: err.presentedFingerprint,
    };
  }
  if (err instanceof DssApiError) {
    return {
      type: 'api',
      code: err.code,
      message: err.message,
      status: err.status,
      details: { ...err.details },
    };
  }
  if (err instanceof DssChannelError) {
    return {
      type: 'channel',
      code: err.code,
      message: err.message,
      status: err.status,
      retryAfterSeconds: err.retryAfterSeconds,
    };
  }
  if (err instanceof DssNetworkError) {
    return { type: 'network', code: err.code, message: err.message, kind: err.kind };
  }
  if (err instanceof DssProtocolError) {
    return { type: 'protocol', code: err.code, message: err.message };
  }
  if (err instanceof DssError) return { type: 'dss', code: err.code, message: err.message };
  return {
    type: 'other',
    code: 'agent_error',
    message: err instanceof Error ? err.message : String(err),
  };
}

/** The SDK error a {@link WireError} stands for. */
export function fromWireError(wire: WireError): Error {
  switch (wire.type) {
    case 'identity':
      return new DssServerIdentityError(wire.expectedFingerprint ?? '', wire.presentedFingerprint);
    case 'api':
      return new DssApiError(wire.status ?? 500, wire.code, wire.message, wire.details ?? {});
    case 'channel':
      return new DssChannelError(
        wire.status ?? 500,
        wire.code,
        wire.message,
        wire.retryAfterSeconds,
      );
    case 'network':
      return new DssNetworkError(wire.kind ?? 'unreachable', wire.message);
    case 'protocol':
      return new DssProtocolError(wire.message);
    default:
      return new DssError(wire.code, wire.message);
  }
}

/** Splits a byte stream into lines (the agent protocol's frames), bounded in length. */
export class LineReader {
  #buffer = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 64 * 1024 * 1024,
  ) {}

  /** Feeds a chunk; false when a line grew past the bound (the peer is misbehaving). */
  push(chunk: Buffer | string): boolean {
    this.#buffer += chunk.toString();
    for (let nl = this.#buffer.indexOf('\n'); nl !== -1; nl = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line.trim() !== '') this.onLine(line);
    }
    return this.#buffer.length <= this.maxLine;
  }
}
