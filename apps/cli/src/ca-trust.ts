import { DssClient, DssProtocolError } from '@dss/client';
import { type TrustMaterial, trustFromChain } from '@dss/pki/verify';
import { type Command } from 'commander';
import { type Runtime } from './runtime';
import { trustedServerKey } from './trust';

/** The answer of `POST /v1/ca/trust` (docs/SIGNATURES.md). */
interface CaTrustWire {
  chain: string;
  crl: string;
}

const askTrust = (client: DssClient) => client.request<CaTrustWire>('POST', '/v1/ca/trust', {});

/**
 * The DSS CA chain and current CRL, over the secure channel: the handshake is signed by the
 * pinned server key, so what comes back is the server's, not a stranger's on the path. No login
 * is needed (the route accepts any session state); the shell reuses its session.
 */
export async function fetchCaTrust(
  rt: Runtime,
  cmd: Command,
): Promise<TrustMaterial & { chainPem: string }> {
  let raw: CaTrustWire;
  if (rt.shellSession) {
    raw = await rt.shellSession.run(askTrust);
  } else {
    const settings = rt.connection(cmd);
    const trusted = await trustedServerKey(settings.serverUrl, settings.pin, settings.timeoutMs);
    const client = new DssClient({
      baseUrl: settings.serverUrl,
      serverPublicKey: trusted.pem,
      timeoutMs: settings.timeoutMs,
    });
    await client.handshake();
    try {
      raw = await askTrust(client);
    } finally {
      await client.logout().catch(() => undefined);
    }
  }
  if (typeof raw?.chain !== 'string' || typeof raw.crl !== 'string') {
    throw new DssProtocolError('CA trust: the answer has no chain and CRL');
  }
  try {
    return { ...trustFromChain(raw.chain, Buffer.from(raw.crl, 'base64url')), chainPem: raw.chain };
  } catch (err) {
    throw new DssProtocolError(`CA trust: ${(err as Error).message}`);
  }
}
