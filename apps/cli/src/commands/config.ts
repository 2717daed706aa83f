import { type Command } from 'commander';
import { CliError, usageError } from '../cli-error';
import {
  CONFIG_KEYS,
  type ConfigKey,
  isConfigKey,
  normalizeConfigValue,
  readConfig,
  writeConfig,
} from '../config-store';
import { withJson } from '../dss-command';
import { ExitCode } from '../exit-codes';
import { type Runtime } from '../runtime';

function configKey(key: string): ConfigKey {
  if (!isConfigKey(key)) {
    throw usageError(`unknown setting "${key}": one of ${CONFIG_KEYS.join(', ')}`);
  }
  return key;
}

/** `dss config set | get | unset | path`: the per-user config file. */
export function registerConfig(program: Command, rt: Runtime): void {
  const config = program
    .command('config')
    .description(
      `your settings (${CONFIG_KEYS.join(', ')}), kept in a file under your config directory`,
    );

  withJson(
    config
      .command('set')
      .description('store a setting: server URL, serverKey (PEM file or fingerprint), username')
      .argument('<key>', CONFIG_KEYS.join(' | '))
      .argument('<value>'),
  ).action((key: string, value: string, _opts: object, self: Command) => {
    const name = configKey(key);
    const path = rt.configPath();
    const stored = { ...readConfig(path), [name]: normalizeConfigValue(name, value) };
    writeConfig(path, stored);
    rt.output(self).result(
      { key: name, value: stored[name], file: path },
      `${name} = ${stored[name]}  (${path})`,
    );
  });

  withJson(
    config
      .command('get')
      .description('print one setting, or all of them')
      .argument('[key]', CONFIG_KEYS.join(' | ')),
  ).action((key: string | undefined, _opts: object, self: Command) => {
    const stored = readConfig(rt.configPath());
    const out = rt.output(self);
    if (key === undefined) {
      out.result(
        stored,
        CONFIG_KEYS.filter((k) => stored[k] !== undefined).map((k) => `${k} = ${stored[k]}`),
      );
      return;
    }
    const name = configKey(key);
    const value = stored[name];
    if (value === undefined) {
      throw new CliError('not_set', `${name} is not set`, ExitCode.NotFound);
    }
    out.result({ key: name, value }, value);
  });

  withJson(
    config
      .command('unset')
      .description('remove a setting')
      .argument('<key>', CONFIG_KEYS.join(' | ')),
  ).action((key: string, _opts: object, self: Command) => {
    const name = configKey(key);
    const path = rt.configPath();
    const stored = readConfig(path);
    delete stored[name];
    writeConfig(path, stored);
    rt.output(self).result({ key: name, removed: true, file: path }, `${name} removed  (${path})`);
  });

  withJson(config.command('path').description('print where the config file is')).action(
    (_opts: object, self: Command) => {
      const path = rt.configPath();
      rt.output(self).result({ file: path }, path);
    },
  );

  config.addHelpText(
    'after',
    `
Settings are taken from the command-line flag first, then the environment
(DSS_SERVER_URL, DSS_SERVER_KEY, DSS_USER), then this file. The file is
$DSS_CONFIG_DIR/config.json, else $XDG_CONFIG_HOME/dss/config.json, else
~/.config/dss/config.json (directory 0700, file 0600).

Examples:
  dss config set server https://dss.example.com
  dss config set serverKey ~/dss_public.pem   # stored as an absolute path
  dss config set username alice
  dss config get`,
  );
}
