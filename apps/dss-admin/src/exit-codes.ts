import { DomainError, ErrorCode } from '@dss/common';

/** Documented exit codes of `dss-admin` (README, "Operator command line"). */
export enum ExitCode {
  Ok = 0,
  Failure = 1,
  Usage = 2,
  NotFound = 3,
  Conflict = 4,
  AuditChainBroken = 5,
  /** `dss-admin doctor` found a problem that stops or endangers the service. */
  DoctorFailed = 6,
}

export function exitCodeOf(err: unknown): ExitCode {
  if (!(err instanceof DomainError)) return ExitCode.Failure;
  switch (err.code) {
    case ErrorCode.InvalidUsername:
    case ErrorCode.InvalidRequest:
    case ErrorCode.WeakPassword:
    case ErrorCode.CertificateInvalid:
      return ExitCode.Usage;
    case ErrorCode.NotFound:
      return ExitCode.NotFound;
    case ErrorCode.UserExists:
    case ErrorCode.Conflict:
    case ErrorCode.NotPending:
      return ExitCode.Conflict;
    default:
      return ExitCode.Failure;
  }
}
