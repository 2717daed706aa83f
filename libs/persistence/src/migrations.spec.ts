import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@dss/testing/database';
import { openDataSource } from './data-source';
import { MIGRATIONS } from './migrations';
import { ManualClock } from '@dss/common';
import { AuditAction, AuditService, leafBytes, leafHash, readTreeState, rootOf } from '@dss/audit';
import { TransactionRunner } from './transaction';

const TABLES = [
  'audit_chain_head',
  'audit_events',
  'audit_log_checkpoints',
  'audit_log_nodes',
  'audit_log_state',
  'certificates',
  'crls',
  'key_pairs',
  'operator_sessions',
  'operators',
  'pki_keys',
  'users',
];

async function tableNames(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  try {
    const found: string[] = [];
    for (const name of TABLES) if (await runner.hasTable(name)) found.push(name);
    return found;
  } finally {
    await runner.release();
  }
}

/** SQL the schema builder would run to make the database match the entities. */
async function pendingSchemaChanges(ds: DataSource): Promise<string[]> {
  const log = await ds.driver.createSchemaBuilder().log();
  return log.upQueries.map((q) => q.query);
}

describe('migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('are named <timestamp>-<PascalCase> classes, in order', () => {
    const names = MIGRATIONS.map((m) => m.name);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z]+\d{13}$/);
    // Ordered by their timestamp, whatever the class names.
    const stamps = names.map((name) => Number(/\d{13}$/.exec(name)![0]));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('create a schema the entities agree with (no pending schema changes)', async () => {
    expect(await tableNames(ds)).toEqual(TABLES);
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  });

  it('seed the audit chain head', async () => {
    const rows: { id: number; seq: number | string; hash: string }[] = await ds.query(
      'SELECT id, seq, hash FROM audit_chain_head',
    );
    expect(rows.map((r) => ({ ...r, seq: Number(r.seq) }))).toEqual([
      { id: 1, seq: 0, hash: '0'.repeat(64) },
    ]);
  });

  it('build the Merkle tree for the events recorded before the log existed', async () => {
    // Back to before the log's migration (and the later ones).
    while ((await tableNames(ds)).includes('audit_log_state')) await ds.undoLastMigration();
    const runner = new TransactionRunner(ds);
    const audit = new AuditService(runner, new ManualClock(Date.UTC(2026, 0, 1)));
    const events = await audit.record(
      Array.from({ length: 11 }, (_, i) => ({
        actorType: 'system' as const,
        actor: 'test',
        action: AuditAction.SignatureIssued,
        details: { i },
      })),
    );
    await ds.runMigrations();
    const state = await readTreeState(ds.manager);
    expect(state?.size).toBe(11);
    expect(state?.root.equals(rootOf(events.map((e) => leafHash(leafBytes(e)))))).toBe(true);
  });

  it('go down to an empty schema and up again to the same schema', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
    expect(await tableNames(ds)).toEqual([]);
    expect(await ds.showMigrations()).toBe(true);

    const ran = await ds.runMigrations();
    expect(ran.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => new m().name ?? m.name));
    expect(await tableNames(ds)).toEqual(TABLES);
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  });
});
