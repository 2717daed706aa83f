import { type AuditEvent } from '../api/types';
import { mergeEvents } from './user-activity';

const event = (seq: number, actor = 'uma', subject: string | null = null): AuditEvent => ({
  seq,
  at: `2026-05-04T09:00:${String(seq).padStart(2, '0')}.000Z`,
  actorType: actor === 'uma' ? 'user' : 'operator',
  actor,
  action: 'x',
  subject,
  details: {},
  prevHash: '',
  hash: '',
  verified: true,
  integrityProblem: null,
});

describe('mergeEvents', () => {
  it('merges events by and about the user, newest first, each once', () => {
    const by = [event(9), event(5), event(3, 'uma', 'uma')];
    const about = [event(8, 'admin', 'uma'), event(3, 'uma', 'uma'), event(1, 'admin', 'uma')];
    expect(mergeEvents(by, about, 10).map((e) => e.seq)).toEqual([9, 8, 5, 3, 1]);
  });

  it('keeps only the newest `limit`', () => {
    expect(mergeEvents([event(1), event(2)], [event(3)], 2).map((e) => e.seq)).toEqual([3, 2]);
    expect(mergeEvents([event(1)], [], 0)).toEqual([]);
  });
});
