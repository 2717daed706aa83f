import { ReplayWindow } from './replay-window';
import { type ChannelSession } from './session';

/** One session as an instance last knew it. */
export interface CachedSession {
  /** The opened box: keys, state, user. The keys never change; the state may, elsewhere. */
  readonly session: ChannelSession;
  /** The box's generation in Redis when it was read (`g`); a newer one means stale state. */
  generation: string;
  /** The seqs this instance accepted: a subset of the shared window, for the local pre-check. */
  readonly window: ReplayWindow;
}

/**
 * Sessions a Redis-backed instance has opened, so that a sealed request on a session it knows
 * costs one round trip (the atomic accept) instead of two (lookup, then accept), and no AES-GCM
 * opening of the box. Redis stays the authority: the accept re-checks existence, expiry and the
 * shared replay window, and hands back the box when its generation moved on (a change of state
 * made on another instance). Least recently used entries go first past `capacity`; entries past
 * their absolute lifetime or idle timeout are dropped by {@link LocalSessionCache.sweep}.
 */
export class LocalSessionCache {
  private readonly entries = new Map<string, CachedSession>();

  constructor(
    private readonly capacity: number,
    private readonly replayWindow: number,
    private readonly idleMs: number,
  ) {}

  /** The entry of `id`, marked as the most recently used; undefined when not held. */
  get(id: string): CachedSession | undefined {
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry;
  }

  /**
   * Holds `session` as read at `generation`. A session already held keeps its object, updated in
   * place (as the memory store updates its sessions), so that every request in flight on it sees
   * the newest state, and keeps its local window.
   */
  put(session: ChannelSession, generation: string): CachedSession {
    const held = this.entries.get(session.id);
    if (held !== undefined) {
      const target = held.session;
      target.state = session.state;
      target.userId = session.userId;
      target.username = session.username;
      target.authenticatedAt = session.authenticatedAt;
      target.lastSeenAt = Math.max(target.lastSeenAt, session.lastSeenAt);
      held.generation = generation;
      this.entries.delete(session.id);
      this.entries.set(session.id, held);
      return held;
    }
    const entry: CachedSession = {
      session,
      generation,
      window: new ReplayWindow(this.replayWindow),
    };
    this.entries.set(session.id, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  /** True when the entry may answer without Redis: within its lifetime and idle timeout. */
  usable(entry: CachedSession, now: number): boolean {
    const { expiresAt, lastSeenAt } = entry.session;
    return now < expiresAt && now - lastSeenAt < this.idleMs;
  }

  /** Drops every entry that is no longer {@link LocalSessionCache.usable}. */
  sweep(now: number): void {
    for (const [id, entry] of this.entries) if (!this.usable(entry, now)) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
