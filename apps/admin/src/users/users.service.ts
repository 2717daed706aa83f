import { Injectable } from '@nestjs/common';
import {
  AccountsService,
  type IssuedTemporaryPassword,
  type UserProfile,
  type UserSummary,
} from '@dss/accounts';
import { KeyPairEntity } from '@dss/persistence';
import { DataSource } from 'typeorm';
import { actorOf, type OperatorContext } from '../common/operator-context';
import { isoOrNull, pageOf } from '../common/page.dto';
import {
  type ActiveKeyDto,
  type KeyStatus,
  type ListUsersQueryDto,
  type TemporaryPasswordDto,
  type UserChangeDto,
  type UserDetailDto,
  type UserDto,
  type UserPageDto,
} from './dto/user.dto';

interface KeyFacts {
  active: KeyPairEntity | null;
  deleted: number;
}

function keyStatusOf(user: UserSummary, keys: KeyFacts | undefined): KeyStatus {
  if (keys?.active) return 'active';
  return user.keyCreationBlocked ? 'deleted' : 'none';
}

function toDto(user: UserSummary, keys: KeyFacts | undefined): UserDto {
  return {
    username: user.username,
    status: user.status,
    mustChangePassword: user.mustChangePassword,
    temporaryPasswordExpiresAt: isoOrNull(user.temporaryPasswordExpiresAt),
    failedLogins: user.failedLogins,
    lockedUntil: isoOrNull(user.lockedUntil),
    disabled: user.disabled,
    keyCreationBlocked: user.keyCreationBlocked,
    keyStatus: keyStatusOf(user, keys),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

function toActiveKey(key: KeyPairEntity): ActiveKeyDto {
  return {
    keyId: key.id,
    algorithm: key.algorithm,
    fingerprint: key.fingerprint,
    createdAt: key.createdAt.toISOString(),
  };
}

function toCredential(issued: IssuedTemporaryPassword): TemporaryPasswordDto {
  return {
    username: issued.username,
    temporaryPassword: issued.temporaryPassword,
    temporaryPasswordExpiresAt: issued.temporaryPasswordExpiresAt.toISOString(),
  };
}

/**
 * Employee accounts for the admin API: the same `AccountsService` as `dss-admin users …`, with the
 * operator as the audit actor, plus each user's key state.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly ds: DataSource,
  ) {}

  async register(
    username: string,
    by: OperatorContext,
    profile: UserProfile = {},
  ): Promise<TemporaryPasswordDto> {
    return toCredential(await this.accounts.register(username, actorOf(by), profile));
  }

  async list(query: ListUsersQueryDto): Promise<UserPageDto> {
    const page = pageOf(query);
    const { items, total } = await this.accounts.list({
      ...page,
      search: query.search,
      status: query.status,
    });
    const keys = await this.keyFacts(items.map((u) => u.username));
    return { items: items.map((u) => toDto(u, keys.get(u.username))), total, ...page };
  }

  async get(username: string): Promise<UserDetailDto> {
    return this.detail(await this.accounts.get(username));
  }

  async resetPassword(username: string, by: OperatorContext): Promise<TemporaryPasswordDto> {
    return toCredential(await this.accounts.resetPassword(username, actorOf(by)));
  }

  async change(
    username: string,
    change: 'disable' | 'enable' | 'allowNewKey' | 'unlock',
    by: OperatorContext,
  ): Promise<UserChangeDto> {
    const result = await this.accounts[change](username, actorOf(by));
    return { changed: result.changed, user: await this.detail(result.user) };
  }

  private async detail(user: UserSummary): Promise<UserDetailDto> {
    const keys = (await this.keyFacts([user.username])).get(user.username);
    return {
      ...toDto(user, keys),
      activeKey: keys?.active ? toActiveKey(keys.active) : null,
      deletedKeys: keys?.deleted ?? 0,
    };
  }

  /** Active pair and number of deleted pairs per username (one query for a page). */
  private async keyFacts(usernames: readonly string[]): Promise<Map<string, KeyFacts>> {
    const facts = new Map<string, KeyFacts>();
    if (usernames.length === 0) return facts;
    const rows = await this.ds
      .getRepository(KeyPairEntity)
      .createQueryBuilder('k')
      .innerJoinAndSelect('k.user', 'u')
      .where('u.username IN (:...usernames)', { usernames })
      .getMany();
    for (const row of rows) {
      const name = row.user!.username;
      const f = facts.get(name) ?? { active: null, deleted: 0 };
      if (row.deleted) f.deleted += 1;
      else f.active = row;
      facts.set(name, f);
    }
    return facts;
  }
}
