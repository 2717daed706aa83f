import { type WitnessState, type WitnessStore } from '@dss/client';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error';
import { ExitCode } from './exit-codes';

/**
 * The witness memory of `dss` (docs/AUDIT-LOG.md §7): one JSON file per server URL in
 * `<config dir>/log-witness/`, holding the log's verifier key and the latest checkpoint verified.
 * Written atomically (temporary file, then rename).
 */
export class FileWitnessStore implements WitnessStore {
  constructor(private readonly configFile: string) {}

  private fileFor(server: string): string {
    const id = createHash('sha256').update(server).digest('hex').slice(0, 32);
    return join(dirname(this.configFile), 'log-witness', `${id}.json`);
  }

  load(server: string): WitnessState | undefined {
    const file = this.fileFor(server);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError('witness_unreadable', `cannot read ${file}`, ExitCode.Failure);
    }
    try {
      const state = JSON.parse(text) as Partial<WitnessState>;
      if (typeof state.verifierKey === 'string' && typeof state.checkpoint === 'string')
        return { verifierKey: state.verifierKey, checkpoint: state.checkpoint };
    } catch {
      // fall through
    }
    throw new CliError(
      'witness_unreadable',
      `${file} is not a log witness file; remove it only if you know why it changed`,
      ExitCode.Failure,
    );
  }

  save(server: string, state: WitnessState): void {
    const file = this.fileFor(server);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ server, ...state }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  }
}
