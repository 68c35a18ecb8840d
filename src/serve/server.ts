/**
 * The dashboard's HTTP server (Node's http; files under the folder streamed by `send`):
 *
 *   GET /                      the page (dashboard-page.ts)
 *   GET /assets/…              its script, style and Vega's browser build — nothing from elsewhere
 *   GET /api/runs              the runs under the folder (RunsIndex), and the run.json files skipped as not valid records; 404 once
 *                              the folder is gone (removed or moved while served)
 *   GET /api/view/ID?…         a view (figures/views.ts) of the runs asked for (run=ID&run=ID…, view-query.ts), compiled to Vega; 400 for a
 *                              range past the runs' histograms, fine or, in older records, recorded (view-range.ts); 413 past
 *                              MAX_VIEW_ROWS data rows (view-limit.ts: the page's tab crashed drawing them); 422 (why, in the view's card)
 *                              for records the view cannot read, never a 500
 *   GET /api/csv/ID?…          the numbers of that view as CSV
 *   GET /api/events            server-sent events: `runs` whenever a run.json changes (polled)
 *   GET /files/PATH            a file under the folder (path traversal refused: 403), as data: sandboxed, nothing in it runs
 *
 * A folder that does not exist yet is waited for: /api/runs answers `waiting` (the page's status line) until a run
 * penx writes appears; then, and for as long as it serves, only what penx's markers prove its own is read
 * (RunsIndex's `markedOnly`; a file under /files/ only in a folder with a marker).
 *
 * Bound to 127.0.0.1 unless a host is given (an empty one is refused: a UsageError); while bound to loopback, requests whose Host header
 * names another host are refused (a web page elsewhere cannot reach it by DNS rebinding).
 */
import { existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DataError, SpecError } from '../errors.ts';
import { readMarker } from '../folders/index.ts';
import type { RunRecord } from '../formats/index.ts';
import { penaltyCurves, vegaScript } from '../render/index.ts';
import { DASHBOARD_SCRIPT, forPage, grouped, runIdsOf, splitRunsHint, type ViewData, viewById, viewCsv, viewsOf } from '../viz/index.ts';
import { dashboardPage } from './dashboard-page.ts';
import { DASHBOARD_STYLE } from './dashboard-style.ts';
import { DASHBOARD_CSP, FILE_CSP, fail as failWith, jsonBody, type Listening, listen, listenHost, reply as replyWith, securityHeaders } from './http.ts';
import { insideRoot } from './paths.ts';
import { RunsIndex } from './runs-index.ts';
import { sendFile } from './static.ts';
import { dataRows, MAX_VIEW_ROWS } from './view-limit.ts';
import { parseViewQuery, QueryError } from './view-query.ts';
import { checkRange } from './view-range.ts';

/** Whether `path` is a folder now (false when it is gone). */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A view that cannot draw the records chosen (valid records it cannot read): answered 422, its message shown in the view's card. */
class CannotDrawError extends Error {}

/** `serveDashboard`'s options: the folder of runs, where to listen, how often to look for changes. */
export interface ServeOptions {
  /** The folder of runs and comparisons to serve; one that does not exist yet is waited for (only runs penx writes there are then read). */
  readonly dir: string;
  /** The address to listen on; default 127.0.0.1 (loopback only); `''` is refused (a UsageError), not read as every address. */
  readonly host?: string;
  /** The port; default 0 (any free port). */
  readonly port?: number;
  /** How often run.json files are checked for changes, in ms; default 1000. */
  readonly pollMs?: number;
  /** The most data rows a view sent to the page may have (`MAX_VIEW_ROWS`, 500 000); a larger one is refused with a message. */
  readonly maxViewRows?: number;
}

/** A running dashboard. */
export type Dashboard = Listening;

const SECURITY_HEADERS = securityHeaders(DASHBOARD_CSP);
const FILE_HEADERS = securityHeaders(FILE_CSP);
const reply = (res: ServerResponse, status: number, type: string, body: string | Uint8Array, extra: Record<string, string> = {}) =>
  replyWith(res, status, type, body, { ...SECURITY_HEADERS, ...extra });
const json = (res: ServerResponse, value: unknown, status = 200) => reply(res, status, 'application/json; charset=utf-8', jsonBody(value));
const fail = (res: ServerResponse, status: number, message: string) => failWith(res, status, message, SECURITY_HEADERS);

