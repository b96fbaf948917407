/**
 * Test support: a stand-in for the Hugging Face hub on 127.0.0.1, serving `/<id>/resolve/main/<file>` from a model
 * dir (the tiny models), with the request paths it saw; and the address of a port where nothing listens.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export async function startTestHub(root: string) {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const match = /^\/(.+?)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(request.url ?? ''));
    const path = match ? normalize(join(root, match[1]!, match[2]!)) : '';
    if (!match || !path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    response.writeHead(200, { 'content-length': statSync(path).size });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port that was just open and is now closed: connecting is refused at once, with no network needed. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
