/**
 * The MCP streamable HTTP transport for `glimpse serve` (POST /mcp), stateless: each request gets its own server
 * and transport, answered as JSON. The web server's checks run first (token, loopback Host, Origin), so /mcp
 * follows the same token rules as /api/v1.
 */
import type { Glimpse } from '../glimpse.js';
import { createMcpServer, type McpServerOptions } from './server.js';

export function mcpHttpHandler(glimpse: Glimpse, options: McpServerOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const { WebStandardStreamableHTTPServerTransport } = await import(
      '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
    );
    const server = createMcpServer(glimpse, options);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      await server.close().catch(() => undefined);
    }
  };
}
