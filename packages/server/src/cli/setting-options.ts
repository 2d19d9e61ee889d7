import { Option, type Command } from 'commander';
import { flagOf, loadConfig, settings, type Config, type SettingName } from '../config.js';

const names = Object.keys(settings) as SettingName[];

/** One line per setting: flag, environment variable, meaning and default, as README's table has them. */
export function settingsTable(only: readonly SettingName[] = names): string {
  return only
    .map((name) => {
      const s = settings[name];
      const def = 'default' in s ? ` (default ${s.default || '""'})` : '';
      return `  --${flagOf(name).padEnd(26)} ${s.env.padEnd(27)} ${s.help}${def}`;
    })
    .join('\n');
}

/**
 * Gives a command one `--flag <value>` per setting (left out of commander's own option list: the
 * table after it names each flag's environment variable and default) and returns the loader of its
 * configuration: the environment, then the flags, which win.
 */
export function withSettings(
  command: Command,
  only: readonly SettingName[] = names,
  heading = 'Settings (each flag mirrors an environment variable; flags win):',
): () => Promise<Config> {
  const attributes = new Map<SettingName, string>();
  for (const name of only) {
    const option = new Option(`--${flagOf(name)} <value>`).hideHelp();
    attributes.set(name, option.attributeName());
    command.addOption(option);
  }
  command.addHelpText('after', `\n${heading}\n${settingsTable(only)}\n`);
  return () => {
    const values = command.opts<Record<string, unknown>>();
    const flags: Partial<Record<SettingName, string>> = {};
    for (const [name, attribute] of attributes) {
      const value = values[attribute];
      if (typeof value === 'string') flags[name] = value;
    }
    return Promise.resolve(loadConfig(process.env, flags));
  };
}
