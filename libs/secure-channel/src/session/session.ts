import { type SessionKeys } from '../protocol';

/** PROTOCOL.md §4 session states. */
export type SessionState = 'open' | 'must-change' | 'authenticated';

/** What the server keeps per DSS-SC1 session. `esk_S` and `shared` are never kept (PFS). */
export interface ChannelSession {
  /** b64u of the 16-byte session id. */
  readonly id: string;
  readonly sessionId: Buffer;
  readonly keys: SessionKeys;
  readonly createdAt: number;
  readonly expiresAt: number;
  lastSeenAt: number;
  state: SessionState;
  userId?: number;
  username?: string;
  /** When the user logged in on this session (ms); sessions older than a revocation end. */
  authenticatedAt?: number;
}

/** Why a session cannot be used. */
export type SessionLookup =
  { status: 'ok'; session: ChannelSession } | { status: 'unknown' } | { status: 'expired' };

/** A lookup with the §3.1 freshness pre-check of one `seq` (one round trip on Redis). */
export type FreshLookup =
  /**
   * `local`: answered from an instance's own copy of a shared store's session, whose window
   * knows only the seqs this instance accepted; the accept then decides (see
   * {@link SessionStore.lookupFresh}).
   */
  | { status: 'ok'; session: ChannelSession; fresh: boolean; local?: true }
  | { status: 'unknown' }
  | { status: 'expired' };

/** Outcome of marking a `seq` accepted (`expired`: the lifetime or idle timeout passed). */
export type SeqOutcome = 'accepted' | 'replayed' | 'unknown' | 'expired';

/**
 * Where sessions and their replay windows live: memory by default, Redis for several instances
 * (DESIGN.md §9). Every method is atomic with respect to concurrent requests on the same session.
 */
export interface SessionStore {
  /** Adds a session; false when the store is at its bound on live sessions. */
  create(session: ChannelSession): Promise<boolean>;
  /** Looks a session up, applying the absolute lifetime and the idle timeout. */
  lookup(id: string): Promise<SessionLookup>;
  /** True when `seq` is fresh for the session's window (no state change; §3.1 pre-check). */
  seqFresh(id: string, seq: number): Promise<boolean>;
  /**
   * {@link SessionStore.lookup} and {@link SessionStore.seqFresh} in one step: the session and
   * whether `seq` is fresh for its window (no state change). A shared store may answer from its
   * local copy (`local: true`) unless `authoritative`; the accept re-checks everything then.
   */
  lookupFresh(id: string, seq: number, authoritative?: boolean): Promise<FreshLookup>;
  /**
   * Marks `seq` accepted and refreshes the idle timer; atomic check-and-set. Updates the state
   * of the session object the lookup returned when it changed elsewhere in between.
   */
  acceptSeq(id: string, seq: number): Promise<SeqOutcome>;
  /** Changes the session's authentication state. */
  setState(
    id: string,
    state: SessionState,
    user?: { userId: number; username: string },
  ): Promise<void>;
  /** Destroys a session (logout). */
  destroy(id: string): Promise<void>;
  /** Number of live sessions. */
  size(): Promise<number>;
  /** Resolves when the store can serve requests; throws `DependencyUnavailableError` if not. */
  ping(): Promise<void>;
  /** Stops timers and releases connections. */
  close(): Promise<void>;
}
