/**
 * Where Glimpse keeps its files, following the XDG base directory convention (what Linux users expect; macOS and
 * Windows users get the same layout under their home folder).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

type Environment = Record<string, string | undefined>;

export function dataDirectory(env: Environment = process.env): string {
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'glimpse');
}

export function configDirectory(env: Environment = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'glimpse');
}

/** `GLIMPSE_DB`, else `<data directory>/glimpse.db`. */
export function defaultDatabasePath(env: Environment = process.env): string {
  return env.GLIMPSE_DB || join(dataDirectory(env), 'glimpse.db');
}
