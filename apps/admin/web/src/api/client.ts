/**
 * The dashboard's client of the admin API. It uses the cookie session only: the server sets an
 * HttpOnly session cookie and a readable `dss_csrf` cookie, whose value goes back in the
 * `X-CSRF-Token` header of every state-changing request (double-submit). No token is ever kept
 * in script-readable storage.
 *
 * Pure TypeScript over an injected `fetch` and cookie reader, so it is tested in Node.
 */
import { errorFromResponse, NetworkError } from './errors';
import {
  type AuditEventPage,
  type AuditQuery,
  type AuditVerification,
  type IntegrityStatus,
  type CurrentOperator,
  type ExportFormat,
  type KeyDeletionPage,
  type KeyDeletionQuery,
  type Approval,
  type ApprovalList,
  type ApprovalOutcome,
  type KeyPage,
  type KeyQuery,
  type LoginResponse,
  type OperatorChange,
  type OperatorCredential,
  type OperatorPage,
  type OperatorQuery,
  type Role,
  type SignInStatus,
  type OverviewStats,
  type TemporaryPassword,
  type UserChange,
  type UserDetail,
  type UserPage,
  type UserQuery,
} from './types';

export const CSRF_COOKIE = 'dss_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

type QueryValue = string | number | boolean | undefined | null;

/** `?a=1&b=x` from the defined, non-empty values, in the given order; '' when none. */
export function buildQuery(params: Readonly<Record<string, QueryValue>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text !== '') search.append(key, text);
  }
  const query = search.toString();
  return query ? `?${query}` : '';
}

/** The value of one cookie from a `document.cookie` string, or undefined. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

export interface AdminApiOptions {
  fetch: typeof fetch;
  /** Returns the current `document.cookie` (read at each request: the CSRF cookie rotates). */
  cookies: () => string;
  /** Called on a 401 from any call but the login itself: the session has ended. */
  onSessionExpired?: () => void;
  /** Origin prefix; '' (same origin) in the browser. */
  baseUrl?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Path segment for a username (they are `a-z 0-9 . _ -`, but encode anyway). */
const segment = (value: string): string => encodeURIComponent(value);

export class AdminApi {
  constructor(private readonly options: AdminApiOptions) {}

  /** Performs one call; resolves with the parsed JSON body, rejects with ApiError/NetworkError. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (!SAFE_METHODS.has(method)) {
      const csrf = readCookie(this.options.cookies(), CSRF_COOKIE);
      if (csrf !== undefined) headers[CSRF_HEADER] = csrf;
    }
    let response: Response;
    try {
      response = await this.options.fetch(`${this.options.baseUrl ?? ''}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new NetworkError();
    }
    const parsed = await parseJson(response);
    if (!response.ok) {
      const error = errorFromResponse(response.status, parsed, response.headers.get('Retry-After'));
      if (error.status === 401 && path !== '/api/auth/login') this.options.onSessionExpired?.();
      throw error;
    }
    return parsed as T;
  }

  login(username: string, password: string): Promise<LoginResponse> {
    return this.request('POST', '/api/auth/login', { username, password, session: 'cookie' });
  }

  changePassword(currentPassword: string, newPassword: string): Promise<unknown> {
    return this.request('POST', '/api/auth/password', { currentPassword, newPassword });
  }

  logout(): Promise<unknown> {
    return this.request('POST', '/api/auth/logout');
  }

  /** The operator of the current session (403 `password_change_required` until they change it). */
  me(): Promise<CurrentOperator> {
    return this.request('GET', '/api/auth/me');
  }

  /** Public: what the sign-in page may show (whether the bootstrap admin is still unused). */
  signInStatus(): Promise<SignInStatus> {
    return this.request('GET', '/api/auth/sign-in-status');
  }

  listOperators(query: OperatorQuery = {}): Promise<OperatorPage> {
    return this.request('GET', `/api/operators${buildQuery({ ...query })}`);
  }

