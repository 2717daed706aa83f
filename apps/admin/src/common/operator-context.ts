import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type OperatorRole, type OperatorSessionKind } from '@dss/persistence';
import { type Request } from 'express';

/** The authenticated operator of a request, attached by the auth guard. */
export interface OperatorContext {
  operatorId: number;
  username: string;
  role: OperatorRole;
  mustChangePassword: boolean;
  /** Hex SHA-256 of the token (the operator_sessions id). */
  sessionId: string;
  sessionKind: OperatorSessionKind;
  expiresAt: Date;
}

/** An Express request after the auth guard. */
export interface AdminRequest extends Request {
  operator?: OperatorContext;
}

/** The operator of the request; throws when the auth guard did not run (a wiring bug). */
export const CurrentOperator = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): OperatorContext => {
    const operator = ctx.switchToHttp().getRequest<AdminRequest>().operator;
    if (!operator) throw new Error('@CurrentOperator() on a route the auth guard did not check');
    return operator;
  },
);

/** The audit actor of an operator's change. */
export function actorOf(operator: OperatorContext): { type: 'operator'; name: string } {
  return { type: 'operator', name: operator.username };
}
