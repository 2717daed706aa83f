import type { MigrationInterface } from 'typeorm';
import { InitialSchema1764086400000 } from './1764086400000-InitialSchema';
import { SessionRevocation1764172800000 } from './1764172800000-SessionRevocation';
import { AuditMerkleLog1765300000000 } from './1765300000000-AuditMerkleLog';

/** Every migration, oldest first. Classes rather than globs, so `ts` sources and `dist` agree. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  InitialSchema1764086400000,
  SessionRevocation1764172800000,
  AuditMerkleLog1765300000000,
];
