/**
 * Putting the app on a socket. Refuses to listen beyond loopback without a token, and says why.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { GlimpseError } from '../errors.js';
import type { Glimpse } from '../glimpse.js';
import { createApp, type GlimpseApp } from './app.js';
import type { ServerOptions } from './options.js';

export interface StartOptions extends ServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 4173; 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  app: GlimpseApp;
  /** e.g. http://127.0.0.1:4173 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4173;

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Throws a USAGE error (before opening any socket) when the host is not loopback and there is no token. */
export function checkBinding(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && !token) {
    throw new GlimpseError(
      'USAGE',
      `Refusing to listen on ${host} without a token: anyone who can reach this address could read your images and their descriptions`,
      {
        hint: 'Set one with --token TOKEN or the GLIMPSE_TOKEN environment variable, or listen on 127.0.0.1 (the default).',
      },
    );
  }
}

export async function startServer(glimpse: Glimpse, options: StartOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  checkBinding(host, options.token);
  const app = createApp(glimpse, options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, hostname: host, port: options.port ?? DEFAULT_PORT }, () =>
      resolve(listening),
    );
    listening.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new GlimpseError('USAGE', `Port ${options.port} on ${host} is in use`, {
              hint: 'Pick another with --port.',
              cause: error,
            })
          : new GlimpseError('USAGE', `Cannot listen on ${host}:${options.port}: ${error.message}`, { cause: error }),
      ),
    );
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    app,
    url: `http://${urlHost}:${port}`,
    port,
    async close() {
      await app.close();
      // Event streams keep connections open; close them so the server can stop.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
