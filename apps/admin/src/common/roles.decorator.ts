import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtension } from '@nestjs/swagger';
import { type OperatorRole } from '@dss/persistence';
import { ApiErrors } from './api-errors.decorator';

/** Metadata key: the roles that may call a route. */
export const ROLES_KEY = 'dss:admin:roles';
/** Metadata key: the route needs no authentication (login). */
export const PUBLIC_KEY = 'dss:admin:public';
/** Metadata key: an operator who must change their password may still call the route. */
export const ALLOW_PASSWORD_CHANGE_KEY = 'dss:admin:allow-password-change';
/** OpenAPI extension listing the roles of an operation (`[]` for a public one). */
export const ROLES_EXTENSION = 'x-dss-roles';
/** Security scheme names of the OpenAPI document. */
export const BEARER_SCHEME = 'bearer';
export const COOKIE_SCHEME = 'cookie';

/**
 * The access policy of an admin route, in one place (STYLE.md §4): the roles the guard lets
 * through, both security schemes, `x-dss-roles` for the OpenAPI document, and the 401 and 403
 * answers every authenticated route can give. Every route has exactly one of `@Roles` or
 * `@Public`; the guard refuses routes with neither.
 *
 * `@Roles('admin')` for writes; `@Roles('admin', 'auditor')` for reads (and the operator's own
 * session: password change, logout).
 */
export function Roles(...roles: [OperatorRole, ...OperatorRole[]]): MethodDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(BEARER_SCHEME),
    ApiCookieAuth(COOKIE_SCHEME),
    ApiExtension(ROLES_EXTENSION, roles),
    ApiErrors({
      401: ['not_authenticated'],
      403: ['forbidden', 'password_change_required', 'csrf_failed'],
    }),
  );
}

/** A route anyone may call (login). */
export function Public(): MethodDecorator {
  return applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension(ROLES_EXTENSION, []));
}

/** Lets an operator who still has to change their password call the route. */
export function AllowPasswordChange(): MethodDecorator {
  return SetMetadata(ALLOW_PASSWORD_CHANGE_KEY, true);
}
