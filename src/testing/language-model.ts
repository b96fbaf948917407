/**
 * A library whose provider is the OpenAI-compatible one, pointed at a mock vendor server (a real local HTTP server:
 * tests read the requests it received). No retries, so a refused request fails at once.
 */
import { createGlimpse, type Glimpse } from '../glimpse.js';
import type { MockServer } from './mock-vendor-server.js';

export function glimpseWithMockModel(db: string, server: MockServer, model = 'qwen'): Promise<Glimpse> {
  return createGlimpse({
    db,
    embedder: null,
    provider: 'openai-compatible',
    providerSettings: {
      baseUrl: `${server.url}/v1`,
      apiKey: 'test-token',
      model,
      env: {},
      options: { maxRetries: 0 },
    },
  });
}
