import { DomainError, ErrorCode } from '@dss/common';
import {
  checkPasswordPolicy,
  commonPasswordSet,
  type PasswordPolicyContext,
} from './password-policy';

const context: PasswordPolicyContext = { username: 'alexander.hamilton' };

function reasonFor(password: string, ctx: PasswordPolicyContext = context): string | undefined {
  try {
    checkPasswordPolicy(password, ctx);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.WeakPassword);
    expect((err as DomainError).status).toBe(422);
    return (err as DomainError).message;
  }
}

describe('checkPasswordPolicy', () => {
  it.each([
    'correct-Staple-Wombat-93',
    'Vq8#mLx2!pRt',
    'tr0ub4dor&3 meets the sea',
    'ÄÖÜ straße ünd 7 Zwerge',
    '7K2M-Q9XD-0A1B-CDEF-GHJKM-NPQRS',
    'a long passphrase about seven orange kites over the harbour at dawn',
  ])('accepts %j', (password) => {
    expect(reasonFor(password)).toBeUndefined();
  });

  describe('length: 12 to 128 code points', () => {
    it('rejects 11 characters and accepts 12', () => {
      expect(reasonFor('Vq8#mLx2!pR')).toBe('password must be at least 12 characters');
      expect(reasonFor('Vq8#mLx2!pRt')).toBeUndefined();
    });

    it('counts code points, not UTF-16 units', () => {
      const emoji = '🔑🦉🌊🍋🚲🎲🧭🪁🌵🎻🛶'; // 11 code points, 22 UTF-16 units
      expect(emoji.length).toBe(22);
      expect(reasonFor(emoji)).toBe('password must be at least 12 characters');
      expect(reasonFor(`${emoji}🧩`)).toBeUndefined();
    });

    it('rejects 129 characters and accepts 128', () => {
      const ok = 'Vq8#mLx2!pRt'.repeat(10) + 'abcdefgh';
      expect([...ok]).toHaveLength(128);
      expect(reasonFor(ok)).toBeUndefined();
      expect(reasonFor(`${ok}Z`)).toBe('password must be at most 128 characters');
    });
  });

  it('rejects the username in any case, and the username followed by digits', () => {
    expect(reasonFor('Alexander.Hamilton')).toBe('password must not be the username');
    expect(reasonFor('ALEXANDER.HAMILTON1776')).toBe('password must not be the username');
    expect(reasonFor('alexander.hamilton!!')).toBe('password must not be the username');
    expect(reasonFor('alexander.hamilton is my hero')).toBeUndefined();
  });

  it('rejects the current and the temporary password', () => {
    const current = 'Vq8#mLx2!pRt';
    expect(reasonFor(current, { ...context, currentPassword: current })).toBe(
      'password must differ from the current password',
    );
    const temporary = '7K2M-Q9XD-0A1B-CDEF-GHJKM-NPQRS';
    expect(reasonFor(temporary, { ...context, temporaryPassword: temporary })).toBe(
      'password must differ from the temporary password',
    );
    expect(
      reasonFor('7k2mq9xd0a1bcdefghjkmnpqrs', { ...context, temporaryPassword: temporary }),
    ).toBe('password must differ from the temporary password');
  });

  it.each([
    'password1234',
    'Password123456!',
    'PASSWORD123456',
    '2024Sunshine!!',
    '!!Football1234',
    'iloveyouforever',
    'qwertyuiopasdfghjkl',
    'DigitalSignature',
    'digital signature 2025',
    'changeme12345678',
  ])('rejects the common password %j', (password) => {
    expect(reasonFor(password)).toBe('password is too common');
  });

  it('only strips decorations down to a base of 4 characters or more', () => {
    // base "abc" is too short to look up; the whole string is not listed.
    expect(reasonFor('abc!9#2&4*7(')).toBeUndefined();
  });

  it.each(['aaaaaaaaaaaa', 'abcabcabcabc', 'XyZ1XyZ1XyZ1', '!!!!!!!!!!!!!!!!', 'Tq9#Tq9#Tq9#'])(
    'rejects the repeated unit %j',
    (password) => {
      expect(reasonFor(password)).toBe('password must not be one character or group repeated');
    },
  );

  it.each([
    '123456789012',
    'abcdefghijkl',
    'LKJIHGFEDCBA',
    'mnopqrstuvwxyzab',
    '9876543210987',
    'tyuiopasdfgh',
  ])('rejects the sequence %j', (password) => {
    expect(reasonFor(password)).toMatch(/sequence|too common/);
  });

  it('loads the common list once, with the project additions', () => {
    const set = commonPasswordSet();
    expect(set).toBe(commonPasswordSet());
    expect(set.size).toBeGreaterThan(49_000);
    expect(set.has('password')).toBe(true);
    expect(set.has('digitalsignature')).toBe(true);
    expect(set.has('# project additions to the common-password list')).toBe(false);
  });

  it('asserts its inputs', () => {
    expect(() => checkPasswordPolicy(undefined as unknown as string, context)).toThrow(TypeError);
    expect(() => checkPasswordPolicy('Vq8#mLx2!pRt', {} as PasswordPolicyContext)).toThrow(
      TypeError,
    );
  });
});
