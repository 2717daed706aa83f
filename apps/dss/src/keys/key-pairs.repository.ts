import { Injectable } from '@nestjs/common';
import { KeyPairEntity } from '@dss/persistence';
import { DataSource } from 'typeorm';

/** The key pairs' queries of the employee API's signing path. */
@Injectable()
export class KeyPairsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The user's active key pair with its wrapped private key (never selected by default), or null. */
  findActiveWithPrivateKey(userId: number): Promise<KeyPairEntity | null> {
    return this.dataSource
      .getRepository(KeyPairEntity)
      .createQueryBuilder('k')
      .addSelect('k.privateKeyWrapped')
      .where('k.active_user_id = :userId', { userId })
      .getOne();
  }
}
