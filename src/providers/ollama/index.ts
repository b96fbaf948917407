/**
 * Ollama (LLaVA, llama3.2-vision, qwen2.5vl, moondream, gemma3…) through ollama-ai-provider-v2: /api/chat with
 * base64 images, /api/embed for nomic-embed-text. OLLAMA_HOST may be "host:port" or a URL, as Ollama accepts.
 */
import { createOllama } from 'ollama-ai-provider-v2';
import { defineVisionProvider, modelListDetail, probeEndpoint } from '../vision-language/define-provider.js';
import { manifest } from './manifest.js';

export { manifest };

export const factory = defineVisionProvider(manifest, {
  defaultBaseUrl: 'http://127.0.0.1:11434',
  normalizeBaseUrl: ollamaApiUrl,
  requiresApiKey: false,
  // A local model may need a minute to load into memory on the first request.
  defaultTimeoutMs: 300_000,
  defaultConcurrency: 1,
  languageModel: (settings) => createOllama({ baseURL: settings.baseUrl })(settings.model),
  embedding: {
    defaultModel: 'nomic-embed-text',
    dimensions: {
      'nomic-embed-text': 768,
      'mxbai-embed-large': 1024,
      'all-minilm': 384,
      'snowflake-arctic-embed': 1024,
    },
    create: (settings, model) => createOllama({ baseURL: settings.baseUrl }).embedding(model),
    // nomic-embed-text was trained with these task prefixes; without them retrieval quality drops.
    prefixes: (model) =>
      model.startsWith('nomic-embed-text') ? { query: 'search_query: ', document: 'search_document: ' } : undefined,
  },
  probe: (settings, signal) =>
    probeEndpoint(`${settings.baseUrl}/tags`, {}, signal, (body) =>
      modelListDetail(
        ((body as { models?: { name: string }[] })?.models ?? []).map((model) => model.name),
        settings.model,
      ),
    ),
});

/** "127.0.0.1:11434", "http://host", "http://host:11434/api" → "http://host:port/api". */
export function ollamaApiUrl(host: string): string {
  let url = host.trim().replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(url)) url = `http://${url}`;
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1'; // OLLAMA_HOST=0.0.0.0 means "listen everywhere"
  if (!parsed.port && parsed.protocol === 'http:' && !/:\d+$/.test(url.replace(/\/.*$/, ''))) parsed.port = '11434';
  const path = parsed.pathname.replace(/\/+$/, '');
  parsed.pathname = path.endsWith('/api') ? path : `${path}/api`;
  return parsed.toString().replace(/\/+$/, '');
}
