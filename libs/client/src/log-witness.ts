import {
  type Checkpoint,
  NoteError,
  type NoteVerifier,
  openCheckpoint,
  parseVerifierKey,
} from '@dss/audit/log/note';
import { leafHash, verifyConsistency, verifyInclusion } from '@dss/audit/log/merkle';
import { DssError, DssProtocolError } from './errors';

/**
 * The client side of the verifiable log (docs/AUDIT-LOG.md §7): every client is a witness. It
 * remembers, per server, the log's verifier key and the latest checkpoint it verified, and
 * accepts a newer checkpoint only with a consistency proof from the one it holds — so a server
 * that rolls its log back or shows different histories to different clients is caught.
 */

/** The log contradicts a checkpoint this client verified earlier: rollback, fork or new key. */
export class DssLogInconsistentError extends DssError {
  constructor(
    readonly kind: 'rollback' | 'fork' | 'key-changed',
    message: string,
    readonly previous: string,
    readonly current: string,
  ) {
    super('log_inconsistent', message);
    this.name = 'DssLogInconsistentError';
  }
}

/** What a witness keeps per server. */
export interface WitnessState {
  verifierKey: string;
  checkpoint: string;
}

/** Where a witness keeps its state (the CLI: a file per server in its config directory). */
export interface WitnessStore {
  load(server: string): WitnessState | undefined;
  save(server: string, state: WitnessState): void;
}

/** A witness memory for the process's lifetime: one state per server URL. */
export class MemoryWitnessStore implements WitnessStore {
  readonly #states = new Map<string, WitnessState>();

  load(server: string): WitnessState | undefined {
    return this.#states.get(server);
  }

  save(server: string, state: WitnessState): void {
    this.#states.set(server, state);
  }
}

export interface LogWitnessOptions {
  baseUrl: string;
  store: WitnessStore;
  /** A verifier key known out of band; else the first one served is pinned (trust on first use). */
  verifierKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface WitnessResult {
  checkpoint: Checkpoint;
  note: string;
  /** The size of the checkpoint held before, or null on first use. */
  previousSize: number | null;
  verifierKey: string;
}

const b64list = (value: unknown, what: string): Buffer[] => {
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'string'))
    throw new DssProtocolError(`${what}: hashes must be a list of base64 strings`);
  return value.map((h) => {
    const b = Buffer.from(h, 'base64');
    if (b.length !== 32) throw new DssProtocolError(`${what}: a hash is not 32 bytes`);
    return b;
  });
};

/** Reads the log's public routes and checks what they say against the witness's memory. */
export class LogWitness {
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(private readonly options: LogWitnessOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    const f = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => f(input, init);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async #get(path: string): Promise<{ status: number; text: string }> {
    const res = await this.#fetch(this.#base + path, {
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    return { status: res.status, text: await res.text() };
  }

