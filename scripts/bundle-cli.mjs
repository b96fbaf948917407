#!/usr/bin/env node
/**
 * Writes dist/cli/search.cjs: the CLI (dist/cli/main.js and what it imports) in one CommonJS file, which
 * bin/glimpse.js runs for a one-shot `glimpse search`. Loading sixty ES modules one by one (resolving, reading,
 * compiling each) was much of that command's start; one script is read and compiled at once, and bin/glimpse.js
 * keeps V8's code cache of it (see there). Part of `npm run build`, after tsc and the WordNet tables.
 *
 * What the bundle changes, so that it runs as the modules do:
 * - `import.meta.url` of each module is the URL its own file in dist/ has (the WordNet tables, the ranking worker and
 *   the native ranking function are found beside it, as before);
 * - `import()` of a package or a computed path (sharp, a provider module) goes through `__glimpseImport`, which
 *   bin/glimpse.js passes in: code run from a V8 code cache cannot import by itself. Relative imports are bundled;
 * - definitionCode() (search/definitions.ts) returns what it returned in dist/, for which the synset tables were
 *   made: the bundled functions' source is reprinted, and would not match the tables' copy.
 * npm packages stay outside (required from node_modules) but for BUNDLED_PACKAGES: stemmer, an ES module only package, and
 * the small ones every search loads (commander, picocolors), which the code cache then covers too.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outfile = join(dist, 'cli', 'search.cjs');

const { definitionCode } = await import(pathToFileURL(join(dist, 'search', 'definitions.js')).href);
const definitions = join(dist, 'search', 'definitions.js');
const DEFINITION_CODE = /export function definitionCode\(\) \{[\s\S]*?\n\}\n/;

/** A package's own modules are bundled only for these: the rest are required from node_modules at run time. */
const BUNDLED_PACKAGES = new Set(['stemmer', 'commander', 'picocolors', 'better-sqlite3']);

/**
 * picocolors asks process.stdout whether it is a terminal, which makes the stream (and for a pipe, loads Node.js's
 * net modules) as the bundle starts. A file or a pipe is never one: only for anything else is process.stdout asked.
 */
const PICOCOLORS_TTY = '(p.stdout || {}).isTTY';
const PICOCOLORS_TTY_BUNDLED =
  '(() => { try { const kind = require("node:fs").fstatSync(1); if (kind.isFIFO() || kind.isFile()) return false; } catch {} return (p.stdout || {}).isTTY; })()';

/**
 * better-sqlite3 finds its native addon with `bindings`, which tells the package's folder from the stack of its
 * caller: bundled, that would be dist/cli. The bundle looks in the package's folder itself: where bindings' first
 * places (build/, build/Debug/) hold no addon and build/Release/ does, it requires that as bindings would (setting
 * its `path` too); anywhere else bindings is asked, given the folder.
 */
const BETTER_SQLITE3_ADDON = "require('bindings')('better_sqlite3.node')";
const BETTER_SQLITE3_ADDON_BUNDLED = `((root) => {
  const at = (...folders) => path.join(root, 'build', ...folders, 'better_sqlite3.node');
  if (!fs.existsSync(at()) && !fs.existsSync(at('Debug')) && fs.existsSync(at('Release'))) {
    const addon = require(at('Release'));
    addon.path = at('Release');
    return addon;
  }
  return require('bindings')({ bindings: 'better_sqlite3.node', module_root: root });
})(path.dirname(require.resolve('better-sqlite3/package.json')))`;

