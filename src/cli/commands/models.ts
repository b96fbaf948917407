/**
 * `glimpse models`: every provider Glimpse knows, the models people commonly pick, and whether each is ready right
 * now (key set, server answering, model present). Keys are never shown. `glimpse models pull` (local models) is
 * added by models-pull.ts under the same command.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { getProviderFactory, providerNames } from '../../providers/registry.js';
import { printJson } from '../context.js';
import { pc, table } from '../output.js';

export interface ModelsRow {
  name: string;
  description: string;
  models: string[];
  defaultModel: string | null;
  /** The model readiness was checked for (the configured one, else the default). */
  model: string | null;
  embeddings: boolean;
  ready: boolean;
  detail: string;
  /** For `local`: the model folders present, with size and dtype. */
  localModels?: { id: string; architecture: string; sizeBytes: number; dtype: string; dtypes: string[] }[];
}

export async function listModels(env: Record<string, string | undefined> = process.env): Promise<ModelsRow[]> {
  const settings = await loadSettings({}, env);
  return Promise.all(
    providerNames().map(async (name): Promise<ModelsRow> => {
      try {
        const factory = await getProviderFactory(name);
        const providerSettings = settings.settingsFor(name);
        const readiness = factory.readiness ? await factory.readiness(providerSettings) : { ready: true, detail: 'no check needed' };
        return {
          name,
          description: factory.description,
          models: factory.models,
          defaultModel: factory.models[0] ?? null,
          model: providerSettings.model ?? factory.models[0] ?? null,
          embeddings: Boolean(factory.createEmbedder),
          ...readiness,
          ...(name === 'local' ? { localModels: await localModels(providerSettings) } : {}),
        };
      } catch (error) {
        return { name, description: '', models: [], defaultModel: null, model: null, embeddings: false, ready: false, detail: `cannot load: ${(error as Error).message}` };
      }
    }),
  );
}

/** Local model folders present in the model dir (read from disk only; no model is loaded). */
async function localModels(settings: import('../../providers/spec.js').ProviderSettings) {
  const { listLocalModels, modelDirectory } = await import('../../providers/local/model-directory.js');
  return listLocalModels(modelDirectory(settings)).map(({ id, architecture, sizeBytes, dtype, dtypes }) => ({ id, architecture, sizeBytes, dtype, dtypes }));
}

export function register(program: Command): void {
  const models = program.commands.find((command) => command.name() === 'models') ?? program.command('models');
  models
    .description('providers, their models, and whether each is ready (key set, server answering)')
    .option('--json', 'print as JSON, one object per provider')
    .action(async (options: { json?: boolean }) => {
      const rows = await listModels();
      if (options.json) {
        printJson(rows);
        return;
      }
      const body = rows.map((row) => [
        row.ready ? pc.green('ready') : pc.yellow('not ready'),
        row.name,
        row.model ?? '',
        row.ready ? row.detail : `${row.detail}`,
      ]);
      const lines = [table(body, ['status', 'provider', 'model', 'detail']), ''];
      for (const row of rows.filter((row) => row.models.length > 1)) {
        lines.push(`${pc.bold(row.name)}: ${row.models.join(', ')}${row.embeddings ? pc.dim('  (+ embeddings)') : ''}`);
      }
      const present = rows.find((row) => row.name === 'local')?.localModels ?? [];
      if (present.length > 0) {
        const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
        lines.push('', pc.bold('Local models present:'));
        lines.push(table(present.map((model) => [model.id, model.architecture, megabytes(model.sizeBytes), model.dtypes.join(', ')]), ['id', 'architecture', 'size', 'dtype']));
      }
      lines.push('', pc.dim('Choose with --provider NAME --model ID; chains fall back in order: --provider ollama,builtin.'));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
