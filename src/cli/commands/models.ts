/**
 * `glimpse models`: every provider Glimpse knows, the models people commonly pick, what each can do and which
 * environment variables it reads (from the providers' manifests), and whether each is ready right now (key set,
 * server answering, model present). Keys are never shown. Providers add commands of their own under `models`
 * (`glimpse models pull` comes from the local provider).
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { getProviderFactory, providerManifests } from '../../providers/registry.js';
import type { PresentModel, ProviderEnvironment, ProviderManifestCapabilities } from '../../providers/spec.js';
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
  capabilities: ProviderManifestCapabilities;
  /** Environment variables the provider reads (names only, never values). */
  env: ProviderEnvironment;
  ready: boolean;
  detail: string;
  /** Model folders present on this machine (the local provider), with size and dtype. */
  localModels?: PresentModel[];
}

export async function listModels(env: Record<string, string | undefined> = process.env): Promise<ModelsRow[]> {
  const settings = await loadSettings({}, env);
  return Promise.all(
    providerManifests().map(async (manifest): Promise<ModelsRow> => {
      const { name, description, models, capabilities } = manifest;
      const facts = {
        name,
        description,
        models,
        defaultModel: models[0] ?? null,
        embeddings: capabilities.embed,
        capabilities,
        env: manifest.env,
      };
      try {
        const factory = await getProviderFactory(name);
        const providerSettings = settings.settingsFor(name);
        const readiness = factory.readiness
          ? await factory.readiness(providerSettings)
          : { ready: true, detail: 'no check needed' };
        return {
          ...facts,
          model: providerSettings.model ?? models[0] ?? null,
          ...readiness,
          ...(factory.modelsPresent ? { localModels: await factory.modelsPresent(providerSettings) } : {}),
        };
      } catch (error) {
        return { ...facts, model: null, ready: false, detail: `cannot load: ${(error as Error).message}` };
      }
    }),
  );
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
      const present = rows.flatMap((row) => row.localModels ?? []);
      if (present.length > 0) {
        const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
        lines.push('', pc.bold('Local models present:'));
        lines.push(
          table(
            present.map((model) => [model.id, model.architecture, megabytes(model.sizeBytes), model.dtypes.join(', ')]),
            ['id', 'architecture', 'size', 'dtype'],
          ),
        );
      }
      lines.push(
        '',
        pc.dim('Choose with --provider NAME --model ID; chains fall back in order: --provider ollama,builtin.'),
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
