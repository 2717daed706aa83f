import { parsePin, resolveConnection, resolveUsername } from './settings';
import { sameFingerprint } from './trust';

const FP = 'ab'.repeat(32);

describe('settings: flag > environment > config file', () => {
  const config = { server: 'http://config.test', serverKey: FP, username: 'carol' };

  it('takes the flag, then the environment, then the config file', () => {
    expect(resolveConnection({}, {}, config)).toEqual({
      serverUrl: 'http://config.test',
      pin: { kind: 'fingerprint', fingerprint: FP },
      timeoutMs: 30_000,
    });
    const env = { DSS_SERVER_URL: 'http://env.test/', DSS_SERVER_KEY: '/keys/dss_public.pem' };
    expect(resolveConnection({}, env, config)).toMatchObject({
      serverUrl: 'http://env.test',
      pin: { kind: 'pem', path: '/keys/dss_public.pem' },
    });
    expect(
      resolveConnection({ server: 'https://flag.test', timeout: 2.5 }, env, config),
    ).toMatchObject({ serverUrl: 'https://flag.test', timeoutMs: 2500 });
    expect(resolveUsername({}, {}, config)).toBe('carol');
    expect(resolveUsername({}, { DSS_USER: 'dave' }, config)).toBe('dave');
    expect(resolveUsername({ user: 'erin' }, { DSS_USER: 'dave' }, config)).toBe('erin');
  });

  it('refuses to go on without a server URL or a pinned key', () => {
    expect(() => resolveConnection({}, {}, {})).toThrow(/no server URL/);
    expect(() => resolveConnection({ server: 'http://x.test' }, {}, {})).toThrow(
      /no pinned server key/,
    );
    expect(() => resolveConnection({ server: 'ftp://x.test' }, {}, { serverKey: FP })).toThrow(
      /only http:\/\/ and https:\/\//,
    );
  });

  it('reads a pin as a fingerprint (any case, colons allowed) or else as a path', () => {
    expect(parsePin(FP.toUpperCase())).toEqual({ kind: 'fingerprint', fingerprint: FP });
    expect(parsePin(FP.match(/../g)!.join(':'))).toEqual({ kind: 'fingerprint', fingerprint: FP });
    expect(parsePin('dss_public.pem', '/home/alice')).toEqual({
      kind: 'pem',
      path: '/home/alice/dss_public.pem',
    });
  });

  it('compares fingerprints of 32 bytes only', () => {
    expect(sameFingerprint(FP, FP)).toBe(true);
    expect(sameFingerprint(FP, 'cd'.repeat(32))).toBe(false);
    expect(sameFingerprint('', '')).toBe(false);
    expect(sameFingerprint('abc', 'abc')).toBe(false);
  });
});
