/**
 * The dashboard's HTTP server (Node's http; files under the folder streamed by `send`):
 *
 *   GET /                      the page (dashboard-page.ts)
 *   GET /assets/…              its script, style and Vega's browser build — nothing from elsewhere
 *   GET /api/runs              the runs under the folder (RunsIndex), and the run.json files skipped as not valid records
 *   GET /api/view/ID?…         a view (figures/views.ts) of the runs asked for, compiled to Vega
 *   GET /api/csv/ID?…          the numbers of that view as CSV
 *   GET /api/events            server-sent events: `runs` whenever a run.json changes (polled)
 *   GET /files/PATH            a file under the folder (path traversal refused: 403)
 *
 * Bound to 127.0.0.1 unless a host is given; while bound to loopback, requests whose Host header
 * names another host are refused (a web page elsewhere cannot reach it by DNS rebinding).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import send from 'send';
import type { RunRecord } from '../formats/index.ts';
import { penaltyCurves, vegaScript } from '../render/index.ts';
import { DASHBOARD_SCRIPT, forPage, type ViewData, viewById, viewCsv, viewsOf } from '../viz/index.ts';
import { dashboardPage } from './dashboard-page.ts';
import { DASHBOARD_STYLE } from './dashboard-style.ts';
import { insideRoot } from './paths.ts';
import { RunsIndex } from './runs-index.ts';
import { parseViewQuery, QueryError } from './view-query.ts';

export interface ServeOptions {
  /** The folder of runs and comparisons to serve. */
  readonly dir: string;
  /** The address to listen on; default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** The port; default 0 (any free port). */
  readonly port?: number;
  /** How often run.json files are checked for changes, in ms; default 1000. */
  readonly pollMs?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** Its address, e.g. `http://127.0.0.1:6060/`. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Vega evaluates its expressions with Function: 'unsafe-eval'. Nothing is loaded from elsewhere.
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'",
};

function reply(res: ServerResponse, status: number, type: string, body: string | Uint8Array, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

const json = (res: ServerResponse, value: unknown, status = 200) => reply(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
const fail = (res: ServerResponse, status: number, message: string) => json(res, { error: message }, status);

/** The host part of a Host header: `127.0.0.1:6060` → `127.0.0.1`, `[::1]:6060` → `[::1]`. */
function hostName(header: string | undefined): string {
  if (!header) return '';
  return header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : (header.split(':')[0] ?? '');
}

/** Starts the dashboard over `options.dir`. */
export async function serveDashboard(options: ServeOptions): Promise<Dashboard> {
  const root = options.dir;
  const host = options.host ?? '127.0.0.1';
  const loopbackOnly = LOOPBACK.has(host);
  const index = new RunsIndex(root);
  const clients = new Set<ServerResponse>();
  const vega = await vegaScript();

  const recordsOf = (ids: readonly string[]): RunRecord[] => {
    const known = index.ids();
    return ids.map((id) => {
      const r = known.has(id) ? index.record(id) : undefined;
      if (!r) throw new QueryError(`no run ${JSON.stringify(id)} under the served folder`);
      return r;
    });
  };

  const viewOf = async (url: URL, id: string) => {
    const view = viewById(id);
    if (!view)
      throw new QueryError(
        `no view ${JSON.stringify(id)}; views: ${viewsOf([])
          .map((v) => v.id)
          .join(', ')}, monitor-NAME`,
      );
    const q = parseViewQuery(url.searchParams);
    const runs = recordsOf(q.runs);
    if (!runs.length) throw new QueryError('no runs chosen');
    const data: ViewData = view.needsPenalties ? await penaltyData(runs, q.options.range) : {};
    return view.spec(runs, q.options, data);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (loopbackOnly && !LOOPBACK.has(hostName(req.headers.host))) return fail(res, 403, 'this dashboard answers only to its loopback address');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'only GET');
    // A `..` segment (plain or percent-encoded) is refused before the URL parser folds it away.
    if (hasDotDot((req.url ?? '/').split('?')[0] ?? '/')) return fail(res, 403, 'outside the served folder');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/') return reply(res, 200, 'text/html; charset=utf-8', dashboardPage(root));
    if (path === '/favicon.ico') return reply(res, 204, 'image/x-icon', '');
    if (path === '/assets/vega.min.js') return reply(res, 200, 'text/javascript; charset=utf-8', vega);
    if (path === '/assets/dashboard.js') return reply(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_SCRIPT);
    if (path === '/assets/dashboard.css') return reply(res, 200, 'text/css; charset=utf-8', DASHBOARD_STYLE);
    if (path === '/api/runs') {
      const runs = index.list();
      // The views of every run served: the built-in ones, and those the runs' user monitors bring.
      const records = runs.flatMap((r) => index.record(r.id) ?? []);
      return json(res, { runs, skipped: index.skipped(), views: viewsOf(records).map((v) => ({ id: v.id, title: v.title, perEpoch: v.perEpoch })) });
    }
    if (path === '/api/events') return events(req, res);
    const view = /^\/api\/(view|csv)\/([A-Za-z0-9_-]+)$/.exec(path);
    if (view) {
      try {
        const spec = await viewOf(url, view[2] as string);
        if (view[1] === 'csv')
          return reply(res, 200, 'text/csv; charset=utf-8', viewCsv(spec), { 'content-disposition': `attachment; filename="${view[2]}.csv"` });
        return json(res, await forPage(spec));
      } catch (err) {
        if (err instanceof QueryError || err instanceof RangeError) return fail(res, 400, err.message);
        throw err;
      }
    }
    if (path.startsWith('/files/')) {
      const rel = insideRoot(root, path.slice('/files/'.length));
      if (rel === undefined) return fail(res, 403, 'outside the served folder');
      send(req, rel, { root, dotfiles: 'deny', index: false })
        .on('error', (err: { status?: number }) => fail(res, err.status ?? 500, err.status === 404 ? 'no such file' : 'cannot read that file'))
        .on('headers', (r: ServerResponse) => {
          for (const [k, v] of Object.entries(SECURITY_HEADERS)) r.setHeader(k, v);
        })
        .pipe(res);
      return;
    }
    fail(res, 404, 'not found');
  };

  const events = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', ...SECURITY_HEADERS });
    res.write('retry: 2000\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
  };

  let last = index.signature();
  let polling = false;
  const timer = setInterval(() => {
    if (polling || clients.size === 0) return;
    polling = true;
    try {
      const now = index.signature();
      if (now !== last) {
        last = now;
        for (const c of clients) c.write(`event: runs\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`);
      }
    } finally {
      polling = false;
    }
  }, options.pollMs ?? 1000);
  timer.unref();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) fail(res, 500, err.message);
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
        clearInterval(timer);
        for (const c of clients) c.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
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

/** The penalty curves of the runs over the range (default [−1, 1]). */
async function penaltyData(runs: readonly RunRecord[], range: readonly [number, number] | undefined): Promise<ViewData> {
  const { curves, missing } = await penaltyCurves(runs, range ? { range } : {});
  return { penalties: curves, missingPenalties: missing };
}
