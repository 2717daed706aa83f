import { newPasswordProblem } from './password';

describe('new password form', () => {
  const good = 'correct horse battery staple';

  it('accepts a long, confirmed, new password', () => {
    expect(newPasswordProblem('old-one', good, good)).toBeUndefined();
  });

  it('says what is wrong', () => {
    expect(newPasswordProblem('', good, good)).toBe('Enter your current password.');
    expect(newPasswordProblem('x', 'short', 'short')).toMatch(/too short.*12/);
    expect(newPasswordProblem('x', 'y'.repeat(129), 'y'.repeat(129))).toMatch(/too long.*128/);
    expect(newPasswordProblem('x', good, `${good}!`)).toBe('The two new passwords do not match.');
    expect(newPasswordProblem(good, good, good)).toMatch(/differ/);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(newPasswordProblem('x', '🔑'.repeat(12), '🔑'.repeat(12))).toBeUndefined();
  });
});
