import type { MigrationInterface } from 'typeorm';
import { InitialSchema1764086400000 } from './1764086400000-InitialSchema';
import { SessionRevocation1764172800000 } from './1764172800000-SessionRevocation';
import { AuditMerkleLog1765300000000 } from './1765300000000-AuditMerkleLog';
import { PublicKeyInfrastructure1765400000000 } from './1765400000000-PublicKeyInfrastructure';
import { LoginFailures1765500000000 } from './1765500000000-LoginFailures';
import { CustodyChecks1765600000000 } from './1765600000000-CustodyChecks';
import { KeyHistory1765900000000 } from './1765900000000-KeyHistory';
import { KeyDeletionGrace1765900000001 } from './1765900000001-KeyDeletionGrace';
import { KeyApprovals1766000000000 } from './1766000000000-KeyApprovals';

/** Every migration, oldest first. Classes rather than globs, so `ts` sources and `dist` agree. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  InitialSchema1764086400000,
  SessionRevocation1764172800000,
  AuditMerkleLog1765300000000,
  PublicKeyInfrastructure1765400000000,
  LoginFailures1765500000000,
  CustodyChecks1765600000000,
  KeyHistory1765900000000,
  KeyDeletionGrace1765900000001,
  KeyApprovals1766000000000,
];
