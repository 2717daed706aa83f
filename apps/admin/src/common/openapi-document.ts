import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CSRF_COOKIE, SESSION_COOKIE } from '../auth/session-token';
import { BEARER_SCHEME, COOKIE_SCHEME, ROLES_EXTENSION } from './roles.decorator';

const DESCRIPTION = [
  'The DSS admin API, for administrators (`admin`: read and write) and auditors (`auditor`: read-only).',
  '',
  '**Log in** with `POST /api/auth/login`, then press *Authorize* and paste the `accessToken` as the bearer token. Tokens expire (absolute lifetime and idle timeout) and `POST /api/auth/logout` revokes them. Browsers may ask for a cookie session instead (`"session": "cookie"`); every cookie-authenticated request other than GET must then send the `X-CSRF-Token` header with the value of the `dss_csrf` cookie.',
  '',
  'Every operation lists the roles that may call it (`x-dss-roles`). Operations marked *read-only; admin and auditor* are what an auditor can use. A first login with a one-time password allows only the password change.',
  '',
  'Every failure answers `{"error": {"code", "message"}}` with a stable `code`.',
].join('\n');

const TAGS: readonly [string, string][] = [
  ['auth', 'Log in and out, change your password'],
  ['operators', 'Admin and auditor accounts'],
  ['users', 'Employee accounts: registration, resets, disabling, allowing a new key pair'],
  ['keys', 'The key inventory (metadata only, never key material)'],
  ['audit', 'The hash-chained audit trail: events, key deletions, verification, export'],
];

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

const SUCCESS: Readonly<Record<string, string>> = { '200': 'OK', '201': 'Created' };

interface OperationLike {
  summary?: string;
  description?: string;
  responses?: Record<string, { description?: string }>;
  [ROLES_EXTENSION]?: string[];
}

/** The access note each operation's summary and description carry, from its `x-dss-roles`. */
function accessNote(method: string, roles: readonly string[]): { summary: string; text: string } {
  if (roles.length === 0) return { summary: 'public', text: 'Public: no authentication.' };
  if (roles.includes('auditor')) {
    return method === 'get'
      ? { summary: 'read-only; admin and auditor', text: '**Read-only; admin and auditor.**' }
      : {
          summary: 'any operator, own session',
          text: '**Any operator (admin or auditor), for their own session.**',
        };
  }
  return { summary: 'admin only', text: '**Admin only.**' };
}

/**
 * Marks every operation with its access in the summary and description, from `x-dss-roles`, so
 * the read-only ones stand out in the UI; throws if an operation has no roles (a route the guard
 * would refuse anyway).
 */
function annotateAccess(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item as Record<string, unknown>)) {
      if (!HTTP_METHODS.has(method)) continue;
      const op = value as OperationLike;
      const roles = op[ROLES_EXTENSION];
      if (!Array.isArray(roles)) {
        throw new Error(`${method.toUpperCase()} ${path} has neither @Roles() nor @Public()`);
      }
      const note = accessNote(method, roles);
      op.summary = `${op.summary ?? ''} (${note.summary})`.trim();
      op.description = op.description ? `${note.text}\n\n${op.description}` : note.text;
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (response.description === '') response.description = SUCCESS[status] ?? 'Success';
      }
    }
  }
}

/** A deep copy with every object's keys in code-unit order (stable output, small diffs). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeys(v)) as T;
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted as T;
  }
  return value;
}

/** The OpenAPI 3 document of the admin API, as served at /api/docs-json and committed. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('DSS admin API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description:
          'The `accessToken` of POST /api/auth/login (256 random bits, base64url; not a JWT)',
      },
      BEARER_SCHEME,
    )
    .addCookieAuth(
      SESSION_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        name: SESSION_COOKIE,
        description: `Cookie session of a \`"session": "cookie"\` login. Writes also need the \`X-CSRF-Token\` header equal to the \`${CSRF_COOKIE}\` cookie.`,
      },
      COOKIE_SCHEME,
    );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  annotateAccess(document);
  return sortKeys(document);
}

/** The document as committed in docs/admin-openapi.json. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
