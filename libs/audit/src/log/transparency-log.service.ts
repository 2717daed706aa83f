import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_LOGGER, DomainError, ErrorCode } from '@dss/common';
import { TransactionRunner } from '@dss/persistence';
import { type Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { type LogKey } from './log-key';
import { consistencyProof, inclusionProof, type NodeReader, nodesNeeded } from './merkle';
import { checkpointBody, signNote } from './note';
import { extendTree, readNodes, readTreeState } from './tree-store';

export interface TransparencyLogOptions {
  key: LogKey;
  origin: string;
  intervalMs: number;
  /** Where every checkpoint this instance signs is appended (outside the database). */
  checkpointFile: string;
  /** Advance the tree and sign checkpoints on a timer (the employee API); off for read-only users. */
  sequence: boolean;
}

export const TRANSPARENCY_LOG_OPTIONS = Symbol('TRANSPARENCY_LOG_OPTIONS');

/** One stored checkpoint. */
export interface StoredCheckpoint {
  size: number;
  rootHash: Buffer;
  note: string;
}

const LEAVES_PER_TRANSACTION = 5000;

/**
 * The verifiable log (docs/AUDIT-LOG.md): advances the Merkle tree over the audit events and
 * signs checkpoints on a timer, never on the request path; serves proofs from stored nodes.
 *
 * Several instances may share one database: each advance runs in a transaction holding the
 * tree state row's lock, so the tree is built once, in `seq` order, whoever builds it; a
 * checkpoint is signed only for a size larger than the last stored one, under that same lock,
 * and Ed25519 signatures are deterministic, so no two checkpoints ever disagree.
 */
@Injectable()
export class TransparencyLogService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failing = false;

  constructor(
    private readonly runner: TransactionRunner,
    private readonly ds: DataSource,
    @Inject(TRANSPARENCY_LOG_OPTIONS) private readonly options: TransparencyLogOptions,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  get key(): LogKey {
    return this.options.key;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.sequence) return;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One timer tick: never two at once, never throws (a failing database is logged once). */
  private tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.advance()
      .then(() => {
        if (this.failing) this.logger.info('audit log: checkpoints are being signed again');
        this.failing = false;
      })
      .catch((err: unknown) => {
        if (!this.failing)
          this.logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            'audit log: cannot advance the tree or sign a checkpoint',
          );
        this.failing = true;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /**
   * Appends every committed event to the tree and signs a checkpoint for the new size. Returns
   * the latest checkpoint. Public for tests and tools that need the log current now.
   */
  async advance(): Promise<StoredCheckpoint> {
    for (;;) {
      const { added, signed } = await this.runner.run(async (m) => {
        const state = await extendTree(m, this.runner.lockClause(), LEAVES_PER_TRANSACTION);
        const latest = await this.latestIn(m);
        if (latest && latest.size >= state.size) return { added: state.added, signed: null };
        const note = signNote(
          checkpointBody({ origin: this.options.origin, size: state.size, rootHash: state.root }),
          this.options.key.name,
          this.options.key.privateKey,
        );
        await m.query(
          'INSERT INTO audit_log_checkpoints (size, root_hash, note, created_at) VALUES (?, ?, ?, ?)',
          [state.size, state.root.toString('hex'), note, this.now()],
        );
        return { added: state.added, signed: note };
      });
      if (signed) this.appendToFile(signed);
      if (added < LEAVES_PER_TRANSACTION) break;
    }
    const latest = await this.latestCheckpoint();
    if (!latest) throw new Error('audit log: no checkpoint after advancing');
    return latest;
  }

  /** A datetime parameter as each driver takes it (SQLite: UTC text, as TypeORM writes it). */
  private now(): Date | string {
    const now = new Date();
    return this.runner.engine === 'sqlite'
      ? now.toISOString().replace('T', ' ').replace('Z', '')
      : now;
  }

  private appendToFile(note: string): void {
    try {
      mkdirSync(dirname(this.options.checkpointFile), { recursive: true });
      appendFileSync(this.options.checkpointFile, note, { mode: 0o644 });
    } catch (err) {
      this.logger.error(
        { file: this.options.checkpointFile, err: (err as NodeJS.ErrnoException).code },
        'audit log: cannot append to the checkpoint file',
      );
    }
  }

  private async latestIn(m: EntityManager): Promise<StoredCheckpoint | null> {
    const [row] = await m.query<{ size: number | string; root_hash: string; note: string }[]>(
      'SELECT size, root_hash, note FROM audit_log_checkpoints ORDER BY size DESC LIMIT 1',
    );
    return row
      ? { size: Number(row.size), rootHash: Buffer.from(row.root_hash, 'hex'), note: row.note }
      : null;
  }

  /** The latest stored checkpoint, or null before the first one. */
  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.latestIn(this.ds.manager);
  }

  /** Every stored checkpoint, oldest first. */
  async storedCheckpoints(m: EntityManager = this.ds.manager): Promise<StoredCheckpoint[]> {
    const rows = await m.query<{ size: number | string; root_hash: string; note: string }[]>(
      'SELECT size, root_hash, note FROM audit_log_checkpoints ORDER BY size ASC',
    );
    return rows.map((r) => ({
      size: Number(r.size),
      rootHash: Buffer.from(r.root_hash, 'hex'),
      note: r.note,
    }));
  }

  private async treeSize(): Promise<number> {
    const state = await readTreeState(this.ds.manager);
    if (!state) throw new DomainError(ErrorCode.Unavailable, 'the audit log is not initialised');
    return state.size;
  }

  /** Runs a proof algorithm over the stored nodes it needs, fetched in one go. */
  private async prove(run: (node: NodeReader) => Buffer[]): Promise<Buffer[]> {
    const nodes = await readNodes(this.ds.manager, nodesNeeded(run));
    return run((level, index) => {
      const hash = nodes.get(`${level}/${index}`);
      if (!hash) throw new DomainError(ErrorCode.Unavailable, 'the audit log tree is incomplete');
      return hash;
    });
  }

  /** RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `size`. */
  async inclusion(index: number, size: number): Promise<Buffer[]> {
    if (index >= size)
      throw new DomainError(ErrorCode.InvalidRequest, 'index must be smaller than size');
    if (size > (await this.treeSize()))
      throw new DomainError(ErrorCode.BeyondTree, `the tree has fewer than ${size} leaves`);
    return this.prove((node) => inclusionProof(index, size, node));
  }

  /** RFC 9162 §2.1.4 consistency proof between sizes `from` and `to`. */
  async consistency(from: number, to: number): Promise<Buffer[]> {
    if (from < 1 || from > to)
      throw new DomainError(ErrorCode.InvalidRequest, 'need 1 ≤ from ≤ to');
    if (to > (await this.treeSize()))
      throw new DomainError(ErrorCode.BeyondTree, `the tree has fewer than ${to} leaves`);
    return this.prove((node) => consistencyProof(from, to, node));
  }
}
