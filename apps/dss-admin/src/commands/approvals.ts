import { DomainError, ErrorCode } from '@dss/common';
import { type OperatorSummary } from '@dss/accounts';
import {
  type ApprovalActor,
  APPROVAL_STATUSES,
  type ApprovalStatus,
  type KeyApproval,
} from '@dss/keystore/key-approvals';
import { type Command, Option } from 'commander';
import { type JsonFlag, jsonOption, print } from '../output';
import { ACTOR, type Services, withServices } from '../services';

export interface AsFlag {
  as?: string;
}

/** `--as NAME`: the administrator a dual-control step is taken as. */
export function asOption(): Option {
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
export async function approvalActor(s: Services, as: string | undefined): Promise<ApprovalActor> {
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

/**
 * With dual control on, files the request of a step for a second administrator and says so;
 * returns false (nothing done) when dual control is off and the step is taken at once.
 */
export async function requestApproval(
  s: Services,
  kind: KeyApproval['kind'],
  username: string,
  opts: JsonFlag & AsFlag,
): Promise<boolean> {
  if (!s.keyApprovals.enabled) return false;
  const actor = await approvalActor(s, opts.as);
  const a = await s.keyApprovals.request(kind, username, actor);
  print(
    opts,
    a,
    [
      `Approval request ${a.id} (${a.kind} for ${a.username}) is pending.`,
      `Another administrator approves it: dss-admin approvals approve ${a.id} --as NAME, or in the dashboard.`,
    ].join('\n'),
  );
  return true;
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

/** `dss-admin approvals list|approve|reject`. */
export function registerApprovalCommands(program: Command): void {
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
    .addOption(jsonOption())
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
    .addOption(jsonOption())
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
    .addOption(jsonOption())
    .action((id: string, opts: JsonFlag & AsFlag) =>
      withServices(async (s) => {
        const a = await s.keyApprovals.reject(id, await approvalActor(s, opts.as));
        print(opts, a, `Rejected ${a.id} (${a.kind} for ${a.username}).`);
      }),
    );
}
