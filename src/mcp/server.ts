/**
 * Glimpse as a Model Context Protocol server: tools an agent can call — search the library, describe or ask about
 * an image (a file under the allowed folders, or an http(s) URL), get one image's stored description with its
 * thumbnail, and index a folder the server was started with. Transports are the caller's: stdio (`glimpse mcp`)
 * or streamable HTTP. Like the other front doors, it calls the library's methods (a Glimpse), never its storage.
 *
 * Errors come back as MCP tool errors (`isError: true`) whose text is JSON: `{ "error": { code, message, hint } }`
 * with Glimpse's stable codes (src/errors.ts).
 */
import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { GlimpseError, toGlimpseError } from '../errors.js';
import type { Glimpse } from '../glimpse.js';
import { fetchUrlSafely } from '../images/url-fetch.js';
import { TASKS } from '../providers/spec.js';
import type { ImageInput } from '../types.js';

export interface McpServerOptions {
  /** Folders whose images `describe_image` and `ask_image` may read (absolute). */
  readRoots: string[];
  /** Folders `index_folder` may index (absolute); none: the tool refuses every folder. */
  allowIndex: string[];
  /** Fetch URLs on loopback and private networks too (trusted networks only). Default false. */
  allowPrivateUrls?: boolean;
  /** Largest image downloaded from a URL, in bytes. Default 20 MB. */
  maxUrlBytes?: number;
  version?: string;
}

const json = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
});

/** A Glimpse error as an MCP tool error carrying its code. */
export function toolError(error: unknown): CallToolResult {
  const glimpseError = toGlimpseError(error);
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: JSON.stringify({
          error: { code: glimpseError.code, message: glimpseError.message, hint: glimpseError.hint },
        }),
      },
    ],
  };
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The real path of `path` when it lies under one of `roots` (symbolic links followed), else PATH_NOT_ALLOWED. */
async function allowedPath(path: string, roots: string[], what: string, flag: string): Promise<string> {
  const absolute = resolve(path);
  const real = await realpath(absolute).catch(() => {
    throw new GlimpseError('FILE_NOT_FOUND', `${path}: no such file or folder`, { path });
  });
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => resolve(root))));
  if (!realRoots.some((root) => inside(real, root))) {
    throw new GlimpseError('PATH_NOT_ALLOWED', `${path}: outside the folders this server may ${what}`, {
      path,
      hint:
        roots.length > 0
          ? `Allowed: ${roots.join(', ')}. Start \`glimpse mcp ${flag} DIR\` to allow another folder.`
          : `Start \`glimpse mcp ${flag} DIR\` to allow a folder.`,
    });
  }
  return real;
}

const imageArgument = z
  .string()
  .min(1)
  .describe('An image file path (under the folders the server allows) or an http(s) URL');

