import { canWrite, NAV, pageOf, returnPath, titleOf } from './routes';

describe('routes', () => {
  it('maps paths to pages, ignoring a trailing slash', () => {
    expect(pageOf('/')).toBe('overview');
    expect(pageOf('/users/')).toBe('users');
    expect(pageOf('/audit/key-deletions')).toBe('key-deletions');
    expect(pageOf('/audit/integrity')).toBe('integrity');
    expect(pageOf('/sign-in')).toBe('sign-in');
    expect(pageOf('/nope')).toBe('not-found');
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

  it('lets only admins write', () => {
    expect(canWrite('admin')).toBe(true);
    expect(canWrite('auditor')).toBe(false);
    expect(canWrite(undefined)).toBe(false);
  });
});
