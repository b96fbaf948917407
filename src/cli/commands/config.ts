/**
 * `glimpse config get|set|unset|list|path`: the settings file ($XDG_CONFIG_HOME/glimpse/config.json). API keys are
 * stored (mode 0600) but never printed; `set KEY -` reads the value from standard input so it stays out of the
 * shell history.
 */
import type { Command } from 'commander';
import {
  configPath,
  getPath,
  isSecretKey,
  parseConfigValue,
  REDACTED,
  readConfigFile,
  redact,
  setPath,
  writeConfigFile,
} from '../../config/settings.js';
import { GlimpseError } from '../../errors.js';
import { printJson } from '../context.js';

const EXAMPLES = `
Examples:
  glimpse config set provider openai
  glimpse config set providers.openai.model gpt-4o-mini
  glimpse config set providers.openai.apiKey -          (paste the key, then Ctrl-D)
  glimpse config set providers.ollama.baseUrl http://gpu-box:11434
  glimpse config set providers.openai.options.requestsPerMinute 500
  glimpse config list`;

export function register(program: Command): void {
  const config = program
    .command('config')
    .description('read and change settings in the config file (keys are never shown)')
    .addHelpText('after', EXAMPLES);

  config
    .command('path')
    .description('where the config file is')
    .action(() => {
      process.stdout.write(`${configPath()}\n`);
    });

  config
    .command('list')
    .description('all settings, keys redacted')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const shown = redact(await readConfigFile(configPath()));
      if (options.json) return printJson(shown);
      const lines = flatten(shown).map(
        ([key, value]) => `${key} = ${typeof value === 'string' ? value : JSON.stringify(value)}`,
      );
      process.stdout.write(lines.length ? `${lines.join('\n')}\n` : `(no settings in ${configPath()})\n`);
    });

  config
    .command('get')
    .description('one setting, e.g. providers.openai.model (keys show only whether they are set)')
    .argument('<key>')
    .option('--json', 'print as JSON')
    .action(async (key: string, options: { json?: boolean }) => {
      const value = redact(getPath(await readConfigFile(configPath()), key), key.split('.').at(-1));
      if (value === undefined) {
        throw new GlimpseError('USAGE', `"${key}" is not set in ${configPath()}`, {
          hint: 'See `glimpse config list`.',
        });
      }
      if (options.json) return printJson({ key, value });
      process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
    });

  config
    .command('set')
    .description('change a setting; give "-" as the value to read it from standard input (for API keys)')
    .argument('<key>')
    .argument('<value>')
    .action(async (key: string, text: string) => {
      const raw = text === '-' ? (await readStdin()).trim() : text;
      if (raw === '') throw new GlimpseError('USAGE', `No value given for "${key}"`);
      const path = configPath();
      const config = setPath(await readConfigFile(path), key, parseConfigValue(key, raw));
      await writeConfigFile(path, config);
      process.stdout.write(`${key} = ${isSecretKey(key) ? REDACTED : raw}  (${path})\n`);
    });

  config
    .command('unset')
    .description('remove a setting')
    .argument('<key>')
    .action(async (key: string) => {
      const path = configPath();
      const config = await readConfigFile(path);
      if (getPath(config, key) === undefined) {
        throw new GlimpseError('USAGE', `"${key}" is not set in ${path}`, { hint: 'See `glimpse config list`.' });
      }
      await writeConfigFile(path, setPath(config, key, undefined));
      process.stdout.write(`${key} removed (${path})\n`);
    });
}

/** [dotted key, leaf value] pairs, for `config list`. */
function flatten(value: unknown, prefix = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [[prefix, value]] : [];
  return Object.entries(value).flatMap(([key, item]) => flatten(item, prefix ? `${prefix}.${key}` : key));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
