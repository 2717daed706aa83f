import {
  DssProtocolError,
  type FullReceipt,
  LogWitness,
  type SignatureResult,
  verifyReceiptProof,
} from '@dss/client';
import { readFileSync, writeFileSync } from 'node:fs';
import { CliError, fileError } from './cli-error';
import { ExitCode } from './exit-codes';
import { FileWitnessStore } from './log-witness-store';

/**
 * Signing receipts on the command line (docs/AUDIT-LOG.md §4): `dss sign` writes
 * `SIGNATURE.receipt.json` beside the signature, completed with the checkpoint and inclusion
 * proof as soon as the log covers it; `dss verify --receipt` completes it if needed (the only
 * step that needs the server) and checks it offline.
 */

export interface ReceiptFile extends FullReceipt {
  server: string;
  keyId: string;
  /** Hex SHA-256 of the signed file. */
  digest: string;
}

export function receiptPathOf(signatureFile: string): string {
  return `${signatureFile}.receipt.json`;
}

function witnessFor(server: string, configFile: string, timeoutMs: number): LogWitness {
  return new LogWitness({ baseUrl: server, store: new FileWitnessStore(configFile), timeoutMs });
}

/**
 * Adds the latest checkpoint and the inclusion proof when the log covers the receipt's index;
 * returns false while it does not yet. Checks the checkpoint as a witness on the way.
 */
export async function completeReceipt(
  receipt: ReceiptFile,
  configFile: string,
  timeoutMs: number,
): Promise<boolean> {
  if (receipt.checkpoint && receipt.inclusionProof) return true;
  const witness = witnessFor(receipt.server, configFile, timeoutMs);
  const { checkpoint, note, verifierKey } = await witness.check();
  if (checkpoint.size <= receipt.logIndex) return false;
  const proof = await witness.inclusionProof(receipt.logIndex, checkpoint.size);
  Object.assign(receipt, {
    checkpoint: note,
    verifierKey,
    inclusionProof: proof.map((h) => h.toString('base64')),
  });
  return true;
}

/** Writes the receipt of a signature beside it; never fails the signing itself. */
export async function writeReceipt(
  signatureFile: string,
  server: string,
  result: Pick<SignatureResult, 'keyId' | 'digest' | 'receipt'>,
  configFile: string,
  timeoutMs: number,
): Promise<{ file: string; complete: boolean } | null> {
  if (!result.receipt) return null;
  const receipt: ReceiptFile = {
    server,
    keyId: result.keyId,
    digest: result.digest.toString('hex'),
    logIndex: result.receipt.logIndex,
    leaf: result.receipt.leaf.toString('base64'),
  };
  let complete = false;
  try {
    complete = await completeReceipt(receipt, configFile, timeoutMs);
  } catch (err) {
    // A log the client refuses is reported loudly; a slow one is completed later.
    if ((err as { code?: string }).code === 'log_inconsistent') throw err;
  }
  const file = receiptPathOf(signatureFile);
  try {
    writeFileSync(file, `${JSON.stringify(receipt, null, 2)}\n`, { mode: 0o644 });
  } catch (err) {
    throw fileError(err, file, 'write');
  }
  return { file, complete };
}

export function readReceipt(file: string): ReceiptFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw fileError(err, file, 'read');
  }
  try {
    const r = JSON.parse(text) as ReceiptFile;
    if (
      typeof r.server === 'string' &&
      Number.isSafeInteger(r.logIndex) &&
      typeof r.leaf === 'string' &&
      typeof r.digest === 'string'
    )
      return r;
  } catch {
    // fall through
  }
  throw new CliError('invalid_receipt', `${file} is not a signing receipt`, ExitCode.Usage);
}

/** How long `dss verify --receipt` waits for a checkpoint covering a fresh signature. */
const PENDING_WAIT_MS = 15_000;

/**
 * Checks a receipt against the signed file: the leaf is a `signature.issued` event for this
 * digest and key, and it is in the log the signed checkpoint commits to. Completes and saves
 * the receipt first when it lacks the checkpoint (that needs the server). Throws on failure.
 */
export async function checkReceipt(
  file: string,
  digestHex: string,
  keyId: string | null,
  configFile: string,
  timeoutMs: number,
): Promise<{ logIndex: number; size: number }> {
  const receipt = readReceipt(file);
  if (!receipt.checkpoint || !receipt.inclusionProof) {
    // A signature made a moment ago is covered by the next checkpoint (DSS_CHECKPOINT_INTERVAL_MS
    // on the server, 1 s by default): wait for it a little before giving up.
    const deadline = Date.now() + Math.min(timeoutMs, PENDING_WAIT_MS);
    let complete = await completeReceipt(receipt, configFile, timeoutMs);
    while (!complete && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      complete = await completeReceipt(receipt, configFile, timeoutMs);
    }
    if (!complete)
      throw new CliError(
        'receipt_pending',
        'the log has no checkpoint covering this signature yet; try again in a few seconds',
        ExitCode.Server,
      );
    writeFileSync(file, `${JSON.stringify(receipt, null, 2)}\n`, { mode: 0o644 });
  }
  let leaf: { action?: unknown; seq?: unknown; details?: { digest?: unknown; keyId?: unknown } };
  try {
    leaf = JSON.parse(Buffer.from(receipt.leaf, 'base64').toString('utf8')) as typeof leaf;
  } catch {
    throw new DssProtocolError('the receipt leaf is not an audit event');
  }
  const bad = (why: string) => new CliError('receipt_mismatch', why, ExitCode.Failure);
  if (leaf.action !== 'signature.issued') throw bad('the receipt leaf is not a signature event');
  if (leaf.seq !== receipt.logIndex + 1) throw bad('the receipt leaf is not at its log index');
  if (leaf.details?.digest !== digestHex)
    throw bad('the receipt is for another document than this file');
  if (keyId !== null && leaf.details.keyId !== keyId)
    throw bad('the receipt names another key than the one that verified the signature');
  let size: number;
  try {
    size = verifyReceiptProof(receipt).size;
  } catch (err) {
    throw bad((err as Error).message);
  }
  return { logIndex: receipt.logIndex, size };
}
