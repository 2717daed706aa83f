import { EventEmitter } from 'node:events';
import { AuditAction, AuditService } from '@dss/audit';
import { ManualClock } from '@dss/common';
import { openDataSource, TransactionRunner } from '@dss/persistence';
import { type Response } from 'express';
import { loadConfig } from '@dss/config';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { type OperatorContext } from '../common/operator-context';
import { AuditQueryService } from './audit-query.service';

const auditor: OperatorContext = {
  operatorId: 2,
  username: 'audrey',
  role: 'auditor',
  mustChangePassword: false,
  sessionId: 'f'.repeat(64),
  sessionKind: 'bearer',
  expiresAt: new Date(Date.UTC(2027, 0, 1)),
};

/** A response whose socket is always "full": every write asks the writer to wait for 'drain'. */
class SlowResponse extends EventEmitter {
  chunks: string[] = [];
  headers: Record<string, string> = {};
  waiting = false;
  writesWhileWaiting = 0;
  destroyed = false;
  ended = false;
  statusCode = 0;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value;
  }
  write(chunk: string): boolean {
    if (this.waiting) this.writesWhileWaiting += 1;
    this.chunks.push(chunk);
    this.waiting = true;
    setImmediate(() => {
      this.waiting = false;
      this.emit('drain');
    });
    return false;
  }
  end(): void {
    this.ended = true;
  }
}

describe('AuditQueryService.export, on the engine of DSS_DATABASE_URL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let service: AuditQueryService;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    const audit = new AuditService(new TransactionRunner(ds), new ManualClock());
    service = new AuditQueryService(ds, audit, loadConfig({ DSS_DATA_DIR: db.dataDir }));
    await audit.record(
      Array.from({ length: 1100 }, (_, i) => ({
        actorType: 'system' as const,
        actor: 'test',
        action: AuditAction.SignatureIssued,
        details: { i },
      })),
    );
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('waits for drain before every further write, reading page by page', async () => {
    const res = new SlowResponse();
    await service.export('ndjson', auditor, res as unknown as Response);
    expect(res.ended).toBe(true);
    expect(res.writesWhileWaiting).toBe(0);
    expect(res.chunks).toHaveLength(1101); // the events, and the export's own record
    expect(res.headers['x-dss-audit-head-seq']).toBe('1101');
    expect(JSON.parse(res.chunks[1100])).toMatchObject({ seq: 1101, action: 'audit.exported' });
  });

  it('stops when the client goes away', async () => {
    const res = new SlowResponse();
    const write = res.write.bind(res);
    res.write = (chunk: string) => {
      if (res.chunks.length === 10) {
        res.destroyed = true;
        res.emit('close');
      }
      return write(chunk);
    };
    await service.export('csv', auditor, res as unknown as Response);
    expect(res.chunks.length).toBeLessThanOrEqual(12);
  });
});
