import { Injectable } from '@nestjs/common';
import { leafBytes } from '@dss/audit';
import { AuditEventEntity, CertificateEntity, KeyPairEntity } from '@dss/persistence';
import { DataSource } from 'typeorm';
import { type Caller } from '../caller';
import {
  DEFAULT_OWN_EVENTS,
  type OwnEvent,
  type OwnEventsDto,
  type OwnEventsPage,
} from './dto/own-events.dto';

function detailsOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // An edited row may hold anything; its leaf still shows what the log committed to.
  }
  return { unparsable: text };
}

/**
 * A user's own audit events (docs/AUDIT-LOG.md §5.1): what the user did (actor), what was done to
 * the account (subject: the username), and what happened to the user's keys and certificates
 * (subject: a key id or a certificate serial of theirs), newest first. Each with its log index and
 * leaf bytes, so the user can prove with the public proofs that it is in the log. Other users'
 * events and operators' reads stay out of reach. Reading is not itself audited: it changes nothing
 * and would otherwise grow the log at every look.
 */
@Injectable()
export class OwnEventsService {
  constructor(private readonly ds: DataSource) {}

  async page(caller: Caller, query: OwnEventsDto): Promise<OwnEventsPage> {
    const limit = query.limit ?? DEFAULT_OWN_EVENTS;
    const [keys, certificates] = await Promise.all([
      this.ds.getRepository(KeyPairEntity).find({
        select: { id: true },
        where: { userId: caller.userId },
      }),
      this.ds.getRepository(CertificateEntity).find({
        select: { serial: true },
        where: { userId: caller.userId },
      }),
    ]);
    const subjects = [
      caller.username,
      ...keys.map((k) => k.id),
      ...certificates.map((c) => c.serial),
    ];
    const qb = this.ds
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where("((e.actorType = 'user' AND e.actor = :username) OR e.subject IN (:...subjects))", {
        username: caller.username,
        subjects,
      });
    // Log index i is event seq i + 1 (docs/AUDIT-LOG.md §2).
    if (query.before !== undefined) qb.andWhere('e.seq <= :last', { last: query.before });
    const rows = await qb
      .orderBy('e.seq', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return {
      events: page.map((e): OwnEvent => ({
        logIndex: e.seq - 1,
        at: e.at.toISOString(),
        actorType: e.actorType,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        details: detailsOf(e.details),
        leaf: leafBytes(e).toString('base64'),
      })),
      next: rows.length > limit ? page[page.length - 1].seq - 1 : null,
    };
  }
}
