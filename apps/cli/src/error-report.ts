import {
  DssApiError,
  DssChannelError,
  DssError,
  DssNetworkError,
  DssProtocolError,
  DssLogInconsistentError,
  DssServerIdentityError,
} from '@dss/client';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';

/** What the user is told about an error: one line, a stable code, an exit code. */
export interface ErrorReport {
  code: string;
  message: string;
  exitCode: ExitCode;
  /** Lines printed under the message (the fingerprints of a refused server). */
  more: string[];
  /** Extra fields of the `--json` error object. */
  details: Record<string, unknown>;
}

/** Server error codes (PROTOCOL.md §4) and the exit codes they give. */
const API_EXIT: Readonly<Record<string, ExitCode>> = {
  invalid_credentials: ExitCode.Auth,
  too_many_attempts: ExitCode.Auth,
  weak_password: ExitCode.Auth,
  not_authenticated: ExitCode.Auth,
  password_change_required: ExitCode.Auth,
  no_key: ExitCode.NotFound,
  key_exists: ExitCode.Conflict,
  key_deleted: ExitCode.Conflict,
  invalid_request: ExitCode.Usage,
};

/** Socket error codes, in words. */
const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EPROTO: 'the connection failed in the TLS layer',
  ERR_SSL_WRONG_VERSION_NUMBER:
    'no TLS (HTTPS) at this address: use http:// in the server URL, or check the port',
  ERR_SSL_PACKET_LENGTH_TOO_LONG:
    'no TLS (HTTPS) at this address: use http:// in the server URL, or check the port',
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed and not trusted here",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate chains to an untrusted root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate cannot be verified",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's TLS certificate cannot be verified",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another host name",
};

/** Messages a user can act on, for the server's error codes. */
function apiMessage(err: DssApiError): string {
  switch (err.code) {
    case 'invalid_credentials':
      return 'login failed: wrong username or password (or the account is disabled, or its temporary password expired)';
    case 'too_many_attempts':
      return `too many login attempts: try again in ${err.retryAfterSeconds ?? 60} s`;
    case 'weak_password':
      return `the new password was refused: ${err.message}`;
    case 'not_authenticated':
      return 'not logged in (the session was reset); run the command again';
    case 'no_key':
      return 'no active key pair: create one with `dss keys create` (if you deleted yours, ask your administrator to allow a new key)';
    case 'key_exists':
      return 'you already have a key pair (`dss keys show` prints it)';
    case 'key_deleted':
      return 'you deleted your key pair: ask your administrator to allow a new key, then run `dss keys create`';
    default:
      return err.status >= 500
        ? `the server failed (HTTP ${err.status}, ${err.code}); try again later or tell your administrator`
        : `the server refused the request: ${err.message} (${err.code})`;
  }
}

function channelMessage(err: DssChannelError): string {
  switch (err.code) {
    case 'rate_limited':
      return `the server is busy (rate limited): try again in ${err.retryAfterSeconds ?? 60} s`;
    case 'session_expired':
    case 'unknown_session':
      return 'the secure session expired; run the command again';
    case 'not_found':
      return "this address answers, but not as a DSS employee API (no secure channel here; is it the admin app's port?): check the server URL";
    case 'unavailable':
      return `the DSS server is temporarily unavailable: try again in ${err.retryAfterSeconds ?? 5} s`;
    default:
      return `the server refused the secure channel: ${err.message} (${err.code})`;
  }
}

/** Turns any error into what the user sees; never a stack trace. */
export function reportOf(err: unknown, serverUrl?: string): ErrorReport {
  const at = serverUrl ? ` at ${serverUrl}` : '';
  const base = { more: [] as string[], details: {} as Record<string, unknown> };
  if (err instanceof CliError) {
    return {
      ...base,
      code: err.code,
      message: err.message,
      exitCode: err.exitCode,
      details: { ...err.details },
    };
  }
  if (err instanceof DssLogInconsistentError) {
    const what = {
      rollback: 'was rolled back: it no longer holds entries it showed before',
      fork: 'forked: it shows a history that does not extend the one it showed before',
      'key-changed': 'is signed with another key than before',
    }[err.kind];
    return {
      code: err.code,
      message: `REFUSED: the audit log of the server${at} ${what} (${err.message}). Someone rewrote its history; do not trust it, tell your administrator and keep both checkpoints below.`,
      exitCode: ExitCode.LogInconsistent,
      more: [
        '  checkpoint verified before:',
        ...err.previous
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
        '  checkpoint served now:',
        ...err.current
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
      ],
      details: { kind: err.kind, previous: err.previous, current: err.current },
    };
  }
  if (err instanceof DssServerIdentityError) {
    const presented = err.presentedFingerprint ?? 'unknown (the server did not say)';
    return {
      code: err.code,
      message: `REFUSED: the server${at} is not the DSS server you trust: its key does not match the pinned key. Someone may be impersonating it, or its key changed; do not continue, ask your administrator.`,
      exitCode: ExitCode.ServerIdentity,
      more: [
        `  expected (pinned) fingerprint: ${err.expectedFingerprint}`,
        `  presented fingerprint:         ${presented}`,
      ],
      details: {
        expectedFingerprint: err.expectedFingerprint,
        presentedFingerprint: err.presentedFingerprint ?? null,
      },
    };
  }
  if (err instanceof DssApiError) {
    const exitCode = err.status >= 500 ? ExitCode.Server : (API_EXIT[err.code] ?? ExitCode.Server);
    const details =
      err.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: err.retryAfterSeconds };
    return { ...base, code: err.code, message: apiMessage(err), exitCode, details };
  }
  if (err instanceof DssNetworkError) {
    const detail = err.message.replace(/^cannot reach \S+: /, '');
    const message =
      err.kind === 'timeout'
        ? `the DSS server${at} did not answer in time (timeout; see --timeout)`
        : `cannot reach the DSS server${at}: ${SOCKET_ERRORS[detail] ?? detail} (is the URL right and the server running?)`;
    return { ...base, code: err.code, message, exitCode: ExitCode.Server };
  }
  if (err instanceof DssProtocolError) {
    const detail = err.message.replace(/^not a DSS server answer \((.*)\)$/, '$1');
    return {
      ...base,
      code: 'not_a_dss_server',
      message: `the server${at} did not answer as a DSS server (${detail}); check the server URL`,
      exitCode: ExitCode.Server,
    };
  }
  if (err instanceof DssChannelError) {
    const details =
      err.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: err.retryAfterSeconds };
    return {
      ...base,
      code: err.code,
      message: channelMessage(err),
      exitCode: ExitCode.Server,
      details,
    };
  }
  if (err instanceof DssError) {
    return { ...base, code: err.code, message: err.message, exitCode: ExitCode.Server };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    ...base,
    code: 'internal_error',
    message: `unexpected failure: ${message}`,
    exitCode: ExitCode.Failure,
  };
}
