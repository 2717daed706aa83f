import { type Clock, systemClock } from '@dss/common';
import { ReplayWindow } from './replay-window';
import {
  type ChannelSession,
  type FreshLookup,
  type SeqOutcome,
  type SessionLookup,
  type SessionState,
  type SessionStore,
} from './session';

export interface SessionLimits {
  /** Absolute lifetime, seconds (PROTOCOL.md §2 `expiresIn`). */
  ttlSeconds: number;
  /** Idle timeout, seconds. */
  idleSeconds: number;
  /** Bound on live sessions. */
  maxSessions: number;
  /** W of §3.1. */
  replayWindow: number;
}

interface Entry {
  session: ChannelSession;
  window: ReplayWindow;
}

/** Expired sessions are kept this long so that clients hear `session_expired`, then purged. */
const EXPIRED_GRACE_MS = 5 * 60_000;

/**
 * The in-memory session store: one process, no persistence. Node runs each request's
 * check → open → accept without interleaving on a single session's window, which makes the
 * §3.1 "mark atomically" hold within the process.
 */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limits: SessionLimits,
    private readonly clock: Clock = systemClock,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  create(session: ChannelSession): Promise<boolean> {
    if (this.sessions.size >= this.limits.maxSessions) this.sweep(true);
    if (this.sessions.size >= this.limits.maxSessions) return Promise.resolve(false);
    this.sessions.set(session.id, { session, window: new ReplayWindow(this.limits.replayWindow) });
    return Promise.resolve(true);
  }

  lookup(id: string): Promise<SessionLookup> {
    const entry = this.liveEntry(id);
    return Promise.resolve(
      typeof entry === 'string' ? { status: entry } : { status: 'ok', session: entry.session },
    );
  }

  seqFresh(id: string, seq: number): Promise<boolean> {
    const entry = this.sessions.get(id);
    return Promise.resolve(entry !== undefined && entry.window.check(seq));
  }

  /** {@link lookup} and {@link seqFresh} at once, with no promise between them (hot path). */
  lookupFresh(id: string, seq: number): Promise<FreshLookup> {
    const entry = this.liveEntry(id);
    return Promise.resolve(
      typeof entry === 'string'
        ? { status: entry }
        : { status: 'ok', session: entry.session, fresh: entry.window.check(seq) },
    );
  }

  /** The session's entry, or why there is none to use. */
  private liveEntry(id: string): Entry | 'unknown' | 'expired' {
    const entry = this.sessions.get(id);
    if (!entry) return 'unknown';
    return this.isExpired(entry.session, this.clock.now()) ? 'expired' : entry;
  }

  acceptSeq(id: string, seq: number): Promise<SeqOutcome> {
    const entry = this.sessions.get(id);
    if (!entry) return Promise.resolve('unknown');
    if (!entry.window.accept(seq)) return Promise.resolve('replayed');
    entry.session.lastSeenAt = this.clock.now();
    return Promise.resolve('accepted');
  }

  setState(
    id: string,
    state: SessionState,
    user?: { userId: number; username: string },
  ): Promise<void> {
    const entry = this.sessions.get(id);
    if (entry) {
      entry.session.state = state;
      entry.session.userId = user?.userId;
      entry.session.username = user?.username;
      entry.session.authenticatedAt = user ? this.clock.now() : undefined;
    }
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.sessions.delete(id);
    return Promise.resolve();
  }

  size(): Promise<number> {
    return Promise.resolve(this.sessions.size);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sessions.clear();
    return Promise.resolve();
  }

  private isExpired(session: ChannelSession, now: number): boolean {
    return now >= session.expiresAt || now - session.lastSeenAt >= this.limits.idleSeconds * 1000;
  }

  /** Purges sessions expired for longer than the grace period (all expired ones when pressed). */
  private sweep(pressed = false): void {
    const now = this.clock.now();
    for (const [id, { session }] of this.sessions) {
      const deadline = Math.min(
        session.expiresAt,
        session.lastSeenAt + this.limits.idleSeconds * 1000,
      );
      if (now >= deadline + (pressed ? 0 : EXPIRED_GRACE_MS)) this.sessions.delete(id);
    }
  }
}
