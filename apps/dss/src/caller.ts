import { DomainError, ErrorCode } from '@dss/common';
import { type ChannelSession } from '@dss/secure-channel';
import { type Caller } from './keys/keys.service';

/** The logged-in user of an authenticated session (the interceptor has checked the state). */
export function callerOf(session: ChannelSession): Caller {
  if (session.userId === undefined || session.username === undefined) {
    throw new DomainError(ErrorCode.NotAuthenticated, 'log in first');
  }
  return { userId: session.userId, username: session.username };
}
