import { canWrite, NAV, pageOf, returnPath, titleOf, userOfPath, userPath } from './routes';

describe('routes', () => {
  it('maps paths to pages, ignoring a trailing slash', () => {
    expect(pageOf('/')).toBe('overview');
    expect(pageOf('/users/')).toBe('users');
    expect(pageOf('/audit/key-deletions')).toBe('key-deletions');
    expect(pageOf('/audit/integrity')).toBe('integrity');
    expect(pageOf('/sign-in')).toBe('sign-in');
    expect(pageOf('/nope')).toBe('not-found');
    expect(pageOf('/operators')).toBe('operators');
    expect(pageOf('/users/carol')).toBe('user');
    expect(pageOf('/users/carol/')).toBe('user');
    expect(pageOf('/users/carol/keys')).toBe('not-found');
    expect(pageOf('/users/%E0%A4%A')).toBe('not-found');
    expect(NAV.map((n) => titleOf(n.id))).toEqual(NAV.map((n) => n.label));
  });

  it('returns only to local dashboard pages after sign-in (no open redirect)', () => {
    expect(returnPath('/users?status=locked')).toBe('/users?status=locked');
    expect(returnPath(undefined)).toBe('/');
    expect(returnPath('https://evil.example/')).toBe('/');
    expect(returnPath('//evil.example/users')).toBe('/');
    expect(returnPath('/sign-in?next=/keys')).toBe('/');
    expect(returnPath('/change-password')).toBe('/');
    expect(returnPath('/api/users')).toBe('/');
  });

  it('links each user to their page and reads the name back', () => {
    expect(userPath('carol.d')).toBe('/users/carol.d');
    expect(userOfPath(userPath('a b/c'))).toBe('a b/c');
    expect(userOfPath('/users')).toBeUndefined();
    expect(userOfPath('/keys/carol')).toBeUndefined();
  });

  it('lets only admins write', () => {
    expect(canWrite('admin')).toBe(true);
    expect(canWrite('auditor')).toBe(false);
    expect(canWrite(undefined)).toBe(false);
  });
});
