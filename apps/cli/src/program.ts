import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { usageError } from './cli-error';
import { registerCompletion } from './commands/completion';
import { registerConfig } from './commands/config';
import { registerKeys } from './commands/keys';
import { registerLog } from './commands/log';
import { registerLogin } from './commands/login';
import { registerPasswd } from './commands/passwd';
import { registerServerKey } from './commands/server-key';
import { registerShell } from './commands/shell';
import { registerSign } from './commands/sign';
import { registerVerify } from './commands/verify';
import { registerWhoami } from './commands/whoami';
import { DssCommand, type Mode, withConnection, withJson } from './dss-command';
import { type Runtime } from './runtime';

/** The package version, from the package.json above this file (source or dist). */
function version(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'dss' && pkg.version) return pkg.version;
    } catch {
      // not here; look further up
    }
  }
  return 'unknown';
}

const EXIT_CODES_HELP = `
Exit status:
  0  success                        4  not found (no key pair; missing file)
  1  signature does NOT verify      5  conflict (key exists, key deleted)
  2  usage error                    6  server or network error
  3  authentication failure         7  server identity mismatch: refused`;

/**
 * The command tree. `cli`: every command, with the connection options.
 * `shell`: the commands typed in `dss shell`, which share its session.
 */
export function buildProgram(rt: Runtime, mode: Mode): DssCommand {
  const program = new DssCommand('dss')
    .description(
      mode === 'cli'
        ? 'DSS employee client: sign files with your key held by the DSS server, over its secure channel.'
        : 'Commands of the DSS shell (one secure session).',
    )
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .configureHelp({ sortSubcommands: false })
    .showSuggestionAfterError(true);
  if (mode === 'cli') {
    program.version(version(), '-V, --version');
    // Global options may also stand before the command (`dss --json keys show`); after it, the
    // command's own options of the same names take them.
    program.enablePositionalOptions();
    withJson(withConnection(program, 'cli'));
  }

  // Passwords never come from arguments: the hidden --password exists only to say so.
  program.hook('preAction', (_root, action) => {
    if (action.opts<{ password?: unknown }>().password !== undefined) {
      throw usageError(
        'passwords are never taken from the command line (they would show in `ps` and the shell history): type it at the prompt, or use DSS_PASSWORD or --password-stdin',
      );
    }
  });

  if (mode === 'cli') {
    registerConfig(program, rt);
    registerLogin(program, rt);
    registerWhoami(program, rt);
  }
  registerPasswd(program, rt, mode);
  registerKeys(program, rt, mode);
  registerSign(program, rt, mode);
  registerVerify(program, rt, mode);
  registerServerKey(program, rt, mode);
  registerLog(program, rt, mode);
  if (mode === 'cli') {
    registerShell(program, rt, (inner) => buildProgram(inner, 'shell'));
    registerCompletion(program);
    program.addHelpText(
      'after',
      `
Getting started (with the URL and dss_public.pem from your administrator):
  dss config set server https://dss.example.com
  dss config set serverKey ./dss_public.pem
  dss config set username alice
  dss login                     # first login: choose your own password
  dss keys create
  dss sign report.pdf           # writes report.pdf.sig
${EXIT_CODES_HELP}`,
    );
  }
  return program;
}
