/** What a user's page shows of the audit trail. */
import { type AuditEvent } from '../api/types';

/**
 * The events by the user and those about the user (two queries: an event has one actor and one
 * subject), newest first, each once — an event can be in both — and at most `limit` of them.
 */
export function mergeEvents(
  by: readonly AuditEvent[],
  about: readonly AuditEvent[],
  limit: number,
): AuditEvent[] {
  const bySeq = new Map<number, AuditEvent>();
  for (const event of [...by, ...about]) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((x, y) => y.seq - x.seq).slice(0, Math.max(0, limit));
}