/** Build the MCP server for a Glimpse; connect it to a transport with `server.connect(transport)`. */
export function createMcpServer(glimpse: Glimpse, options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'glimpse', version: options.version ?? '0.0.0' },
    {
      instructions:
        'Glimpse describes images in natural language and searches a library of indexed images by what they show. ' +
        'Use search_images to find images, get_image for one image’s stored description and thumbnail, ' +
        'describe_image and ask_image for any image file or URL.',
    },
  );

  /** A path under the read roots, or a URL fetched with the server's address rules. */
  const imageInput = async (image: string): Promise<ImageInput> => {
    if (/^https?:\/\//i.test(image)) {
      const bytes = await fetchUrlSafely(image, {
        maxBytes: options.maxUrlBytes ?? 20 * 1024 * 1024,
        timeoutMs: 30_000,
        allowPrivate: options.allowPrivateUrls ?? false,
      }).catch((error) => {
        if (!GlimpseError.is(error, 'URL_NOT_ALLOWED')) throw error;
        throw new GlimpseError('URL_NOT_ALLOWED', error.message, {
          path: image,
          hint: 'Loopback and private addresses are refused; start the server with --allow-private-urls to allow them.',
        });
      });
      return { bytes, name: image };
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(image) && !/^[a-z]:[\\/]/i.test(image))
      throw new GlimpseError('USAGE', `${image}: only file paths and http(s) URLs are accepted`, { path: image });
    return allowedPath(image, options.readRoots, 'read', '--allow-read');
  };

  const run =
    <A>(handler: (args: A) => Promise<CallToolResult>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        return await handler(args);
      } catch (error) {
        return toolError(error);
      }
    };

  server.registerTool(
    'search_images',
    {
      title: 'Search the image library',
      description:
        'Find indexed images by what they show, in natural language ("dog on a beach", "receipt from March"). ' +
        'Returns id, path, caption, tags and score for each match, best first.',
      inputSchema: {
        query: z.string().min(1).max(500).describe('What to look for'),
        limit: z.number().int().min(1).max(100).optional().describe('How many results (default 10)'),
        tags: z.array(z.string()).optional().describe('Only images that have all these tags'),
        after: z.string().optional().describe('ISO date: only images taken (or added) after it'),
        before: z.string().optional().describe('ISO date: only images taken (or added) before it'),
        folder: z.string().optional().describe('Only images under this folder'),
      },
      annotations: { readOnlyHint: true },
    },
    run(async ({ query, limit, tags, after, before, folder }) => {
      const response = await glimpse.search(query, { limit: limit ?? 10, tags, after, before, folder });
      return json({
        query: response.query,
        results: response.results.map(({ id, path, score, caption, tags, snippet }) => ({
          id,
          path,
          score: Number(score.toFixed(4)),
          caption,
          tags,
          snippet,
        })),
      });
    }),
  );

  server.registerTool(
    'get_image',
    {
      title: 'Get an indexed image',
      description:
        'Everything stored about one indexed image (by id or path): caption, tags, detailed description, alt text, ' +
        'text read in it, provenance — and a small thumbnail.',
      inputSchema: {
        image: z.union([z.number().int().min(1), z.string().min(1)]).describe('The image id (from search) or its path'),
        thumbnail: z.boolean().optional().describe('Include a thumbnail (default true)'),
      },
      annotations: { readOnlyHint: true },
    },
    run(async ({ image, thumbnail }) => {
      const details = glimpse.show(image);
      const { description, userEdits } = details;
      const result: CallToolResult = json({
        id: details.id,
        path: details.path,
        caption: details.caption,
        tags: details.tags,
        detailed: description?.detailed ?? null,
        alt: description?.alt ?? null,
        text: description?.text ?? null,
        objects: description?.objects.map((object) => object.label) ?? [],
        takenAt: details.takenAt,
        width: details.width,
        height: details.height,
        provider: description?.provider ?? null,
        model: description?.model ?? null,
        describedAt: description?.describedAt ?? null,
        personEdited: userEdits !== null,
        duplicates: details.duplicates,
      });
      if (thumbnail !== false) {
        const webp = await glimpse.thumbnail(details.id).catch(() => undefined);
        if (webp) result.content.push({ type: 'image', data: webp.toString('base64'), mimeType: 'image/webp' });
      }
      return result;
    }),
  );

  server.registerTool(
    'describe_image',
    {
      title: 'Describe an image',
      description:
        'Describe an image file or URL without adding it to the library: a caption, or another task ' +
        '(detailed, alt text, tags, OCR text, moderation, or everything as json).',
      inputSchema: {
        image: imageArgument,
        task: z.enum(TASKS).optional().describe('What to produce (default "caption")'),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    run(async ({ image, task }) => {
      const result = await glimpse.caption(await imageInput(image), { task: task ?? 'caption' });
      return json({ ...result, path: image });
    }),
  );

  server.registerTool(
    'ask_image',
    {
      title: 'Ask about an image',
      description: 'Ask a question about one image file or URL ("how many people are there?").',
      inputSchema: { image: imageArgument, question: z.string().min(1).max(2000).describe('The question') },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    run(async ({ image, question }) => {
      const result = await glimpse.ask(await imageInput(image), question);
      return json({ ...result, path: image });
    }),
  );

  server.registerTool(
    'ask_library',
    {
      title: 'Ask the image library',
      description:
        'Answer a question about the whole library ("when did we last go to the beach?", "how many photos show a cup?") ' +
        'from the stored descriptions, citing the images used (sources: id, path, caption, score).',
      inputSchema: {
        question: z.string().min(1).max(2000).describe('The question'),
        limit: z.number().int().min(1).max(50).optional().describe('Descriptions to retrieve (default 8)'),
      },
      annotations: { readOnlyHint: true },
    },
    run(async ({ question, limit }) => {
      const result = await glimpse.askLibrary(question, { limit });
      return json({ question: result.question, answer: result.answer, sources: result.sources, mode: result.mode });
    }),
  );

  server.registerTool(
    'index_folder',
    {
      title: 'Index a folder',
      description:
        'Describe and add the images under a folder to the library (incremental: unchanged images are skipped). ' +
        `Only folders the server was started with may be indexed${options.allowIndex.length ? `: ${options.allowIndex.join(', ')}` : ' (none were given)'}.`,
      inputSchema: { folder: z.string().min(1).describe('A folder under one the server allows') },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    },
    run(async ({ folder }) => {
      const path = await allowedPath(folder, options.allowIndex, 'index', '--allow-index');
      const summary = await glimpse.index([path]);
      return json(summary);
    }),
  );

  return server;
}