  createOperator(username: string, role: Role): Promise<OperatorCredential> {
    return this.request('POST', '/api/operators', { username, role });
  }

  resetOperatorPassword(username: string): Promise<OperatorCredential> {
    return this.request('POST', `/api/operators/${segment(username)}/reset-password`);
  }

  disableOperator(username: string): Promise<OperatorChange> {
    return this.request('POST', `/api/operators/${segment(username)}/disable`);
  }

  enableOperator(username: string): Promise<OperatorChange> {
    return this.request('POST', `/api/operators/${segment(username)}/enable`);
  }

  unlockOperator(username: string): Promise<OperatorChange> {
    return this.request('POST', `/api/operators/${segment(username)}/unlock`);
  }

  overview(): Promise<OverviewStats> {
    return this.request('GET', '/api/stats/overview');
  }

  listUsers(query: UserQuery): Promise<UserPage> {
    return this.request('GET', `/api/users${buildQuery({ ...query })}`);
  }

  getUser(username: string): Promise<UserDetail> {
    return this.request('GET', `/api/users/${segment(username)}`);
  }

  /** `fullName` and `email` (optional) go into the user's certificates. */
  registerUser(
    username: string,
    profile: { fullName?: string; email?: string } = {},
  ): Promise<TemporaryPassword> {
    return this.request('POST', '/api/users', { username, ...profile });
  }

  resetPassword(username: string): Promise<TemporaryPassword> {
    return this.request('POST', `/api/users/${segment(username)}/reset-password`);
  }

  disableUser(username: string): Promise<UserChange> {
    return this.request('POST', `/api/users/${segment(username)}/disable`);
  }

  enableUser(username: string): Promise<UserChange> {
    return this.request('POST', `/api/users/${segment(username)}/enable`);
  }

  unlockUser(username: string): Promise<UserChange> {
    return this.request('POST', `/api/users/${segment(username)}/unlock`);
  }

  allowNewKey(username: string): Promise<UserChange> {
    return this.request('POST', `/api/users/${segment(username)}/allow-new-key`);
  }

  listPendingApprovals(): Promise<ApprovalList> {
    return this.request('GET', '/api/approvals?status=pending');
  }

  approve(id: string): Promise<ApprovalOutcome> {
    return this.request('POST', `/api/approvals/${segment(id)}/approve`);
  }

  reject(id: string): Promise<Approval> {
    return this.request('POST', `/api/approvals/${segment(id)}/reject`);
  }

  listKeys(query: KeyQuery): Promise<KeyPage> {
    return this.request('GET', `/api/keys${buildQuery({ ...query })}`);
  }

  listAuditEvents(query: AuditQuery): Promise<AuditEventPage> {
    return this.request('GET', `/api/audit/events${buildQuery({ ...query })}`);
  }

  listKeyDeletions(query: KeyDeletionQuery): Promise<KeyDeletionPage> {
    return this.request('GET', `/api/audit/key-deletions${buildQuery({ ...query })}`);
  }

  /** Verifies the trail; with `checkpoint`, also against that saved signed checkpoint. */
  verifyAudit(checkpoint?: string): Promise<AuditVerification> {
    return this.request('GET', `/api/audit/verify${buildQuery({ checkpoint })}`);
  }

  integrityStatus(): Promise<IntegrityStatus> {
    return this.request('GET', '/api/audit/integrity');
  }

  /** URL of the whole-trail download (a plain link: the session cookie goes with it). */
  exportUrl(format: ExportFormat): string {
    return `${this.options.baseUrl ?? ''}/api/audit/export${buildQuery({ format })}`;
  }
}

/** The JSON body, or undefined when there is none or it is not JSON. */
async function parseJson(response: Response): Promise<unknown> {
  const type = response.headers.get('Content-Type') ?? '';
  if (response.status === 204 || !type.includes('json')) return undefined;
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}