await build({
  // The CLI's exports, and what src/bench/cold-start-phases.ts times apart: opening a library as the CLI does.
  stdin: {
    contents: [
      "export * from './main.js';",
      "export { createGlimpse } from '../glimpse.js';",
      "export { chooseProvider } from '../config/cli-settings.js';",
      "export { writeStdoutDirectly } from './output.js';",
    ].join('\n'),
    resolveDir: join(dist, 'cli'),
    sourcefile: 'search-entry.js',
    loader: 'js',
  },
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // The one require.resolve of a bundled package (BETTER_SQLITE3_ADDON_BUNDLED) runs at run time, from dist/cli.
  logOverride: { 'require-resolve-not-external': 'silent' },
  banner: {
    js: [
      '// Made by scripts/bundle-cli.mjs from dist/: do not edit. Run by bin/glimpse.js.',
      'var __glimpseUrl = (path) => require("node:url").pathToFileURL(require("node:path").join(__dirname, path)).href;',
    ].join('\n'),
  },
  plugins: [
    {
      name: 'glimpse-modules',
      setup(bundler) {
        // commander requires child_process (and with it net, dgram, streams) for subcommands that are programs of
        // their own, which Glimpse has none of: required when first used, not as every search starts.
        bundler.onResolve({ filter: /^node:child_process$/ }, (args) =>
          /[/\\]node_modules[/\\]commander[/\\]/.test(args.importer)
            ? { path: 'lazy-child-process', namespace: 'glimpse-lazy' }
            : undefined,
        );
        bundler.onLoad({ filter: /.*/, namespace: 'glimpse-lazy' }, () => ({
          contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
          loader: 'js',
        }));
        bundler.onResolve({ filter: /^[^./]/ }, (args) => {
          const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
          return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
        });
        bundler.onLoad({ filter: /[/\\]node_modules[/\\]picocolors[/\\]picocolors\.js$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          if (!text.includes(PICOCOLORS_TTY)) throw new Error(`${args.path}: how it tells a terminal has changed`);
          return { contents: text.replace(PICOCOLORS_TTY, PICOCOLORS_TTY_BUNDLED), loader: 'js' };
        });
        bundler.onLoad({ filter: /[/\\]node_modules[/\\]better-sqlite3[/\\]lib[/\\]database\.js$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          if (!text.includes(BETTER_SQLITE3_ADDON)) throw new Error(`${args.path}: how it loads its addon has changed`);
          return { contents: text.replace(BETTER_SQLITE3_ADDON, BETTER_SQLITE3_ADDON_BUNDLED), loader: 'js' };
        });
        bundler.onLoad({ filter: /\.js$/ }, async (args) => {
          if (!args.path.startsWith(dist)) return undefined;
          let text = await readFile(args.path, 'utf8');
          const path = JSON.stringify(relative(dirname(outfile), args.path));
          text = text.replaceAll('import.meta.url', `__glimpseUrl(${path})`);
          text = text.replace(/\bimport\((?!\s*['"]\.)/g, '__glimpseImport(');
          // A bundled package required through createRequire (main.ts's commander) is imported instead, to be bundled.
          for (const name of BUNDLED_PACKAGES) {
            if (!text.includes(`require('${name}')`)) continue;
            const binding = `__glimpse_${name.replace(/\W/g, '_')}`;
            text = `import * as ${binding} from '${name}';\n${text.replaceAll(`require('${name}')`, binding)}`;
          }
          if (args.path === definitions) {
            if (!DEFINITION_CODE.test(text)) throw new Error(`definitionCode() not found in ${definitions}`);
            const code = JSON.stringify(definitionCode());
            text = text.replace(DEFINITION_CODE, () => `export function definitionCode() {\n  return ${code};\n}\n`);
          }
          return { contents: text, loader: 'js' };
        });
      },
    },
  ],
});

/**
 * dist/cli/search-start.cjs: search-bundle.js (which tells a search and loads the bundle) and what it imports, as
 * CommonJS, which bin/glimpse.js requires. Starting from ES modules set up Node.js's ES module loader, then resolved,
 * read and compiled each module on its own, before the bundle was even read.
 */
await build({
  entryPoints: [join(dist, 'cli', 'search-bundle.js')],
  outfile: join(dist, 'cli', 'search-start.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  packages: 'external',
  banner: {
    js: [
      '// Made by scripts/bundle-cli.mjs from dist/: do not edit. Required by bin/glimpse.js.',
      'var __glimpseUrl = (path) => require("node:url").pathToFileURL(require("node:path").join(__dirname, path)).href;',
    ].join('\n'),
  },
  plugins: [
    {
      name: 'glimpse-start',
      setup(bundler) {
        bundler.onLoad({ filter: /\.js$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          const path = JSON.stringify(relative(join(dist, 'cli'), args.path));
          return { contents: text.replaceAll('import.meta.url', `__glimpseUrl(${path})`), loader: 'js' };
        });
      },
    },
  ],
});

// esbuild escapes what is past ASCII in strings, not in regular expressions or comments: eight characters (« » — …)
// that made V8 hold the whole source as two bytes a character, decoded from UTF-8 at every search. Escaped, the
// same expressions (\uXXXX means the character in a pattern, with or without the u flag), and one byte each.
const bundled = await readFile(outfile, 'utf8');
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII
const escaped = bundled.replace(/[^\x00-\x7f]/g, (character) => {
  const code = character.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) throw new Error(`${outfile}: a character past U+FFFF, ${character}`);
  return `\\u${code.toString(16).padStart(4, '0')}`;
});
if (escaped !== bundled) await writeFile(outfile, escaped);
