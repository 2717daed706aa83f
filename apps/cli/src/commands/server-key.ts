import { DssClient, DssServerIdentityError } from '@dss/client';
import { type Command } from 'commander';
import { type Mode, withConnection, withJson } from '../dss-command';
import { type Runtime } from '../runtime';
import { resolvePin, timeoutMsOf } from '../settings';
import { fetchServerKey, sameFingerprint, trustedServerKey } from '../trust';

/** `dss server-key`: the fingerprint of the server's identity key, checked against the pin. */
export function registerServerKey(program: Command, rt: Runtime, mode: Mode): void {
  const cmd = program
    .command('server-key')
    .description(
      "print the fingerprint of the server's identity key, and check it against your pinned key",
    );
  withJson(withConnection(cmd, mode, { user: false })).action(
    async (_opts: object, self: Command) => {
      const out = rt.output(self);
      const shell = rt.shellSession;
      if (shell) {
        out.result(
          {
            server: shell.serverUrl,
            fingerprint: shell.serverFingerprint,
            pinned: { fingerprint: shell.serverFingerprint, matches: true },
          },
          [
            `Server:      ${shell.serverUrl}`,
            `Fingerprint: ${shell.serverFingerprint}`,
            'Pinned key:  matches (this session’s handshake is signed by it)',
          ],
        );
        return;
      }
      const opts = rt.globals(self);
      const serverUrl = rt.serverUrl(self);
      const timeoutMs = timeoutMsOf(opts);
      const pin = resolvePin(opts, rt.env, rt.config());
      const advertised = await fetchServerKey(serverUrl, timeoutMs);
      if (pin === undefined) {
        out.result(
          {
            server: serverUrl,
            fingerprint: advertised.fingerprint,
            publicKey: advertised.pem,
            pinned: null,
          },
          [
            `Server:      ${serverUrl}`,
            `Fingerprint: ${advertised.fingerprint}`,
            'Pinned key:  none. Compare this fingerprint with the one your administrator gave you',
            '             (by another channel) before you pin it: dss config set serverKey <fingerprint>',
          ],
        );
        return;
      }
      const trusted = await trustedServerKey(serverUrl, pin, timeoutMs);
      if (!sameFingerprint(trusted.fingerprint, advertised.fingerprint)) {
        throw new DssServerIdentityError(trusted.fingerprint, advertised.fingerprint);
      }
      // The advertised key proves nothing by itself: a handshake signed by it does.
      const client = new DssClient({ baseUrl: serverUrl, serverPublicKey: trusted.pem, timeoutMs });
      await client.handshake();
      await client.logout().catch(() => undefined);
      out.result(
        {
          server: serverUrl,
          fingerprint: advertised.fingerprint,
          publicKey: advertised.pem,
          pinned: { fingerprint: trusted.fingerprint, matches: true },
        },
        [
          `Server:      ${serverUrl}`,
          `Fingerprint: ${advertised.fingerprint}`,
          'Pinned key:  matches (the server’s handshake is signed by it)',
        ],
      );
    },
  );
}
