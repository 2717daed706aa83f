import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AuditService } from '@dss/audit';
import { type Clock, CLOCK } from '@dss/common';
import { KeystoreService } from '@dss/keystore';
import { KeyPairEntity, TransactionRunner } from '@dss/persistence';
import { PkiService } from '@dss/pki';
import { IsNull, LessThanOrEqual, Not } from 'typeorm';
import { destroyKeyPair } from './key-destruction';

/** How often the sweeper looks for due deletions. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Destroys the key pairs whose deletion grace period (`DSS_KEY_DELETION_GRACE`) has ended, as
 * DeleteKeys without a grace period does at once. Every instance sweeps; each pair is destroyed
 * in its own transaction under its row lock, after checking that it is still due (not
 * cancelled, not destroyed by another instance). The clock is injected: tests set it and call
 * {@link KeyDeletionSweeper.sweep}.
 */
@Injectable()
export class KeyDeletionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly pki: PkiService,
    private readonly keystore: KeystoreService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      // A failed sweep (database away) is retried at the next tick; the rows stay due.
      this.sweep().catch(() => undefined);
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Destroys every pair due by now; the number destroyed. One sweep at a time per instance. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    const now = new Date(this.clock.now());
    const due = await this.runner.run((m) =>
      m.find(KeyPairEntity, {
        select: { id: true },
        where: { deletionDueAt: LessThanOrEqual(now), deleted: false },
      }),
    );
    let destroyed = 0;
    for (const { id } of due) {
      const done = await this.runner.run(async (m) => {
        const row = await m.findOne(KeyPairEntity, {
          where: { id, deletionDueAt: Not(IsNull()), deleted: false },
          lock: this.runner.rowLock(),
        });
        if (!row || row.deletionDueAt!.getTime() > now.getTime()) return false;
        await destroyKeyPair(m, this.pki, this.audit, row, now, { type: 'system', name: 'dss' });
        return true;
      });
      if (done) {
        this.keystore.forget(id);
        destroyed += 1;
      }
    }
    return destroyed;
  }
}
