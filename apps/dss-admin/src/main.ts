import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type INestApplicationContext } from '@nestjs/common';
import {
  AccountsService,
  loadOrCreatePepper,
  OPERATOR_ROLES,
  OperatorsService,
  type OperatorSummary,
  PasswordHasher,
  type UserSummary,
} from '@dss/accounts';
import { AUDIT_HEAD_MISSING, AuditAction, AuditService, verifyTrail } from '@dss/audit';
import { createLogger, DomainError, ErrorCode, systemClock } from '@dss/common';
import { ConfigError, type DssConfig, loadConfig } from '@dss/config';
import {
  checkMasterKey,
  inspectInstallation,
  KeyDeletions,
  kekUsage,
  MasterKeyRing,
  recordKekCheck,
  rewrapAll,
  secretCreationFor,
} from '@dss/keystore';
import {
  type ApprovalActor,
  APPROVAL_STATUSES,
  type ApprovalStatus,
  type KeyApproval,
  KeyApprovals,
} from '@dss/keystore/key-approvals';
import { type SecretCreation } from '@dss/common';
import { loadRingForMove, type MoveTarget, moveMessage } from './commands/master-key-move';
import { registerDoctor } from './commands/doctor';
import { TransactionRunner } from '@dss/persistence';
import { Command, CommanderError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { DataSource } from 'typeorm';
import { AdminCliModule } from './admin-cli.module';
import { registerCaCommands } from './commands/ca';
import { PkiService } from '@dss/pki';
import {
  checkpointsFor,
  exportReport,
  logVerifier,
  readCheckpointFiles,
  trailJson,
  trailReport,
  verifyExportFile,
} from './commands/audit-log';
import { ExitCode, exitCodeOf } from './exit-codes';

interface JsonFlag {
  json?: boolean;
}

/** The operator running the command, as the audit trail names it. */
const ACTOR = { type: 'operator' as const, name: `cli:${safeUser()}` };

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

interface AsFlag {
  as?: string;
}

/** `--as NAME`: the administrator a dual-control step is taken as. */
function asOption(): Option {
  return new Option(
    '--as <operator>',
    'with DSS_DUAL_CONTROL=true: the enabled admin operator taking this step (audited with the shell user)',
  );
}

/**
 * The administrator of a dual-control step from the server host: `--as NAME` must name an
 * existing, enabled admin operator. The host's shell is itself a trust boundary (whoever runs
 * `dss-admin` can read the database); `--as` keeps the two-person rule between honest operators
 * and names the shell user in the audit trail (`via`).
 */
async function approvalActor(s: Services, as: string | undefined): Promise<ApprovalActor> {
  if (as === undefined || as.trim() === '') {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      'DSS_DUAL_CONTROL is on: name the administrator taking this step with --as NAME',
    );
  }
  let op: OperatorSummary;
  try {
    op = await s.operators.get(as);
  } catch (err) {
    if (err instanceof DomainError && err.code === ErrorCode.NotFound)
      throw new DomainError(ErrorCode.NotFound, `no operator named ${as}`);
    throw err;
  }
  if (op.role !== 'admin' || op.disabled) {
    throw new DomainError(
      ErrorCode.Forbidden,
      `--as ${op.username}: not an enabled admin operator`,
    );
  }
  return { type: 'operator', name: op.username, via: ACTOR.name };
}

function approvalLine(a: KeyApproval): string {
  return [
    a.id,
    a.kind.padEnd(15),
    a.username.padEnd(20),
    `by ${a.requestedBy}`,
    `at ${a.requestedAt}`,
    a.status,
    a.decidedBy === null ? '' : `(${a.decidedBy})`,
  ]
    .join('  ')
    .trimEnd();
}

function requestedOutput(opts: JsonFlag, a: KeyApproval): void {
  print(
    opts,
    a,
    [
      `Approval request ${a.id} (${a.kind} for ${a.username}) is pending.`,
      `Another administrator approves it: dss-admin approvals approve ${a.id} --as NAME, or in the dashboard.`,
    ].join('\n'),
  );
}

