/**
 * The rules every server of this tool keeps (the dashboard, the playground):
 *
 *   bound to 127.0.0.1 unless a host is given (an empty one refused: Node reads it as every address) ─► while on loopback (any of 127.0.0.0/8, ::1), a request
 *   whose Host header names another host is refused (no DNS rebinding) ─► GET and HEAD only ─► a `..` segment (plain or
 *   percent-encoded) refused before the URL parser folds it away ─► every answer with security
 *   headers (nothing loaded from elsewhere) and no caching
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError, visibleControls } from '../errors.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for an address of this machine's loopback: localhost, 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z). */
function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(host);
}

/** The content security policy of the dashboard: Vega evaluates its expressions with Function ('unsafe-eval'). */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'";

/**
 * The content security policy of a file served from a folder of runs: data, never a page of the
 * server's — nothing in it runs (a sandbox: an HTML or SVG file someone put in a run folder cannot
 * script the dashboard's origin), nothing is loaded for it but its own inline style and images.
 */
export const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox";

/** The security headers of every answer, with the page's content security policy. */
export function securityHeaders(csp: string): Record<string, string> {
  return { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'content-security-policy': csp };
}

/** A whole answer, never cached. */
export function reply(res: ServerResponse, status: number, type: string, body: string | Uint8Array, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

/**
 * `value` as an answer's JSON: a string's control and bidirectional characters as JSON's own
 * escapes (`visibleControls`), so a folder's name made by hand (`l1\u202egnp.exe`) reads back the
 * same in the page and cannot reorder or drive a terminal that shows the answer (`curl`).
 *
 * @example
 * jsonBody({ id: 'l1\u202egnp.exe' })   // '{"id":"l1\\u202egnp.exe"}'
 */
export function jsonBody(value: unknown): string {
  return visibleControls(JSON.stringify(value));
}

/** A JSON error answer `{ error }`. */
export function fail(res: ServerResponse, status: number, message: string, headers: Record<string, string>): void {
  reply(res, status, 'application/json; charset=utf-8', jsonBody({ error: message }), headers);
}

/** The host part of a Host header: `127.0.0.1:6060` → `127.0.0.1`, `[::1]:6060` → `[::1]`. */
function hostName(header: string | undefined): string {
  if (!header) return '';
  return header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : (header.split(':')[0] ?? '');
}

/** True when a request path has a `..` segment, also percent-encoded (`%2e%2e`, `..%2f`). */
function hasDotDot(rawPath: string): boolean {
  let decoded = rawPath;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return true;
  }
  return decoded.split(/[/\\]/).some((part) => part === '..');
}

/** A listening server. */
export interface Listening {
  /** Its address, e.g. `http://127.0.0.1:6060/`. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** `listen`'s options: where to listen, the content security policy, and what to do on close. */
export interface ListenOptions {
  /** The address to listen on; default 127.0.0.1 (loopback only); `''` is refused (a UsageError). */
  readonly host?: string;
  /** The port; default 0 (any free port). */
  readonly port?: number;
  /** The content security policy of every answer. */
  readonly csp: string;
  /** Called on close, before the server stops. */
  readonly onClose?: () => void;
}

/**
 * The address to listen on: `host`, 127.0.0.1 when none is given; a UsageError for an empty one,
 * which Node would read as every address (and then no Host header would be checked) — say, a host
 * read from an unset variable.
 *
 * @example
 * listenHost(undefined)   // '127.0.0.1'
 * listenHost('')          // throws: the host to listen on is empty (''), which Node reads as every address; give one, e.g. 127.0.0.1 (this machine only), or none (127.0.0.1)
 */
export function listenHost(host: string | undefined): string {
  if (host === '')
    throw new UsageError(
      "the host to listen on is empty (''), which Node reads as every address; give one, e.g. 127.0.0.1 (this machine only), or none (127.0.0.1)",
    );
  return host ?? '127.0.0.1';
}

/**
 * Listens with the rules above; `handle` gets only requests that passed them (its URL parsed) and
 * answers; a handler that throws answers 500 with the message. An empty host is refused (`listenHost`).
 */
export async function listen(
  options: ListenOptions,
  handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void,
): Promise<Listening> {
  const host = listenHost(options.host);
  const loopbackOnly = isLoopback(host);
  // The names a page of this server is reached by: the loopback names, and the address it is bound to.
  const ownNames = new Set([...LOOPBACK, host, host.includes(':') ? `[${host}]` : host]);
  const headers = securityHeaders(options.csp);
  const server = createServer((req, res) => {
    const run = async () => {
      if (loopbackOnly && !ownNames.has(hostName(req.headers.host))) return fail(res, 403, 'this server answers only to its loopback address', headers);
      if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'only GET', headers);
      if (hasDotDot((req.url ?? '/').split('?')[0] ?? '/')) return fail(res, 403, 'outside the served folder', headers);
      await handle(req, res, new URL(req.url ?? '/', 'http://localhost'));
    };
    run().catch((err: Error) => {
      if (!res.headersSent) fail(res, 500, err.message, headers);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        options.onClose?.();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