/** Starts the dashboard over `options.dir`. */
export async function serveDashboard(options: ServeOptions): Promise<Dashboard> {
  // Refused before anything starts (an empty host would listen on every address).
  listenHost(options.host);
  const root = options.dir;
  // Not there yet (a run about to start): waited for, and then only what penx writes there is read.
  const waited = !existsSync(root);
  let appeared = !waited;
  const index = new RunsIndex(root, { markedOnly: waited });
  const clients = new Set<ServerResponse>();
  const vega = await vegaScript();

  /** The records of the runs `q` asks for (`ids`, read from it); a run not served is a QueryError. */
  const recordsOf = (ids: readonly string[], q: URLSearchParams): RunRecord[] => {
    const known = index.ids();
    return ids.map((id) => {
      const r = known.has(id) ? index.record(id) : undefined;
      if (!r) throw new QueryError(`no run ${JSON.stringify(id)} under the served folder${splitRunsHint(q, id)}`);
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
    const runs = recordsOf(q.runs, url.searchParams);
    if (!runs.length) throw new QueryError('no runs chosen');
    if (q.options.range)
      checkRange(
        q.options.range,
        q.runs.map((id, i) => [id, runs[i] as RunRecord]),
      );
    const data: ViewData = view.needsPenalties ? await penaltyData(runs, q.options.range) : {};
    try {
      return view.spec(runs, q.options, data);
    } catch (err) {
      // A record the view cannot read (a spec, a format): said in the view's card, not a 500.
      if (err instanceof SpecError || err instanceof DataError) throw new CannotDrawError(`${id}: cannot draw these runs: ${err.message}`);
      throw err;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    if (path === '/') return reply(res, 200, 'text/html; charset=utf-8', dashboardPage(root));
    if (path === '/favicon.ico') return reply(res, 204, 'image/x-icon', '');
    if (path === '/assets/vega.min.js') return reply(res, 200, 'text/javascript; charset=utf-8', vega);
    if (path === '/assets/dashboard.js') return reply(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_SCRIPT);
    if (path === '/assets/dashboard.css') return reply(res, 200, 'text/css; charset=utf-8', DASHBOARD_STYLE);
    if (path === '/api/runs') {
      if (isFolder(root)) appeared = true;
      // Not made yet: waited for (the page's status line says so).
      else if (!appeared) return json(res, { runs: [], skipped: [], views: [], waiting: waitingText(root) });
      // Removed or moved while served: said (the page's status line), not an empty list with no why.
      else return fail(res, 404, `the served folder ${root} is gone (removed or moved while served): make it again, or serve another`);
      const runs = index.list();
      // The views of every run served: the built-in ones, and those the runs' user monitors bring.
      const records = runs.flatMap((r) => index.record(r.id) ?? []);
      return json(res, {
        runs,
        skipped: index.skipped(),
        views: viewsOf(records).map((v) => ({ id: v.id, title: v.title, perEpoch: v.perEpoch })),
        ...(waited && !runs.length ? { waiting: waitingText(root) } : {}),
      });
    }
    if (path === '/api/events') return events(req, res);
    const view = /^\/api\/(view|csv)\/([A-Za-z0-9_-]+)$/.exec(path);
    if (view) {
      try {
        const spec = await viewOf(url, view[2] as string);
        if (view[1] === 'csv')
          return reply(res, 200, 'text/csv; charset=utf-8', viewCsv(spec), { 'content-disposition': `attachment; filename="${view[2]}.csv"` });
        const rows = dataRows(spec);
        const most = options.maxViewRows ?? MAX_VIEW_ROWS;
        if (rows > most) {
          const runs = runIdsOf(url.searchParams).length;
          return fail(
            res,
            413,
            `${view[2]}: ${grouped(rows)} data rows for ${runs} run${runs === 1 ? '' : 's'}, more than the page draws (${grouped(most)}); choose fewer runs or fewer bins (its CSV still downloads)`,
          );
        }
        return json(res, await forPage(spec));
      } catch (err) {
        if (err instanceof QueryError || err instanceof RangeError) return fail(res, 400, err.message);
        if (err instanceof CannotDrawError) return fail(res, 422, err.message);
        throw err;
      }
    }
    if (path.startsWith('/files/')) {
      const rel = insideRoot(root, path.slice('/files/'.length));
      if (rel === undefined) return fail(res, 403, 'outside the served folder');
      if (waited && !inMarkedFolder(root, rel)) return fail(res, 403, 'not in a folder penx wrote (no marker of penx in its folders): not served');
      return sendFile(req, res, root, rel, FILE_HEADERS);
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

  return listen(
    {
      ...(options.host === undefined ? {} : { host: options.host }),
      port: options.port ?? 0,
      csp: DASHBOARD_CSP,
      onClose: () => {
        clearInterval(timer);
        for (const c of clients) c.end();
      },
    },
    handle,
  );
}

/** What the page says while a folder served before it existed holds no run penx wrote. */
function waitingText(root: string): string {
  return `waiting for a run in ${root}: shown once penx writes one there (its folder's marker, then its first run.json)`;
}

/** True when the file `rel` (under `root`) lies in a folder holding penx's marker: the file's own folder or one above it, within `root`. */
function inMarkedFolder(root: string, rel: string): boolean {
  const parts = rel.split('/').slice(0, -1);
  for (let n = parts.length; n >= 0; n--) if (readMarker(join(root, ...parts.slice(0, n))) !== undefined) return true;
  return false;
}

/** The penalty curves of the runs over the range (default [−1, 1]). */
async function penaltyData(runs: readonly RunRecord[], range: readonly [number, number] | undefined): Promise<ViewData> {
  const { curves, missing } = await penaltyCurves(runs, range ? { range } : {});
  return { penalties: curves, missingPenalties: missing };
}
