import { type Command } from 'commander';
import { usageError } from '../cli-error';

/** Every command path of the tree (`""`, `"keys"`, `"keys show"`…) with the words after it. */
export function completionTable(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const walk = (cmd: Command, path: string): void => {
    const subcommands = cmd.commands.map((c) => c.name());
    const options = cmd.options.filter((o) => !o.hidden && o.long).map((o) => o.long as string);
    table.set(path, [...subcommands, ...options, '--help']);
    for (const sub of cmd.commands) walk(sub, path === '' ? sub.name() : `${path} ${sub.name()}`);
  };
  walk(program, '');
  return table;
}

/** Quotes `s` for a single-quoted shell word. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function bashScript(table: Map<string, string[]>): string {
  // Keys start with "dss": bash has no empty associative-array key.
  const entries = [...table].map(
    ([path, words]) => `  [${sq(path === '' ? 'dss' : `dss ${path}`)}]=${sq(words.join(' '))}`,
  );
  return `# dss completion for bash: source <(dss completion bash), or save it under
# ~/.local/share/bash-completion/completions/dss
declare -gA _dss_words=(
${entries.join('\n')}
)
_dss() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="dss" w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    [[ -n "\${_dss_words["$path $w"]+set}" ]] && path="$path $w"
  done
  local words="\${_dss_words[$path]}" candidates=()
  for w in $words; do
    if [[ "$cur" == -* ]]; then [[ "$w" == -* ]] && candidates+=("$w")
    else [[ "$w" != -* ]] && candidates+=("$w"); fi
  done
  COMPREPLY=($(compgen -W "\${candidates[*]}" -- "$cur"))
}
complete -o default -o bashdefault -F _dss dss
`;
}

function zshScript(table: Map<string, string[]>): string {
  return `# dss completion for zsh: source <(dss completion zsh) in ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(table)}`;
}

function fishScript(table: Map<string, string[]>): string {
  const lines = [
    '# dss completion for fish: dss completion fish > ~/.config/fish/completions/dss.fish',
  ];
  for (const [path, words] of table) {
    const parts = path === '' ? [] : path.split(' ');
    const condition =
      parts.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${parts[parts.length - 1]}`;
    const subs = words.filter((w) => !w.startsWith('-'));
    const opts = words.filter((w) => w.startsWith('--')).map((w) => w.slice(2));
    if (subs.length > 0)
      lines.push(`complete -c dss -f -n ${sq(condition)} -a ${sq(subs.join(' '))}`);
    for (const o of opts) lines.push(`complete -c dss -n ${sq(condition)} -l ${o}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `dss completion bash|zsh|fish`: a completion script generated from the command tree. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) => {
      const table = completionTable(program);
      const scripts: Record<string, (t: Map<string, string[]>) => string> = {
        bash: bashScript,
        zsh: zshScript,
        fish: fishScript,
      };
      const script = scripts[shell];
      if (!script) throw usageError(`no completion for "${shell}": choose bash, zsh or fish`);
      process.stdout.write(script(table));
    })
    .addHelpText(
      'after',
      `
Examples:
  source <(dss completion bash)                            # this shell; add to ~/.bashrc to keep
  dss completion fish > ~/.config/fish/completions/dss.fish`,
    );
}