  async #json(path: string): Promise<Record<string, unknown>> {
    const { status, text } = await this.#get(path);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new DssProtocolError(`${path}: not JSON (HTTP ${status})`);
    }
    if (status !== 200 || typeof json !== 'object' || json === null)
      throw new DssProtocolError(`${path}: HTTP ${status}`);
    return json as Record<string, unknown>;
  }

  /** The log's verifier key as served (unauthenticated: pin it, or compare it out of band). */
  async servedVerifierKey(): Promise<string> {
    const key = await this.#json('/v1/log/key');
    if (typeof key.verifierKey !== 'string')
      throw new DssProtocolError('/v1/log/key: no verifierKey');
    return key.verifierKey;
  }

  async #verifier(): Promise<{ vkey: string; verifier: NoteVerifier }> {
    const held = this.options.store.load(this.#base);
    const vkey = this.options.verifierKey ?? held?.verifierKey ?? (await this.servedVerifierKey());
    try {
      return { vkey, verifier: parseVerifierKey(vkey) };
    } catch (err) {
      throw new DssProtocolError(`log verifier key: ${(err as Error).message}`);
    }
  }

  /** The latest checkpoint, signature verified. */
  async latest(): Promise<{ note: string; checkpoint: Checkpoint; vkey: string }> {
    const { vkey, verifier } = await this.#verifier();
    const { status, text } = await this.#get('/v1/log/checkpoint');
    if (status !== 200) throw new DssProtocolError(`/v1/log/checkpoint: HTTP ${status}`);
    try {
      return { note: text, checkpoint: openCheckpoint(text, verifier), vkey };
    } catch (err) {
      if (err instanceof NoteError)
        throw new DssProtocolError(`the served checkpoint does not verify: ${err.message}`);
      throw err;
    }
  }

  /** RFC 9162 consistency proof from the server. */
  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    return b64list(
      (await this.#json(`/v1/log/proof/consistency?from=${from}&to=${to}`)).hashes,
      'consistency proof',
    );
  }

  /** RFC 9162 inclusion proof from the server. */
  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    return b64list(
      (await this.#json(`/v1/log/proof/inclusion?index=${index}&size=${size}`)).hashes,
      'inclusion proof',
    );
  }

  /**
   * Fetches the latest checkpoint and checks it against the one held: same size → same root;
   * larger → a valid consistency proof; smaller → rollback. Saves it once it passes.
   * @throws DssLogInconsistentError on rollback, fork or a changed log key.
   */
  async check(): Promise<WitnessResult> {
    const held = this.options.store.load(this.#base);
    const { note, checkpoint, vkey } = await this.latest();
    if (held) {
      if (held.verifierKey !== vkey)
        throw new DssLogInconsistentError(
          'key-changed',
          'the log key changed',
          held.checkpoint,
          note,
        );
      const prev = openCheckpoint(held.checkpoint, parseVerifierKey(held.verifierKey));
      if (checkpoint.size < prev.size)
        throw new DssLogInconsistentError(
          'rollback',
          `the log was rolled back from ${prev.size} to ${checkpoint.size} entries`,
          held.checkpoint,
          note,
        );
      if (checkpoint.size === prev.size) {
        if (!checkpoint.rootHash.equals(prev.rootHash))
          throw new DssLogInconsistentError(
            'fork',
            `two different logs of size ${prev.size}`,
            held.checkpoint,
            note,
          );
      } else if (prev.size > 0) {
        const proof = await this.consistencyProof(prev.size, checkpoint.size);
        if (
          !verifyConsistency(prev.size, checkpoint.size, prev.rootHash, checkpoint.rootHash, proof)
        )
          throw new DssLogInconsistentError(
            'fork',
            `the log of size ${checkpoint.size} does not extend the one of size ${prev.size} held before`,
            held.checkpoint,
            note,
          );
      }
    }
    this.options.store.save(this.#base, { verifierKey: vkey, checkpoint: note });
    return {
      checkpoint,
      note,
      previousSize: held
        ? openCheckpoint(held.checkpoint, parseVerifierKey(held.verifierKey)).size
        : null,
      verifierKey: vkey,
    };
  }
}

/** A receipt made complete: leaf, inclusion proof and the checkpoint it leads to. */
export interface FullReceipt {
  logIndex: number;
  /** Base64 leaf bytes. */
  leaf: string;
  checkpoint?: string;
  verifierKey?: string;
  inclusionProof?: string[];
}

/**
 * Checks a full receipt offline: the checkpoint is signed by the log key, and the leaf is at
 * `logIndex` in the tree that checkpoint commits to. Returns the checkpoint. The caller checks
 * that the leaf names the signature (digest, key) it holds.
 */
export function verifyReceiptProof(receipt: FullReceipt): Checkpoint {
  if (!receipt.checkpoint || !receipt.verifierKey || !receipt.inclusionProof)
    throw new DssProtocolError('the receipt has no checkpoint and inclusion proof yet');
  let cp: Checkpoint;
  try {
    cp = openCheckpoint(receipt.checkpoint, parseVerifierKey(receipt.verifierKey));
  } catch (err) {
    throw new DssProtocolError(
      `the receipt's checkpoint does not verify: ${(err as Error).message}`,
    );
  }
  const proof = receipt.inclusionProof.map((h) => Buffer.from(h, 'base64'));
  if (
    !verifyInclusion(
      leafHash(Buffer.from(receipt.leaf, 'base64')),
      receipt.logIndex,
      cp.size,
      proof,
      cp.rootHash,
    )
  )
    throw new DssProtocolError(
      `the leaf is not at index ${receipt.logIndex} of the log of size ${cp.size}`,
    );
  return cp;
}
