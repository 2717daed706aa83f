import {
  AUDIT_FILTER_KEYS,
  auditFilterProblem,
  auditQuery,
  deletionQuery,
  endOfDay,
  keyQuery,
  PAGE_SIZE,
  parseOffset,
  readFilters,
  startOfDay,
  USER_FILTER_KEYS,
  userQuery,
  writeFilters,
} from './filters';

describe('filters in the URL', () => {
  it('reads the named parameters and writes back only the non-empty ones', () => {
    const f = readFilters('?search=%20al%20&status=locked&junk=1', USER_FILTER_KEYS);
    expect(f).toEqual({ search: 'al', status: 'locked', offset: '' });
    expect(writeFilters(f)).toBe('?search=al&status=locked');
    expect(writeFilters({ search: '', status: '' })).toBe('');
  });

  it('turns user filters into a query, ignoring unknown statuses and bad offsets', () => {
    expect(userQuery({ search: 'al', status: 'locked', offset: '50' })).toEqual({
      search: 'al',
      status: 'locked',
      offset: 50,
      limit: PAGE_SIZE,
    });
    expect(userQuery({ search: '', status: 'sleeping', offset: '-1' })).toEqual({
      search: undefined,
      status: undefined,
      offset: 0,
      limit: PAGE_SIZE,
    });
    expect(parseOffset('1e3')).toBe(0);
    expect(keyQuery({ status: 'deleted', username: 'bob', offset: '' })).toEqual({
      status: 'deleted',
      username: 'bob',
      offset: 0,
      limit: PAGE_SIZE,
    });
  });

  it('makes inclusive UTC day ranges', () => {
    expect(startOfDay('2026-05-04')).toBe('2026-05-04T00:00:00.000Z');
    expect(endOfDay('2026-05-04')).toBe('2026-05-04T23:59:59.999Z');
    expect(startOfDay('2026-02-30')).toBeUndefined();
    expect(startOfDay('4 May')).toBeUndefined();
    expect(endOfDay('')).toBeUndefined();
  });

  it('maps user and operator to the actor of that type, newest first', () => {
    const base = readFilters('', AUDIT_FILTER_KEYS);
    expect(auditQuery({ ...base, user: 'alice', action: 'key.deleted' }, 40)).toEqual({
      action: 'key.deleted',
      actor: 'alice',
      actorType: 'user',
      subject: undefined,
      from: undefined,
      to: undefined,
      after: 40,
      limit: 50,
      order: 'desc',
    });
    expect(
      auditQuery({
        ...base,
        operator: 'admin',
        subject: 'bob',
        from: '2026-05-01',
        to: '2026-05-01',
      }),
    ).toMatchObject({
      actor: 'admin',
      actorType: 'operator',
      subject: 'bob',
      from: '2026-05-01T00:00:00.000Z',
      to: '2026-05-01T23:59:59.999Z',
    });
    expect(deletionQuery({ username: 'bob', from: '', to: '2026-05-02', offset: '25' })).toEqual({
      username: 'bob',
      from: undefined,
      to: '2026-05-02T23:59:59.999Z',
      offset: 25,
      limit: PAGE_SIZE,
    });
  });

  it('refuses both actors at once and a reversed range, in words', () => {
    expect(auditFilterProblem({ user: 'a', operator: 'b', from: '', to: '' })).toMatch(/either/);
    expect(
      auditFilterProblem({ user: '', operator: '', from: '2026-05-02', to: '2026-05-01' }),
    ).toBe('The end date is before the start date.');
    expect(auditFilterProblem({ user: '', operator: '', from: '05/01/2026', to: '' })).toMatch(
      /^The start date "05\/01\/2026" is not a day: write it as YYYY-MM-DD/,
    );
    expect(auditFilterProblem({ user: '', operator: '', from: '', to: '2026-02-30' })).toMatch(
      /^The end date "2026-02-30" is not a day/,
    );
    expect(
      auditFilterProblem({ user: 'a', operator: '', from: '2026-05-01', to: '2026-05-01' }),
    ).toBeUndefined();
  });
});
