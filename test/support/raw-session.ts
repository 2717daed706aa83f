import {
  clientHandshakeFinish,
  clientHandshakeStart,
  openResponse,
  sealRequest,
  type SealedRequestWire,
  type SessionKeys,
} from '@dss/secure-channel';
import { type KeyObject } from 'node:crypto';

/** One answer as a client sees it: the status, whether it was sealed, and the (opened) body. */
export interface RawAnswer {
  status: number;
  sealed: boolean;
  body: Record<string, unknown>;
  headers: Headers;
}

/**
 * A DSS-SC1 client that can send one sealed envelope to any URL, again and again (a replay), or
 * each request to a chosen instance: what the SDK never does on purpose.
 */
export class RawSession {
  seq = 0;
  private constructor(
    readonly sessionId: Buffer,
    readonly keys: SessionKeys,
  ) {}

  static async open(url: string, serverKey: KeyObject): Promise<RawSession> {
    const { request, state } = clientHandshakeStart();
    const res = await fetch(`${url}/v1/handshake`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (res.status !== 200) throw new Error(`handshake answered ${res.status}`);
    // Parsed here, not by res.json(): fetch's objects may come from another realm under jest.
    const answer: unknown = JSON.parse(await res.text());
    const { sessionId, keys } = clientHandshakeFinish(state, answer, serverKey);
    return new RawSession(sessionId, keys);
  }

  /** Seals `body` for `method path` under the next seq. */
  envelope(path: string, body: object = {}, method = 'POST'): SealedEnvelope {
    const seq = ++this.seq;
    const plaintext = Buffer.from(JSON.stringify(body));
    return {
      seq,
      method,
      path,
      wire: sealRequest(this.keys, this.sessionId, seq, method, path, plaintext),
    };
  }

  /** Sends an envelope to `url` and opens a sealed answer. */
  async send(url: string, envelope: SealedEnvelope): Promise<RawAnswer> {
    const res = await fetch(`${url}${envelope.path}`, {
      method: envelope.method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope.wire),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { text };
    }
    if (typeof json.payload !== 'string') {
      return { status: res.status, sealed: false, body: json, headers: res.headers };
    }
    const plain = openResponse(this.keys, this.sessionId, envelope.seq, res.status, json);
    if (plain === null) throw new Error('a sealed answer did not authenticate');
    return {
      status: res.status,
      sealed: true,
      body: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
      headers: res.headers,
    };
  }

  /** Seals and sends in one step. */
  call(url: string, path: string, body: object = {}, method = 'POST'): Promise<RawAnswer> {
    return this.send(url, this.envelope(path, body, method));
  }
}

export interface SealedEnvelope {
  seq: number;
  method: string;
  path: string;
  wire: SealedRequestWire;
}

/** The error code of an answer, sealed or plain. */
export function codeOf(answer: RawAnswer): string | undefined {
  const error = answer.body.error as { code?: string } | undefined;
  return error?.code;
}
