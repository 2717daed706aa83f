import { Injectable } from '@nestjs/common';
import { normalizeUsername } from '@dss/accounts';
import { CertificateEntity, KeyPairEntity } from '@dss/persistence';
import { DataSource } from 'typeorm';
import { isoOrNull, pageOf } from '../common/page.dto';
import {
  type KeyCertificateDto,
  type KeyDto,
  type KeyPageDto,
  type KeyPairStatus,
  type ListKeysQueryDto,
} from './dto/key.dto';

function toCertificateDto(c: CertificateEntity | undefined): KeyCertificateDto | null {
  if (!c) return null;
  return {
    serial: c.serial,
    subject: c.subject,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    revokedAt: isoOrNull(c.revokedAt),
  };
}

function statusOf(row: KeyPairEntity): KeyPairStatus {
  if (row.deleted) return 'deleted';
  if (row.activeUserId !== null) return 'active';
  return row.deletionDueAt !== null ? 'pending_deletion' : 'retired';
}

function toDto(row: KeyPairEntity, certificate: CertificateEntity | undefined): KeyDto {
  return {
    username: row.user!.username,
    keyId: row.id,
    algorithm: row.algorithm,
    fingerprint: row.fingerprint,
    status: statusOf(row),
    createdAt: row.createdAt.toISOString(),
    deletedAt: isoOrNull(row.deletedAt),
    retiredAt: isoOrNull(row.retiredAt),
    deletionDueAt: isoOrNull(row.deletionDueAt),
    kekId: row.kekId,
    certificate: toCertificateDto(certificate),
  };
}

const STATUS_FILTERS: Record<KeyPairStatus, string> = {
  active: 'k.active_user_id IS NOT NULL',
  retired: 'k.deleted = 0 AND k.active_user_id IS NULL AND k.deletion_due_at IS NULL',
  pending_deletion: 'k.deleted = 0 AND k.deletion_due_at IS NOT NULL',
  deleted: 'k.deleted = 1',
};

/**
 * The key inventory: who has which key pairs (the key history: active, retired, pending
 * deletion, deleted), since when, and which were deleted. Reads metadata
 * only: the query never selects the wrapped private key (a `select: false` column) nor returns
 * the public key.
 */
@Injectable()
export class KeyInventoryService {
  constructor(private readonly ds: DataSource) {}

  async list(query: ListKeysQueryDto): Promise<KeyPageDto> {
    const page = pageOf(query);
    const qb = this.ds
      .getRepository(KeyPairEntity)
      .createQueryBuilder('k')
      .innerJoinAndSelect('k.user', 'u');
    if (query.username !== undefined)
      qb.andWhere('u.username = :username', { username: normalizeUsername(query.username) });
    if (query.status !== undefined) qb.andWhere(STATUS_FILTERS[query.status]);
    if (query.fingerprint !== undefined)
      qb.andWhere('k.fingerprint LIKE :fp', { fp: `${query.fingerprint.toLowerCase()}%` });
    const [rows, total] = await qb
      .orderBy('k.createdAt', 'DESC')
      .addOrderBy('k.id', 'ASC')
      .skip(page.offset)
      .take(page.limit)
      .getManyAndCount();
    const certificates = new Map<string, CertificateEntity>();
    if (rows.length > 0) {
      const found = await this.ds
        .getRepository(CertificateEntity)
        .createQueryBuilder('c')
        .where('c.key_id IN (:...ids)', { ids: rows.map((r) => r.id) })
        .getMany();
      for (const c of found) certificates.set(c.keyId!, c);
    }
    return { items: rows.map((r) => toDto(r, certificates.get(r.id))), total, ...page };
  }
}
