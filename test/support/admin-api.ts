import { type OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';

/** One operation of the admin API's OpenAPI document. */
export interface DocumentedOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  roles: string[];
  summary: string;
  description: string;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation the document lists, with its `x-dss-roles`. */
export function operationsOf(document: OpenAPIObject): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Record<string, unknown>>)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({
        method: method as DocumentedOperation['method'],
        path,
        roles: op['x-dss-roles'] as string[],
        summary: String(op.summary),
        description: String(op.description),
      })),
  );
}

/** The path with its parameters filled in. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
}

let nextClient = 1;

/**
 * Logs in over HTTP and returns the bearer token. Each login comes from its own address
 * (`X-Forwarded-For`, with DSS_TRUST_PROXY=true) unless one is given, so the per-address login
 * throttle only bites where a test wants it to.
 */
export async function login(
  url: string,
  username: string,
  password: string,
  address = `198.51.100.${nextClient++ % 250}`,
): Promise<string> {
  const r = await request(url)
    .post('/api/auth/login')
    .set('X-Forwarded-For', address)
    .send({ username, password });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { accessToken: string }).accessToken;
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/**
 * An operator ready to work: created by `adminToken` (or the bootstrap admin when it is the first),
 * first password changed, logged in again. Returns the token.
 */
export async function readyOperator(
  url: string,
  adminToken: string,
  username: string,
  role: 'admin' | 'auditor',
  password: string,
): Promise<string> {
  const created = await request(url)
    .post('/api/operators')
    .set(bearer(adminToken))
    .send({ username, role });
  if (created.status !== 201) throw new Error(`create ${username}: ${created.status}`);
  const temporary = (created.body as { temporaryPassword: string }).temporaryPassword;
  return firstLogin(url, username, temporary, password);
}

/**
 * An operator's first login: with the `temporary` password (or the bootstrap password), which is
 * changed to `password`, then logged in again. Returns the token.
 */
export async function firstLogin(
  url: string,
  username: string,
  temporary: string,
  password: string,
): Promise<string> {
  const first = await login(url, username, temporary);
  const changed = await request(url)
    .post('/api/auth/password')
    .set(bearer(first))
    .send({ currentPassword: temporary, newPassword: password });
  if (changed.status !== 200) throw new Error(`change ${username}: ${changed.status}`);
  return login(url, username, password);
}
