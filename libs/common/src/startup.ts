/**
 * Ctrl-C (or SIGTERM) while an app is still starting: there is nothing to drain yet, so it leaves
 * at once and quietly — no half-finished start-up reporting a closed resource as an error.
 * Returns the function to call once the app listens (from then on Nest's shutdown hooks stop it
 * gracefully).
 */
export function leaveQuietlyOnSignalUntilStarted(): () => void {
  const leave = (): void => process.exit(0);
  process.once('SIGINT', leave);
  process.once('SIGTERM', leave);
  return () => {
    process.off('SIGINT', leave);
    process.off('SIGTERM', leave);
  };
}
