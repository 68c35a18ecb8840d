/**
 * The live dashboard over a folder of runs (Node only; `penx serve` is it), and the rules every
 * server of this tool keeps (loopback by default, GET and HEAD only, nothing outside its folder):
 *
 *   folder ─► RunsIndex (runs-index.ts): every run.json under it, read once per change, by group
 *   ─► serveDashboard (server.ts; the rules: http.ts, paths.ts): the page (dashboard-page.ts,
 *      dashboard-style.ts), /api/runs, a view of the runs asked for (view-query.ts; its range within the
 *      runs' histograms: view-range.ts; its size capped: view-limit.ts) compiled to Vega, its CSV, events when a run.json changes, files under the folder
 *   serveStatic (static.ts): a folder of static files (a built page) under the same rules
 */

export { DASHBOARD_CSP, type Listening } from './http.ts';
export { insideRoot } from './paths.ts';
export { type RunEntry, RunsIndex } from './runs-index.ts';
export { type Dashboard, type ServeOptions, serveDashboard } from './server.ts';
export { type StaticOptions, serveStatic } from './static.ts';
