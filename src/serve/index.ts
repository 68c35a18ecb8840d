/** penx serve: the live dashboard over a folder of runs (Node only). */

export { DASHBOARD_CSP, type Listening } from './http.ts';
export { insideRoot } from './paths.ts';
export { type RunEntry, RunsIndex } from './runs-index.ts';
export { type Dashboard, type ServeOptions, serveDashboard } from './server.ts';
export { type StaticOptions, serveStatic } from './static.ts';