function print(opts: JsonFlag, json: unknown, text: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
}

class Services {
  private constructor(
    readonly config: DssConfig,
    readonly ring: MasterKeyRing,
    private readonly context: INestApplicationContext,
  ) {}

  /** @param loadRing builds the key ring (default: as the service does). */
  static async open(
    loadRing: (config: DssConfig, creation: SecretCreation) => MasterKeyRing = (config, creation) =>
      MasterKeyRing.load(config, { creation }),
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

async function withServices(
  work: (s: Services) => Promise<void>,
  loadRing?: (config: DssConfig, creation: SecretCreation) => MasterKeyRing,
): Promise<void> {
  const services = await Services.open(loadRing);
  try {
    await work(services);
  } finally {
    await services.close();
  }
}

function credentialOutput(
  opts: JsonFlag,
  verb: string,
  r: { username: string; temporaryPassword: string; temporaryPasswordExpiresAt: Date },
): void {
  print(
    opts,
    {
      username: r.username,
      temporaryPassword: r.temporaryPassword,
      expiresAt: r.temporaryPasswordExpiresAt.toISOString(),
    },
    [
      `${verb} ${r.username}.`,
      `Temporary password (shown once): ${r.temporaryPassword}`,
      `Expires: ${r.temporaryPasswordExpiresAt.toISOString()}`,
      'Give it to the user over a trusted channel; they must choose a new password at first login.',
    ].join('\n'),
  );
}

function userLine(u: UserSummary): string {
  return `${u.username.padEnd(24)} ${u.status.padEnd(22)} ${u.keyCreationBlocked ? 'new key blocked' : ''}`.trimEnd();
}

function operatorCredentialOutput(
  opts: JsonFlag,
  verb: string,
  r: {
    username: string;
    role: string;
    temporaryPassword: string;
    temporaryPasswordExpiresAt: Date;
  },
): void {
  print(
    opts,
    {
      username: r.username,
      role: r.role,
      temporaryPassword: r.temporaryPassword,
      temporaryPasswordExpiresAt: r.temporaryPasswordExpiresAt.toISOString(),
    },
    [
      `${verb} operator ${r.username} (${r.role}).`,
      `One-time password (shown once): ${r.temporaryPassword}`,
      `It expires at ${r.temporaryPasswordExpiresAt.toISOString()}.`,
      'Give it to the operator over a trusted channel; they must choose a new password at first login to the admin app.',
    ].join('\n'),
  );
}

function operatorLine(o: OperatorSummary): string {
  return `${o.username.padEnd(24)} ${o.role.padEnd(8)} ${o.status}`.trimEnd();
}

function buildProgram(): Command {
  const program = new Command('dss-admin')
    .description(
      'Operator commands for DSS, run on the server host against the configured database.',
    )
    .showHelpAfterError()
    .exitOverride();
  const json = () => new Option('--json', 'print machine-readable JSON');

  const users = program.command('users').description('register and manage employees');
  users
    .command('add')
    .description('register a user; prints a one-time temporary password')
    .argument('<username>', '3-64 characters of a-z 0-9 . _ -')
    .option('--full-name <name>', "full name for the user's certificates (else the username)")
    .option('--email <address>', "e-mail address for the user's certificates")
    .addOption(json())
    .action((username: string, opts: JsonFlag & { fullName?: string; email?: string }) =>
      withServices(async (s) =>
        credentialOutput(
          opts,
          'Registered',
          await s.accounts.register(username, ACTOR, {
            fullName: opts.fullName,
            email: opts.email,
          }),
        ),
      ),
    );
  users
    .command('reset-password')
    .description('issue a new temporary password (the user must change it at next login)')
    .argument('<username>')
    .addOption(json())
    .action((username: string, opts: JsonFlag) =>
      withServices(async (s) =>
        credentialOutput(
          opts,
          'Reset the password of',
          await s.accounts.resetPassword(username, ACTOR),
        ),
      ),
    );
  for (const [name, description, verb] of [
    ['disable', 'stop a user from logging in', 'Disabled'],
    ['enable', 'let a disabled or locked user log in again', 'Enabled'],
    ['unlock', 'end every login lock of a user, from every address', 'Unlocked'],
    [
      'allow-new-key',
      'let a user who deleted their key pair create a new one',
      'Allowed a new key pair for',
    ],
  ] as const) {
    const command = users
      .command(name)
      .description(description)
      .argument('<username>')
      .addOption(json());
    if (name === 'allow-new-key') command.addOption(asOption());
    command.action((username: string, opts: JsonFlag & AsFlag) =>
      withServices(async (s) => {
        if (name === 'allow-new-key' && s.keyApprovals.enabled) {
          const actor = await approvalActor(s, opts.as);
          requestedOutput(opts, await s.keyApprovals.request('allow_new_key', username, actor));
          return;
        }
        const method = name === 'allow-new-key' ? 'allowNewKey' : name;
        await s.accounts[method](username, ACTOR);
        const u = await s.accounts.get(username);
        print(
          opts,
          { username: u.username, status: u.status, keyCreationBlocked: u.keyCreationBlocked },
          `${verb} ${u.username}.`,
        );
      }),
    );
  }
  users
    .command('list')
    .description('list users with their status')
    .addOption(
      new Option('--status <status>', 'only users in this status').choices([
        'active',
        'must_change_password',
        'locked',
        'disabled',
      ]),
    )
    .option('--search <text>', 'only usernames containing this text')
    .addOption(json())
    .action(
      (
        opts: JsonFlag & {
          status?: 'active' | 'must_change_password' | 'locked' | 'disabled';
          search?: string;
        },
      ) =>
        withServices(async (s) => {
          const items: UserSummary[] = [];
          for (let offset = 0; ; offset += 500) {
            const page = await s.accounts.list({
              status: opts.status,
              search: opts.search,
              offset,
              limit: 500,
            });
            items.push(...page.items);
            if (items.length >= page.total || page.items.length === 0) break;
          }
          await s.audit.record({
            actorType: 'operator',
            actor: ACTOR.name,
            action: AuditAction.UsersListed,
            details: { count: items.length, status: opts.status, search: opts.search },
          });
          print(
            opts,
            { users: items },
            items.length === 0 ? 'No users.' : items.map(userLine).join('\n'),
          );
        }),
    );

  const operators = program
    .command('operators')
    .description('operators of the admin app: admins (read and write) and auditors (read-only)');
  operators
    .command('add')
    .description('create an operator; prints a one-time password')
    .argument('<username>', '3-64 characters of a-z 0-9 . _ - (the admin app login)')
    .addOption(
      new Option('--role <role>', 'admin (read and write) or auditor (read-only)')
        .choices(OPERATOR_ROLES)
        .makeOptionMandatory(),
    )
    .addOption(json())
    .action((username: string, opts: JsonFlag & { role: 'admin' | 'auditor' }) =>
      withServices(async (s) =>
        operatorCredentialOutput(
          opts,
          'Created',
          await s.operators.create(username, opts.role, ACTOR),
        ),
      ),
    );
  operators
    .command('reset-password')
    .description('issue a new one-time password, clear a lockout and end the operator’s sessions')
    .argument('<username>')
    .addOption(json())
    .action((username: string, opts: JsonFlag) =>
      withServices(async (s) =>
        operatorCredentialOutput(
          opts,
          'Reset the password of',
          await s.operators.resetPassword(username, ACTOR),
        ),
      ),
    );
  for (const [name, description, verb] of [
    ['disable', 'stop an operator from logging in and end their sessions', 'Disabled'],
    ['enable', 'let a disabled or locked operator log in again', 'Enabled'],
    ['unlock', 'end every login lock of an operator, from every address', 'Unlocked'],
  ] as const) {
    operators
      .command(name)
      .description(description)
      .argument('<username>')
      .addOption(json())
      .action((username: string, opts: JsonFlag) =>
        withServices(async (s) => {
          const change = await s.operators[name](username, ACTOR);
          const o = change.operator;
          print(
            opts,
            { username: o.username, role: o.role, status: o.status, changed: change.changed },
            `${verb} operator ${o.username}.`,
          );
        }),
      );
  }
  operators
    .command('list')
    .description('list the operators with their role and status')
    .addOption(json())
    .action((opts: JsonFlag) =>
      withServices(async (s) => {
        const items: OperatorSummary[] = [];
        for (let offset = 0; ; offset += 500) {
          const page = await s.operators.list({ offset, limit: 500 });
          items.push(...page.items);
          if (items.length >= page.total || page.items.length === 0) break;
        }
        await s.audit.record({
          actorType: 'operator',
          actor: ACTOR.name,
          action: AuditAction.OperatorsListed,
          details: { count: items.length },
        });
        print(
          opts,
          { operators: items },
          items.length === 0 ? 'No operators.' : items.map(operatorLine).join('\n'),
        );
      }),
    );

  const masterKey = program
    .command('master-key')
    .description('the master key (KEK) that wraps users’ private keys');
  masterKey
    .command('status')
    .description('show the master key ids and how many keys each wraps')
    .addOption(json())
    .action((opts: JsonFlag) =>
      withServices(async (s) => {
        const usage = await kekUsage(s.dataSource);
        await s.audit.record({
          actorType: 'operator',
          actor: ACTOR.name,
          action: AuditAction.MasterKeyStatusRead,
          details: { usage },
        });
        const current = s.ring.current().id;
        print(
          opts,
          { current, known: s.ring.ids(), usage, source: s.ring.source },
          [
            `current master key: ${current} (${s.ring.source})`,
            ...Object.entries(usage).map(
              ([id, n]) =>
                `  ${id}: ${n} key pair(s)${id === current ? '' : ' — run `dss-admin master-key rewrap`'}`,
            ),
          ].join('\n'),
        );
      }),
    );
  masterKey
    .command('rotate')
    .description(
      'create a new master key (file source) and re-wrap every key pair under it; with --to, move the master key between a file and a PKCS#11 token',
    )
    .addOption(
      new Option(
        '--to <where>',
        'pkcs11: into the token of DSS_KEK_PKCS11_* (created there if missing); file: back to a new key in the master key file',
      ).choices(['file', 'pkcs11']),
    )
    .addOption(json())
    .action((opts: JsonFlag & { to?: MoveTarget }) => {
      const to = opts.to;
      if (to !== undefined) {
        return withServices(
          async (s) => {
            const retiredIds = s.ring.ids().slice(1);
            const result = await rewrapAll(s.dataSource, s.runner, s.ring);
            await recordKekCheck(s.dataSource, s.ring);
            const current = s.ring.current();
            await s.audit.record({
              actorType: 'operator',
              actor: ACTOR.name,
              action: AuditAction.MasterKeyRotated,
              details: {
                newKekId: current.id,
                kind: current.kind,
                retiredKekIds: retiredIds,
                rewrapped: result.rewrapped,
              },
            });
            print(
              opts,
              { newKekId: current.id, kind: current.kind, retiredKekIds: retiredIds, ...result },
              moveMessage(to, current.id, result.rewrapped),
            );
          },
          (config, creation) => loadRingForMove(to, config, creation),
        );
      }
      return withServices(async (s) => {
        if (s.ring.source !== 'file' || !s.ring.path) {
          throw new DomainError(
            ErrorCode.InvalidRequest,
            s.ring.source === 'pkcs11'
              ? 'the master key is in a PKCS#11 token: move it with `--to file`, or back with `--to pkcs11` under a new DSS_KEK_PKCS11_KEY_LABEL'
              : 'the master key comes from DSS_MASTER_KEY: put the new key first in that list, restart the service, then run `dss-admin master-key rewrap`',
          );
        }
        const { newId, retiredIds } = MasterKeyRing.rotateFile(s.ring.path);
        s.ring.reloadIfChanged();
        const result = await rewrapAll(s.dataSource, s.runner, s.ring);
        // The DSS CA and TSA keys are wrapped under the master key too.
        await s.pki.rewrapKeys();
        await recordKekCheck(s.dataSource, s.ring);
        await s.audit.record({
          actorType: 'operator',
          actor: ACTOR.name,
          action: AuditAction.MasterKeyRotated,
          details: { newKekId: newId, retiredKekIds: retiredIds, rewrapped: result.rewrapped },
        });
        print(
          opts,
          { newKekId: newId, retiredKekIds: retiredIds, ...result },
          `New master key ${newId}; re-wrapped ${result.rewrapped} key pair(s). Retired keys stay in ${s.ring.path} for reading until you remove them.`,
        );
      });
    });
  masterKey
    .command('rewrap')
    .description('re-wrap every key pair under the current master key')
    .addOption(json())
    .action((opts: JsonFlag) =>
      withServices(async (s) => {
        const result = await rewrapAll(s.dataSource, s.runner, s.ring);
        // The DSS CA and TSA keys are wrapped under the master key too.
        await s.pki.rewrapKeys();
        await s.audit.record({
          actorType: 'operator',
          actor: ACTOR.name,
          action: AuditAction.MasterKeyRewrapped,
          details: { kekId: s.ring.current().id, rewrapped: result.rewrapped },
        });
        print(
          opts,
          { kekId: s.ring.current().id, ...result },
          `Re-wrapped ${result.rewrapped} key pair(s) under ${s.ring.current().id}.`,
        );
      }),
    );

  registerDoctor(program);

  const keys = program
    .command('keys')
    .description("users' key pairs: deletions waiting out DSS_KEY_DELETION_GRACE");
  keys
    .command('pending-deletions')
    .description('list key deletions that wait out the grace period, soonest first')
    .addOption(json())
    .action((opts: JsonFlag) =>
      withServices(async (s) => {
        const items = await s.keyDeletions.pending();
        print(
          opts,
          { items },
          items.length === 0
            ? 'No key deletion is pending.'
            : items
                .map((d) => `${d.username}  ${d.keyId}  requested ${d.requestedAt}  due ${d.dueAt}`)
                .join('\n'),
        );
      }),
    );
  keys
    .command('cancel-deletion')
    .description("cancel a user's pending key deletion: the key signs again at once")
    .argument('<username>')
    .addOption(asOption())
    .addOption(json())
    .action((username: string, opts: JsonFlag & AsFlag) =>
      withServices(async (s) => {
        if (s.keyApprovals.enabled) {
          const actor = await approvalActor(s, opts.as);
          requestedOutput(opts, await s.keyApprovals.request('cancel_deletion', username, actor));
          return;
        }
        const cancelled = await s.keyDeletions.cancel(username, ACTOR);
        print(
          opts,
          { cancelled: true, ...cancelled },
          `Cancelled the deletion of ${cancelled.username}'s key pair ${cancelled.keyId}; it signs again.`,
        );
      }),
    );

  const approvals = program
    .command('approvals')
    .description(
      'dual control (DSS_DUAL_CONTROL): requests to cancel a key deletion or allow a new key, approved by a second admin',
    );
  approvals
    .command('list')
    .description('list approval requests, newest first (default: the pending ones)')
    .addOption(
      new Option('--status <status>', 'requests in this status')
        .choices([...APPROVAL_STATUSES, 'all'])
        .default('pending'),
    )
    .addOption(json())
    .action((opts: JsonFlag & { status: ApprovalStatus | 'all' }) =>
      withServices(async (s) => {
        const items = await s.keyApprovals.list(opts.status === 'all' ? undefined : opts.status);
        print(
          opts,
          { items },
          items.length === 0 ? 'No approval request.' : items.map(approvalLine).join('\n'),
        );
      }),
    );
  approvals
    .command('approve')
    .description(
      'approve a request of another administrator and carry out its action at once (not your own)',
    )
    .argument('<id>')
    .addOption(asOption().makeOptionMandatory())
    .addOption(json())
    .action((id: string, opts: JsonFlag & AsFlag) =>
      withServices(async (s) => {
        const outcome = await s.keyApprovals.approve(id, await approvalActor(s, opts.as));
        const a = outcome.approval;
        print(
          opts,
          outcome,
          a.kind === 'cancel_deletion'
            ? `Approved ${a.id}: cancelled the deletion of ${a.username}'s key pair ${outcome.cancelled!.keyId}; it signs again.`
            : `Approved ${a.id}: allowed a new key pair for ${a.username}.`,
        );
      }),
    );
  approvals
    .command('reject')
    .description('reject a pending request (the requester may withdraw their own)')
    .argument('<id>')
    .addOption(asOption().makeOptionMandatory())
    .addOption(json())
    .action((id: string, opts: JsonFlag & AsFlag) =>
      withServices(async (s) => {
        const a = await s.keyApprovals.reject(id, await approvalActor(s, opts.as));
        print(opts, a, `Rejected ${a.id} (${a.kind} for ${a.username}).`);
      }),
    );

  const audit = program.command('audit').description('the hash-chained audit trail');
  audit
    .command('verify')
    .description(
      'recompute the chain and the Merkle tree and check them against every signed checkpoint (the database, the checkpoint file, each --checkpoint FILE); exit 5 and name the first bad event',
    )
    .option('--checkpoint <file...>', 'checkpoint file(s) held outside the database', [])
    .option('--verifier-key <vkey>', "the log's verifier key (default: from the log key file)")
    .addOption(json())
    .action((opts: JsonFlag & { checkpoint: string[]; verifierKey?: string }) =>
      withServices(async (s) => {
        const verifier = logVerifier(s.config, opts.verifierKey, opts.checkpoint.length > 0);
        const checkpoints = checkpointsFor(s.config, opts.checkpoint, verifier);
        const result = await verifyTrail(s.dataSource.manager, s.audit, verifier, checkpoints);
        // Without a head row nothing can be appended; the broken trail is reported below.
        if (result.chain.reason !== AUDIT_HEAD_MISSING)
          await s.audit.record({
            actorType: 'operator',
            actor: ACTOR.name,
            action: AuditAction.AuditVerified,
            details: {
              valid: result.valid,
              checkedEvents: result.checkedEvents,
              firstInvalidSeq: result.firstInvalidSeq,
              checkpoints: result.log.checkpointsChecked,
            },
          });
        print(opts, trailJson(result), trailReport(result));
        if (!result.valid) process.exitCode = ExitCode.AuditChainBroken;
      }),
    );
  audit
    .command('verify-export')
    .description(
      'check an NDJSON export (GET /api/audit/export) against signed checkpoints, offline; exit 5 and name the first bad event',
    )
    .argument('<file>', 'the NDJSON export')
    .requiredOption('--checkpoint <file...>', 'checkpoint file(s) held outside the database')
    .option('--verifier-key <vkey>', "the log's verifier key (default: from the log key file)")
    .addOption(json())
    .action(
      async (file: string, opts: JsonFlag & { checkpoint: string[]; verifierKey?: string }) => {
        if (existsSync('.env')) process.loadEnvFile('.env');
        const verifier = logVerifier(loadConfig(), opts.verifierKey);
        const result = await verifyExportFile(file, readCheckpointFiles(opts.checkpoint), verifier);
        print(opts, result, exportReport(result));
        if (!result.valid) process.exitCode = ExitCode.AuditChainBroken;
      },
    );
  registerCaCommands(program, {
    withPki: (work) => withServices((s) => work(s.pki)),
    actor: ACTOR,
  });
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and exit 0; everything else commander rejects is a usage error.
      process.exitCode = err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
      return;
    }
    const message =
      err instanceof ConfigError
        ? `configuration error: ${err.message}`
        : err instanceof DomainError
          ? err.message
          : err instanceof Error
            ? err.message
            : String(err);
    process.stderr.write(`dss-admin: ${message}\n`);
    process.exitCode = exitCodeOf(err);
  }
}

void main(process.argv);
