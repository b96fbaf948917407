/**
 * One ExifTool (exiftool-vendored, which runs the bundled Perl ExifTool) for Glimpse's metadata work, started on
 * first use with a config that defines Glimpse's own XMP namespace (`XMP-glimpse`: provider, model, date), and
 * ended by `closeMetadataTool()` — Glimpse.close() calls it so the CLI exits promptly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExifTool } from 'exiftool-vendored';

/** The namespace URI of Glimpse's XMP properties (prefix `glimpse`). */
export const GLIMPSE_XMP_NAMESPACE = 'https://glimpse.invalid/ns/xmp/1.0/';

/** ExifTool user-defined tags (Perl): the `glimpse` XMP namespace. Debian's exiftool reads it with `-config`. */
export const EXIFTOOL_CONFIG = `# Glimpse's XMP namespace for ExifTool: provenance of the descriptions Glimpse writes.
%Image::ExifTool::UserDefined = (
    'Image::ExifTool::XMP::Main' => {
        glimpse => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::glimpse' } },
    },
);
%Image::ExifTool::UserDefined::glimpse = (
    GROUPS => { 0 => 'XMP', 1 => 'XMP-glimpse', 2 => 'Image' },
    NAMESPACE => { 'glimpse' => '${GLIMPSE_XMP_NAMESPACE}' },
    WRITABLE => 'string',
    Provider => { },
    Model => { },
    PromptVersion => { },
    DescribedAt => { },
    WrittenAt => { },
    CaptionSource => { },
    TagsSource => { },
    Caption => { },
    Tags => { List => 'Bag' },
);
# With -stay_open ExifTool waits on stdin for ever, even after its parent is killed (kill -9 leaves it behind):
# every 2 s it checks that the process that started it is still its parent, and exits when it is not.
{ my $parent = getppid(); $SIG{ALRM} = sub { exit 0 if getppid() != $parent; alarm 2 }; alarm 2; }
1;
`;

/** Write the config file once per content (a temporary file; ExifTool reads it at start). */
export function exiftoolConfigPath(): string {
  // Required here: Glimpse.close() loads this module to end a running ExifTool, which a search never starts.
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const digest = createHash('sha256').update(EXIFTOOL_CONFIG).digest('hex').slice(0, 12);
  const folder = join(tmpdir(), `glimpse-exiftool-${process.getuid?.() ?? 'user'}`);
  const path = join(folder, `glimpse-${digest}.config`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path, EXIFTOOL_CONFIG);
  return path;
}

let tool: Promise<ExifTool> | undefined;

/** The shared ExifTool, started on first use. */
export function metadataTool(): Promise<ExifTool> {
  tool ??= (async () => {
    const { ExifTool } = await import('exiftool-vendored');
    return new ExifTool({
      // -config must come first on ExifTool's command line; the rest are exiftool-vendored's defaults.
      exiftoolArgs: ['-config', exiftoolConfigPath(), '-stay_open', 'True', '-@', '-'],
      useMWG: false,
      maxProcs: 1,
      taskTimeoutMillis: 30_000,
    });
  })();
  return tool;
}

/** End ExifTool's child process, if one was started (the next use starts a new one). */
export async function closeMetadataTool(): Promise<void> {
  const running = tool;
  tool = undefined;
  if (running) await (await running).end();
}
