import { Injectable } from '@nestjs/common';
import { type OperatorSummary, OperatorsService } from '@dss/accounts';
import { actorOf, type OperatorContext } from '../common/operator-context';
import { isoOrNull, pageOf } from '../common/page.dto';
import {
  type CreateOperatorDto,
  type ListOperatorsQueryDto,
  type OperatorChangeDto,
  type OperatorCredentialDto,
  type OperatorDto,
  type OperatorPageDto,
} from './dto/operator.dto';

function toDto(o: OperatorSummary): OperatorDto {
  return {
    username: o.username,
    role: o.role,
    status: o.status,
    mustChangePassword: o.mustChangePassword,
    failedLogins: o.failedLogins,
    lockedUntil: isoOrNull(o.lockedUntil),
    disabled: o.disabled,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    lastLoginAt: isoOrNull(o.lastLoginAt),
  };
}

/** The operator accounts of the admin API, over the shared `OperatorsService`. */
@Injectable()
export class OperatorAccountsService {
  constructor(private readonly operators: OperatorsService) {}

  async create(dto: CreateOperatorDto, by: OperatorContext): Promise<OperatorCredentialDto> {
    const issued = await this.operators.create(dto.username, dto.role, actorOf(by));
    return {
      username: issued.username,
      role: issued.role,
      temporaryPassword: issued.temporaryPassword,
      temporaryPasswordExpiresAt: issued.temporaryPasswordExpiresAt.toISOString(),
    };
  }

  async list(query: ListOperatorsQueryDto): Promise<OperatorPageDto> {
    const page = pageOf(query);
    const { items, total } = await this.operators.list({ ...page, role: query.role });
    return { items: items.map(toDto), total, ...page };
  }

  async get(username: string): Promise<OperatorDto> {
    return toDto(await this.operators.get(username));
  }

  async resetPassword(username: string, by: OperatorContext): Promise<OperatorCredentialDto> {
    const issued = await this.operators.resetPassword(username, actorOf(by));
    return {
      username: issued.username,
      role: issued.role,
      temporaryPassword: issued.temporaryPassword,
      temporaryPasswordExpiresAt: issued.temporaryPasswordExpiresAt.toISOString(),
    };
  }

  async unlock(username: string, by: OperatorContext): Promise<OperatorChangeDto> {
    const change = await this.operators.unlock(username, actorOf(by));
    return { changed: change.changed, revokedSessions: 0, operator: toDto(change.operator) };
  }

  async setEnabled(
    username: string,
    enabled: boolean,
    by: OperatorContext,
  ): Promise<OperatorChangeDto> {
    const change = enabled
      ? await this.operators.enable(username, actorOf(by))
      : await this.operators.disable(username, actorOf(by));
    return {
      changed: change.changed,
      revokedSessions: change.revokedSessions,
      operator: toDto(change.operator),
    };
  }
}
