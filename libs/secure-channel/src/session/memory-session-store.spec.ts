import { ManualClock } from '@dss/common';
import { MemorySessionStore } from './memory-session-store';
import { type ChannelSession } from './session';

function session(id: string, now: number, ttl = 100): ChannelSession {
  const z = Buffer.alloc(32);
  return {
    id,
    sessionId: Buffer.alloc(16),
    keys: { k_c2s: z, k_s2c: z, iv_c2s: Buffer.alloc(12), iv_s2c: Buffer.alloc(12) },
    createdAt: now,
    expiresAt: now + ttl * 1000,
    lastSeenAt: now,
    state: 'open',
  };
}

describe('MemorySessionStore', () => {
  const limits = { ttlSeconds: 100, idleSeconds: 30, maxSessions: 2, replayWindow: 64 };

  it('applies the idle timeout and the absolute lifetime with the injected clock', async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore(limits, clock);
    await store.create(session('a', clock.now()));
    clock.advance(29_000);
    expect((await store.lookup('a')).status).toBe('ok');
    expect(await store.acceptSeq('a', 1)).toBe('accepted'); // refreshes the idle timer
    clock.advance(29_000);
    expect((await store.lookup('a')).status).toBe('ok');
    clock.advance(30_000);
    expect((await store.lookup('a')).status).toBe('expired');
    await store.close();
  });

  it('expires at the absolute lifetime even when busy', async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore(limits, clock);
    await store.create(session('a', clock.now()));
    for (let i = 1; i <= 4; i++) {
      clock.advance(25_000);
      await store.acceptSeq('a', i);
    }
    expect((await store.lookup('a')).status).toBe('expired');
    await store.close();
  });

  it('bounds live sessions, making room by purging expired ones first', async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore(limits, clock);
    expect(await store.create(session('a', clock.now()))).toBe(true);
    expect(await store.create(session('b', clock.now()))).toBe(true);
    expect(await store.create(session('c', clock.now()))).toBe(false);
    clock.advance(31_000);
    expect(await store.create(session('c', clock.now()))).toBe(true);
    expect(await store.size()).toBe(1);
    await store.close();
  });

  it('accepts each seq once and tracks state', async () => {
    const clock = new ManualClock();
    const store = new MemorySessionStore(limits, clock);
    await store.create(session('a', clock.now()));
    expect(await store.seqFresh('a', 1)).toBe(true);
    expect(await store.acceptSeq('a', 1)).toBe('accepted');
    expect(await store.acceptSeq('a', 1)).toBe('replayed');
    expect(await store.acceptSeq('zz', 1)).toBe('unknown');
    await store.setState('a', 'authenticated', { userId: 7, username: 'alice' });
    const found = await store.lookup('a');
    expect(found.status === 'ok' && found.session.username).toBe('alice');
    await store.destroy('a');
    expect((await store.lookup('a')).status).toBe('unknown');
    await store.close();
  });
});
