/**
 * Checks of a new operator password that need no server: the lengths and the confirmation. The
 * full policy (common passwords, runs, the username) is the server's, which answers in words.
 */
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 128;

/** What is wrong with the form, in words, or undefined when it can be sent. */
export function newPasswordProblem(
  current: string,
  next: string,
  confirm: string,
): string | undefined {
  if (current === '') return 'Enter your current password.';
  const length = [...next].length;
  if (length < MIN_PASSWORD)
    return `The new password is too short: use at least ${MIN_PASSWORD} characters.`;
  if (length > MAX_PASSWORD)
    return `The new password is too long: use at most ${MAX_PASSWORD} characters.`;
  if (next !== confirm) return 'The two new passwords do not match.';
  if (next === current) return 'The new password must differ from the current one.';
  return undefined;
}
