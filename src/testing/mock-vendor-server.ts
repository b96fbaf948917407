/**
 * Test support: a real HTTP server on 127.0.0.1 (random port) that records every request and answers as a
 * vendor's API would, scripted by the test. Used by the provider tests; never contacts anything else.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: any;
  receivedAt: number;
}

export type Reply =
  | { status?: number; headers?: Record<string, string>; json?: unknown; text?: string }
  /** Never answer: for timeouts. */
  | 'hang';

export type Handler = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface MockServer {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: RecordedRequest[];
  /** Replace the handler (one server per test file, a script per test). */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startMockServer(
  initial: Handler = () => ({ status: 404, json: { error: 'no handler' } }),
): Promise<MockServer> {
  let handler = initial;
  const requests: RecordedRequest[] = [];
  const server = createServer(async (incoming, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    const request: RecordedRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      body,
      receivedAt: Date.now(),
    };
    requests.push(request);
    let reply: Reply;
    try {
      reply = await handler(request, requests.length - 1);
    } catch (error) {
      reply = { status: 599, json: { error: `mock handler threw: ${(error as Error).message}` } };
    }
    if (reply === 'hang') return; // leave the socket open; close() destroys it
    const payload = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
    response.writeHead(reply.status ?? 200, {
      'content-type': reply.json !== undefined ? 'application/json' : 'text/plain',
      ...reply.headers,
    });
    response.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
