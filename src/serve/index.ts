/** penx serve: the live dashboard over a folder of runs (Node only). */
export { serveDashboard, type Dashboard, type ServeOptions } from './server.ts';
export { RunsIndex, type RunEntry } from './runs-index.ts';
export { insideRoot } from './paths.ts';
export { serveStatic, type StaticOptions } from './static.ts';
export { DASHBOARD_CSP, type Listening } from './http.ts';
