/**
 * The dashboard builds against the admin API's OpenAPI document (docs/admin-openapi.json, which
 * the admin app's own tests keep equal to the code). This checks that every route the client
 * calls exists with its method, and that every field the pages read is in the response schema,
 * so a renamed field fails here rather than as an empty cell in the browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
}

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Schema> };
}

const document = JSON.parse(
  readFileSync(join(__dirname, '../../../../../docs/admin-openapi.json'), 'utf8'),
) as OpenApi;

function resolve(schema: Schema): Schema {
  if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').pop()!]);
  return schema;
}

/** Property names of a schema, following $ref and allOf (DTO inheritance). */
function fields(name: string): string[] {
  const schema = resolve({ $ref: `#/components/schemas/${name}` });
  const own = Object.keys(schema.properties ?? {});
  return [...own, ...(schema.allOf ?? []).flatMap((s) => Object.keys(resolve(s).properties ?? {}))];
}

/** The schema name of a 200/201 JSON answer. */
function answer(method: string, path: string): string {
  const op = document.paths[path]?.[method] as
    { responses: Record<string, { content?: Record<string, { schema: Schema }> }> } | undefined;
  if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the OpenAPI document`);
  const ok = op.responses['200'] ?? op.responses['201'];
  const ref = ok?.content?.['application/json']?.schema.$ref;
  return ref?.split('/').pop() ?? '';
}

describe('the dashboard against docs/admin-openapi.json', () => {
  it.each([
    ['post', '/api/auth/login', ['username', 'role', 'mustChangePassword', 'expiresIn']],
    ['post', '/api/auth/password', []],
    ['post', '/api/auth/logout', []],
    ['get', '/api/auth/me', ['username', 'role']],
    ['get', '/api/auth/sign-in-status', ['bootstrapAdminPending']],
    ['get', '/api/operators', ['items', 'total', 'offset', 'limit']],
    [
      'post',
      '/api/operators',
      ['username', 'role', 'temporaryPassword', 'temporaryPasswordExpiresAt'],
    ],
    [
      'post',
      '/api/operators/{username}/reset-password',
      ['username', 'temporaryPassword', 'temporaryPasswordExpiresAt'],
    ],
    ['post', '/api/operators/{username}/disable', ['changed', 'operator']],
    ['post', '/api/operators/{username}/enable', ['changed', 'operator']],
    ['post', '/api/operators/{username}/unlock', ['changed', 'operator']],
    [
      'get',
      '/api/stats/overview',
      ['usersByStatus', 'activeKeys', 'signaturesLast24h', 'deletionsLast30d', 'signaturesPerDay'],
    ],
    ['get', '/api/users', ['items', 'total', 'offset', 'limit']],
    ['post', '/api/users', ['username', 'temporaryPassword', 'temporaryPasswordExpiresAt']],
    ['get', '/api/users/{username}', ['activeKey', 'deletedKeys', 'keyStatus']],
    [
      'post',
      '/api/users/{username}/reset-password',
      ['temporaryPassword', 'temporaryPasswordExpiresAt'],
    ],
    ['post', '/api/users/{username}/disable', ['changed', 'user']],
    ['post', '/api/users/{username}/enable', ['changed', 'user']],
    ['post', '/api/users/{username}/unlock', ['changed', 'user']],
    ['post', '/api/users/{username}/allow-new-key', ['changed', 'user']],
    ['get', '/api/keys', ['items', 'total', 'offset', 'limit']],
    ['get', '/api/approvals', ['items']],
    ['post', '/api/approvals/{id}/approve', ['approval']],
    [
      'post',
      '/api/approvals/{id}/reject',
      ['id', 'kind', 'username', 'requestedBy', 'requestedAt', 'status'],
    ],
    ['get', '/api/audit/events', ['items', 'nextCursor']],
    ['get', '/api/audit/key-deletions', ['items', 'total', 'offset', 'limit', 'unrecorded']],
    [
      'get',
      '/api/audit/verify',
      ['valid', 'checkedEvents', 'headHash', 'headSeq', 'firstInvalidSeq', 'reason'],
    ],
  ])('%s %s answers what the page reads', (method, path, used) => {
    const schema = answer(method, path);
    if (used.length === 0) return;
    expect(used.filter((f) => !fields(schema).includes(f))).toEqual([]);
  });

  it.each([
    [
      'UserDto',
      [
        'username',
        'status',
        'keyStatus',
        'keyCreationBlocked',
        'disabled',
        'lockedUntil',
        'temporaryPasswordExpiresAt',
        'createdAt',
      ],
    ],
    [
      'KeyDto',
      ['username', 'keyId', 'algorithm', 'fingerprint', 'createdAt', 'deletedAt', 'status'],
    ],
    ['AuditEventDto', ['seq', 'at', 'actorType', 'actor', 'action', 'subject', 'details']],
    [
      'KeyDeletionDto',
      [
        'seq',
        'deletedAt',
        'username',
        'keyId',
        'fingerprint',
        'deletedBy',
        'deletedByType',
        'newKeyAllowed',
        'allowedAt',
        'allowedBy',
        'consistent',
      ],
    ],
    ['UnrecordedDeletionDto', ['username', 'keyId']],
    [
      'OperatorDto',
      ['username', 'role', 'status', 'disabled', 'lockedUntil', 'createdAt', 'lastLoginAt'],
    ],
    ['KeyCertificateDto', ['serial', 'notBefore', 'notAfter', 'revokedAt']],
    [
      'UserDetailDto',
      ['username', 'status', 'failedLogins', 'activeKey', 'updatedAt', 'mustChangePassword'],
    ],
    ['UsersByStatusDto', ['active', 'must_change_password', 'locked', 'disabled']],
    ['DayCountDto', ['day', 'count']],
  ])('%s has every field the tables show', (schema, used) => {
    expect(used.filter((f) => !fields(schema).includes(f))).toEqual([]);
  });

  it('offers the filters the pages send', () => {
    const params = (path: string) =>
      ((document.paths[path]?.get as { parameters?: { name: string }[] })?.parameters ?? []).map(
        (p) => p.name,
      );
    expect(params('/api/users')).toEqual(
      expect.arrayContaining(['search', 'status', 'offset', 'limit']),
    );
    expect(params('/api/keys')).toEqual(
      expect.arrayContaining(['status', 'username', 'offset', 'limit']),
    );
    expect(params('/api/audit/events')).toEqual(
      expect.arrayContaining([
        'action',
        'actor',
        'actorType',
        'subject',
        'from',
        'to',
        'after',
        'limit',
        'order',
      ]),
    );
    expect(params('/api/audit/key-deletions')).toEqual(
      expect.arrayContaining(['username', 'from', 'to', 'offset', 'limit']),
    );
    expect(params('/api/audit/export')).toEqual(['format']);
  });
});
