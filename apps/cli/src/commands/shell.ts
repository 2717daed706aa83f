import { type Command } from 'commander';
import { type Completer, type CompleterResult } from 'node:readline';
import { CliError } from '../cli-error';
import { type DssCommand, withConnection, withJson } from '../dss-command';
import { reportOf } from '../error-report';
import { ExitCode } from '../exit-codes';
import { Output } from '../output';
import { reportFailure, wantsJson } from '../failure';
import { Runtime } from '../runtime';
import { completeFileName, shellCompleter } from '../shell-completer';
import { tokenize } from '../tokenize';

interface MenuItem {
  key: string;
  usage: string;
  what: string;
  words: string[];
  /** Questions asked when the number is typed alone; each answer is one more word. */
  ask?: { question: string; flag?: string; optional?: boolean }[];
}

/** The original report's menu, as numbers for the same commands. */
const MENU: readonly MenuItem[] = [
  {
    key: '1',
    usage: 'keys create',
    what: 'create your key pair (CreateKeys)',
    words: ['keys', 'create'],
  },
  {
    key: '2',
    usage: 'sign FILE [-o SIG] [--encoding der|p1363]',
    what: 'sign a file (SignDoc)',
    words: ['sign'],
    ask: [{ question: 'File to sign: ' }],
  },
  {
    key: '3',
    usage: 'keys show [USER] [--out FILE]',
    what: 'print a public key (GetPublicKey)',
    words: ['keys', 'show'],
    ask: [{ question: 'Whose key (empty for yours): ', optional: true }],
  },
  {
    key: '4',
    usage: 'keys delete [--yes]',
    what: 'delete your key pair (DeleteKeys)',
    words: ['keys', 'delete'],
  },
  {
    key: '5',
    usage: 'verify FILE SIG --user NAME | --key PEM',
    what: 'verify a signature here',
    words: ['verify'],
    ask: [
      { question: 'Signed file: ' },
      { question: 'Signature file: ' },
      { question: "Signer's username: ", flag: '--user' },
    ],
  },
  { key: '6', usage: 'passwd', what: 'change your password', words: ['passwd'] },
  {
    key: '7',
    usage: 'server-key',
    what: "show the server key's fingerprint",
    words: ['server-key'],
  },
  { key: '0', usage: 'exit', what: 'log out and leave (also quit, Ctrl-D)', words: ['exit'] },
];

function menuText(): string {
  return [
    ...MENU.map((m) => `  ${m.key}) ${m.usage.padEnd(42)} ${m.what}`),
    "Type a number or a command; 'help' shows this menu, 'COMMAND --help' its options.",
  ].join('\n');
}

/**
 * `dss shell`: logs in once and runs many commands over that one secure
 * session, like the original report's menu client. On a terminal it prompts
 * with line editing and history; otherwise it reads one command per line from
 * standard input (after the password lines of `--password-stdin`).
 */
export function registerShell(
  program: Command,
  rt: Runtime,
  buildShellProgram: (inner: Runtime) => DssCommand,
): void {
  const cmd = program
    .command('shell')
    .description(
      'an interactive session: log in once, then run many commands over one secure session',
    );
  withJson(withConnection(cmd, 'cli')).action(async (opts: { json?: boolean }, self: Command) => {
    // The password is not kept for the shell's lifetime: passwd and a renewed login ask again.
    const session = await rt.session(self, { keepPassword: false });
    const inner = new Runtime(rt.env, session, rt);
    const out = rt.output(self);
    const interactive = rt.prompter.interactive && !rt.globals(self).passwordStdin;
    const commands = [
      ...new Set([
        ...buildShellProgram(inner).commands.map((c) => c.name()),
        'help',
        'exit',
        'quit',
      ]),
    ];
    const completer = shellCompleter(commands);
    const fileCompleter = (line: string): CompleterResult => [completeFileName(line), line];
    const readLine = async (
      prompt: string,
      history?: string[],
      complete: Completer = completer,
    ): Promise<string | undefined> =>
      interactive ? rt.prompter.line(prompt, history, complete) : rt.stdinLines().next();

    if (interactive) {
      out.note(
        `Logged in as ${session.username} at ${session.serverUrl} (server key ${session.serverFingerprint.slice(0, 16)}…).\n` +
          `One secure session for every command until you leave.\n${menuText()}`,
      );
    }
    const history: string[] = [];
    let status: ExitCode = ExitCode.Ok;
    for (;;) {
      let line: string | undefined;
      try {
        line = await readLine(`dss:${session.username}> `, history);
      } catch (err) {
        if (err instanceof CliError && err.exitCode === ExitCode.Interrupted) continue;
        throw err;
      }
      if (line === undefined) break;
      let words: string[];
      try {
        words = tokenize(line);
      } catch (err) {
        out.error(reportOf(err));
        status = ExitCode.Usage;
        continue;
      }
      if (words[0] === 'dss') words.shift();
      if (words.length === 0) continue;
      if (['exit', 'quit', 'logout', '0'].includes(words[0])) break;
      if (words[0] === '?' || (words[0] === 'help' && words.length === 1)) {
        out.note(menuText());
        continue;
      }
      const item = MENU.find((m) => m.key === words[0]);
      if (item) {
        const rest = words.slice(1);
        words = [...item.words, ...rest];
        if (rest.length === 0) {
          for (const q of item.ask ?? []) {
            const answer = (await readLine(q.question, undefined, fileCompleter))?.trim() ?? '';
            if (answer === '' && q.optional) continue;
            words.push(...(q.flag ? [q.flag, answer] : [answer]));
          }
        }
      }
      if (opts.json && !words.includes('--json')) words.push('--json');
      status = await runLine(words, inner, buildShellProgram, session.serverUrl);
    }
    if (interactive) out.note('Logged out.');
    // A script's shell reports its last command, as sh does; a person's leaves with 0.
    rt.exitCode = interactive ? ExitCode.Ok : status;
  });
  cmd.addHelpText(
    'after',
    `
In the shell:
${menuText()}

Scripts: printf '%s\\n' "$PASSWORD" 'keys create' 'sign a.txt' | dss shell --password-stdin`,
  );
}

/** Runs one shell line through the shell's command tree; returns its exit code. */
async function runLine(
  words: string[],
  inner: Runtime,
  buildShellProgram: (inner: Runtime) => DssCommand,
  serverUrl: string,
): Promise<ExitCode> {
  // A fresh tree per line: commander keeps parsed option values on its commands.
  const program = buildShellProgram(inner);
  inner.exitCode = ExitCode.Ok;
  try {
    await program.parseAsync(words, { from: 'user' });
    return inner.exitCode;
  } catch (err) {
    return reportFailure(err, program, new Output(wantsJson(words)), serverUrl);
  }
}
