import { NestFactory } from '@nestjs/core';
import { type INestApplicationContext } from '@nestjs/common';
import {
  AccountsService,
  loadOrCreatePepper,
  OperatorsService,
  PasswordHasher,
} from '@dss/accounts';
import { AuditService } from '@dss/audit';
import { createLogger, type SecretCreation, systemClock } from '@dss/common';
import { type DssConfig, loadConfig } from '@dss/config';
import {
  checkMasterKey,
  inspectInstallation,
  KeyDeletions,
  MasterKeyRing,
  secretCreationFor,
} from '@dss/keystore';
import { KeyApprovals } from '@dss/keystore/key-approvals';
import { TransactionRunner } from '@dss/persistence';
import { PkiService } from '@dss/pki';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { DataSource } from 'typeorm';
import { AdminCliModule } from './admin-cli.module';

/** The operator running the command, as the audit trail names it. */
export const ACTOR = { type: 'operator' as const, name: `cli:${safeUser()}` };

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Builds the master key ring of a command (default: as the service does). */
export type LoadRing = (config: DssConfig, creation: SecretCreation) => MasterKeyRing;

/** The services of one command: the database, the keystore and the audit trail. */
export class Services {
  private constructor(
    readonly config: DssConfig,
    readonly ring: MasterKeyRing,
    private readonly context: INestApplicationContext,
  ) {}

  /** @param loadRing builds the key ring (default: as the service does). */
  static async open(
    loadRing: LoadRing = (config, creation) => MasterKeyRing.load(config, { creation }),
  ): Promise<Services> {
    if (existsSync('.env')) process.loadEnvFile('.env');
    const config = loadConfig();
    const logger = createLogger(process.env.DSS_LOG_LEVEL ?? 'warn');
    // The same custody rules as the service: no new secret on a populated installation, and
    // the master key must match the database.
    const state = await inspectInstallation(config);
    const creation = secretCreationFor(state);
    const ring = loadRing(config, creation);
    try {
      checkMasterKey(ring, state);
    } catch (err) {
      ring.close();
      throw err;
    }
    if (ring.created)
      process.stderr.write(
        `dss-admin: created a new master key at ${ring.path}; production should provide DSS_MASTER_KEY or DSS_MASTER_KEY_FILE\n`,
      );
    const { pepper } = loadOrCreatePepper(config, secretCreationFor(state, 'pepper'));
    const hasher = PasswordHasher.fromConfig(pepper, config);
    const context = await NestFactory.createApplicationContext(
      AdminCliModule.forRoot(config, { clock: systemClock, logger, ring, hasher }),
      {
        logger: false,
        abortOnError: false,
      },
    );
    return new Services(config, ring, context);
  }

  get accounts(): AccountsService {
    return this.context.get(AccountsService);
  }
  get operators(): OperatorsService {
    return this.context.get(OperatorsService);
  }
  get audit(): AuditService {
    return this.context.get(AuditService);
  }
  get dataSource(): DataSource {
    return this.context.get(DataSource);
  }
  get runner(): TransactionRunner {
    return this.context.get(TransactionRunner);
  }
  get pki(): PkiService {
    return this.context.get(PkiService);
  }
  get keyDeletions(): KeyDeletions {
    return this.context.get(KeyDeletions);
  }
  get keyApprovals(): KeyApprovals {
    return this.context.get(KeyApprovals);
  }
  close(): Promise<void> {
    return this.context.close();
  }
}

/** Opens the services for one command's work and closes them after, also on an error. */
export async function withServices(
  work: (s: Services) => Promise<void>,
  loadRing?: LoadRing,
): Promise<void> {
  const services = await Services.open(loadRing);
  try {
    await work(services);
  } finally {
    await services.close();
  }
}
