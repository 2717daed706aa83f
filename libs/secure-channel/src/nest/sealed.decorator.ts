import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { type Request } from 'express';
import { type ChannelSession, type SessionState } from '../session';

export const SEALED_ROUTE = 'dss:sealed-route';
export const PUBLIC_ROUTE = 'dss:public-route';

/** The session states a sealed route accepts (PROTOCOL.md §4 "state required"). */
export type RequiredState = 'any' | 'open' | 'password-change' | 'authenticated';

export interface SealedOptions {
  /** Default `authenticated`. */
  state?: RequiredState;
}

/**
 * Marks a route as sealed under DSS-SC1 (PROTOCOL.md §3): the SecureChannel interceptor opens
 * the request, checks the session state, and seals the answer, errors included.
 */
export function Sealed(options: SealedOptions = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(SEALED_ROUTE, { state: options.state ?? 'authenticated' }));
}

/** Marks a route as deliberately not sealed (PROTOCOL.md §2 and §5: handshake, server key, health). */
export function PublicRoute(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(PUBLIC_ROUTE, true));
}

/** The request after the interceptor opened it. */
export interface SealedRequest extends Request {
  dssSession?: ChannelSession;
}

/** True when `state` satisfies what the route requires. */
export function stateAllows(required: RequiredState, state: SessionState): boolean {
  switch (required) {
    case 'any':
      return true;
    case 'open':
      return state === 'open';
    case 'password-change':
      return state === 'must-change' || state === 'authenticated';
    case 'authenticated':
      return state === 'authenticated';
  }
}

/**
 * The DSS-SC1 session of a sealed request. Throws when the interceptor did not run: a handler
 * that asks for a session on an unsealed route is a programming error, never a silent undefined.
 */
export const CurrentSession = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ChannelSession => {
    const request = ctx.switchToHttp().getRequest<SealedRequest>();
    if (!request.dssSession)
      throw new Error('CurrentSession used on a route the SecureChannel interceptor did not open');
    return request.dssSession;
  },
);
