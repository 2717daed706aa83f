import { DomainError, ErrorCode } from '@dss/common';
import { type PkiActor, type PkiService } from '@dss/pki';
import { type Command } from 'commander';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type JsonFlag, jsonOption, print } from '../output';

/** What the `ca` commands need from the host program (kept out of main.ts for clean merges). */
export interface CaCommandDeps {
  /** Opens the services (database, keystore, audit) for one command and closes them after. */
  withPki(work: (pki: PkiService) => Promise<void>): Promise<void>;
  actor: PkiActor;
}

/** Writes a file atomically: temp file beside it, fsync, rename (a reader never sees half a file). */
function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DomainError(
      ErrorCode.InvalidRequest,
      `${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/**
 * `dss-admin ca …`: the DSS certificate authority. `show` and `certificate` print it; `csr` and
 * `import` chain it under an organisation's root (docs/SIGNATURES.md, "Under a corporate root").
 */
export function registerCaCommands(program: Command, deps: CaCommandDeps): void {
  const json = () => jsonOption('print JSON');
  const ca = program.command('ca').description('the DSS certificate authority');
  ca.command('show')
    .description('subject, issuer, serial, expiry and SHA-256 fingerprint of the CA certificate')
    .addOption(json())
    .action((opts: JsonFlag) =>
      deps.withPki(async (pki) => {
        await pki.ensureAuthority();
        const s = await pki.caSummary();
        print(
          opts,
          s,
          [
            `Subject:  ${s.subject}`,
            `Issuer:   ${s.issuer}${s.issuer === s.subject ? ' (self-made root)' : ''}`,
            `Serial:   ${s.serial}`,
            `Expires:  ${s.notAfter}`,
            `SHA-256:  ${s.sha256}`,
          ].join('\n'),
        );
      }),
    );
  ca.command('certificate')
    .description('print the CA certificate and its chain (PEM), as GET /v1/ca/certificate serves')
    .action(() =>
      deps.withPki(async (pki) => {
        await pki.ensureAuthority();
        process.stdout.write(await pki.caCertificatePem());
      }),
    );
  ca.command('csr')
    .description('write a certificate signing request (PKCS#10) for the DSS CA key')
    .option('-o, --out <file>', 'write the CSR to this file (default: standard output)')
    .action((opts: { out?: string }) =>
      deps.withPki(async (pki) => {
        await pki.ensureAuthority();
        const pem = await pki.caCertificateRequest();
        if (opts.out) {
          writeFileAtomic(opts.out, pem);
          process.stderr.write(
            `Wrote ${opts.out}; have your root CA sign it, then: dss-admin ca import CERT [CHAIN]\n`,
          );
        } else process.stdout.write(pem);
      }),
    );
  ca.command('import')
    .description('install the CA certificate your root issued for the CSR, with the chain above it')
    .argument('<cert>', 'PEM file: the DSS CA certificate (it may hold the chain after it)')
    .argument('[chain]', 'PEM file: the issuing CA certificates up to the root')
    .addOption(json())
    .action((certFile: string, chainFile: string | undefined, opts: JsonFlag) =>
      deps.withPki(async (pki) => {
        const cert = readText(certFile, 'CERT');
        const chain = chainFile === undefined ? '' : readText(chainFile, 'CHAIN');
        await pki.importCaCertificate(cert, chain, deps.actor);
        const s = await pki.caSummary();
        print(
          opts,
          s,
          `Installed the DSS CA certificate issued by ${s.issuer}; the servers use it from their next request.`,
        );
      }),
    );
}
