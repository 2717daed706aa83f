import { type AuditService, AuditAction } from '@dss/audit';
import { type PkiService } from '@dss/pki';
import { KeyPairEntity, UserEntity } from '@dss/persistence';
import { type EntityManager } from 'typeorm';

/**
 * The crypto-shred of DESIGN.md §4, in the caller's transaction: private and public key set to
 * NULL, deleted flag set, the certificate revoked with a new CRL (RFC 5280 §5), `key.deleted`
 * audited. `deletedAt` keeps the time of the request when a grace period delayed it.
 */
export async function destroyKeyPair(
  m: EntityManager,
  pki: PkiService,
  audit: AuditService,
  row: KeyPairEntity,
  now: Date,
  actor: { type: 'user' | 'system'; name: string },
): Promise<void> {
  await m.update(
    KeyPairEntity,
    { id: row.id },
    {
      publicKey: null,
      privateKeyWrapped: null,
      deleted: true,
      deletedAt: row.deletedAt ?? now,
      deletionDueAt: null,
      activeUserId: null,
    },
  );
  await pki.revokeKey(m, row.id, actor);
  const user = await m.findOneBy(UserEntity, { id: row.userId });
  await audit.append(m, {
    actorType: actor.type,
    actor: actor.name,
    action: AuditAction.KeyDeleted,
    subject: row.id,
    details: {
      username: user?.username ?? null,
      keyId: row.id,
      fingerprint: row.fingerprint,
      ...(actor.type === 'system' ? { afterGracePeriod: true } : {}),
    },
  });
}
