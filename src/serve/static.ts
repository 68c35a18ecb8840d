/**
 * A folder of static files (a built web page) served with the dashboard's rules (http.ts): loopback
 * only by default (an empty host refused, as serveDashboard refuses it), nothing outside the folder
 * (symbolic links followed and checked), no dot files, `/` answered with the folder's index.html,
 * security headers on every answer.
 *
 * @example
 * const site = await serveStatic({ dir: 'mnist-demo/dist/playground', csp: "default-src 'self'", isolated: true });
 * console.log(site.url);
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type Send from 'send';
import { fail, type Listening, listen, securityHeaders } from './http.ts';
import { insideRoot } from './paths.ts';

let sendModule: typeof Send | undefined;
/**
 * `send`, required when the first file is served: importing `penalty-explorer/node` (every `penx` command, a
 * catalogue's listing too) does not load it and the packages it requires (~40 ms of CPU).
 */
function send(...args: Parameters<typeof Send>): ReturnType<typeof Send> {
  sendModule ??= createRequire(import.meta.url)('send') as typeof Send;
  return sendModule(...args);
}

/** `serveStatic`'s options: the folder, where to listen, the content security policy and cross-origin isolation. */
export interface StaticOptions {
  /** The folder to serve. */
  readonly dir: string;
  /** The address to listen on; default 127.0.0.1 (loopback only); `''` is refused (a UsageError), not read as every address. */
  readonly host?: string;
  /** The port; default 0 (any free port). */
  readonly port?: number;
  /** The content security policy of every answer. */
  readonly csp: string;
  /**
   * Cross-origin isolation: every answer says `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`, so the page may share memory between threads
   * (SharedArrayBuffer: TF.js's threaded wasm build). The page then loads nothing from elsewhere.
   */
  readonly isolated?: boolean;
}

/** The answers' headers that make a page cross-origin isolated. */
const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** Streams the file `rel` (checked by insideRoot) under `root`, with `headers`; 404 when missing. */
export function sendFile(req: IncomingMessage, res: ServerResponse, root: string, rel: string, headers: Record<string, string>): void {
  send(req, rel, { root, dotfiles: 'deny', index: false, cacheControl: false })
    .on('error', (err: { status?: number }) => fail(res, err.status ?? 500, err.status === 404 ? 'no such file' : 'cannot read that file', headers))
    .on('headers', (r: ServerResponse) => {
      for (const [k, v] of Object.entries({ ...headers, 'cache-control': 'no-store' })) r.setHeader(k, v);
    })
    .pipe(res);
}

/** Serves the files under `options.dir` until closed. */
export function serveStatic(options: StaticOptions): Promise<Listening> {
  const root = options.dir;
  const headers = { ...securityHeaders(options.csp), ...(options.isolated ? ISOLATION_HEADERS : {}) };
  return listen(options, (req, res, url) => {
    const rel = insideRoot(root, url.pathname === '/' ? 'index.html' : url.pathname.slice(1));
    if (rel === undefined) return fail(res, 403, 'outside the served folder', headers);
    sendFile(req, res, root, rel, headers);
  });
}
