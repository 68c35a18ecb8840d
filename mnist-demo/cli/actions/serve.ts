/**
 * `penx serve [DIR] [--port N] [--host ADDR] [--json]`, and `--serve` on train/compare: the live
 * dashboard over a folder of runs, until Ctrl-C. Its address is printed on stdout when it listens
 * (--json: one JSON object { url, dir }).
 *
 *   folder checked (not there yet: `waiting for a run in DIR`, only runs penx writes there then read) ─► server on host:port (port 6060 by default, a free one when taken) ─► address printed
 *   ─► (train/compare: training runs meanwhile, then) serving until SIGINT/SIGTERM ─► closed
 *   train/compare/sweep --serve: listening before the backend starts (a port taken: refused, nothing
 *   started) ─► backend, folder ─► address printed (announceDashboard) ─► training ─► serving
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Dashboard, IOError, type Listening, serveDashboard, useQuietCpu } from 'penalty-explorer/node';
import { checkServeFlags, listenValues } from '../flag-values.ts';
import { whileServing } from '../interrupts.ts';
import { printJson, printJsonNow } from '../json.ts';

/** The flags of `penx serve` (and of `penx playground`), as commander gives them (text, checked by the action). */
export interface ServeFlags {
  readonly port?: string;
  readonly host?: string;
  /** Print the address as one JSON object { url, dir } (the port may be a free one). */
  readonly json?: boolean;
}

/** The port used when none is given (a free one when it is taken). */
export const DEFAULT_PORT = 6060;

/**
 * Listens with `start` on the port asked for (`flag`'s value), or on `fallback` — and on any free
 * port when that is taken; a UsageError for an empty `--host`, an IOError naming the flag when the
 * port asked for is taken or the host is not this machine's.
 */
export async function listenOnPort<T>(flags: ServeFlags, flag: string, fallback: number, start: (host: string, port: number) => Promise<T>): Promise<T> {
  const given = listenValues(flags, flag);
  const host = given.host ?? '127.0.0.1';
  const port = given.port;
  try {
    return await start(host, port ?? fallback);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (port === undefined && code === 'EADDRINUSE') return start(host, 0);
    if (code === 'EADDRINUSE') throw new IOError(`port ${port} is taken; give another with ${flag}, or 0 for any free port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new IOError(`cannot listen on ${host}: not an address of this machine`);
    throw err;
  }
}

/** Listens with the dashboard over `dir` (which may not exist yet: its runs are listed as they appear); its address not printed yet. */
export function listenDashboard(dir: string, flags: ServeFlags): Promise<Dashboard> {
  return listenOnPort(flags, '--port', DEFAULT_PORT, (host, port) => serveDashboard({ dir, host, port }));
}

/** `penx serve`'s address line (--json: one JSON object { url, dir } on one line). */
export function printDashboardAddress(dashboard: Dashboard, dir: string, flags: ServeFlags): void {
  // One line: a script reads the address as soon as it is printed, while the dashboard serves on.
  if (flags.json) printJson({ url: dashboard.url, dir: resolve(dir) }, 0);
  else announceDashboard(dashboard, dir);
}

/**
 * Serves until Ctrl-C (or SIGTERM), then closes `site` and resolves: Ctrl-C is then the normal end
 * (exit code 0), not an interruption to continue with --resume. `announce` (printing the address)
 * runs only once Ctrl-C is set to stop serving, so a Ctrl-C as soon as the address shows is never
 * lost; a second one while closing exits at once.
 */
export function serveUntilStopped(site: Listening, announce: () => void = () => {}): Promise<void> {
  return new Promise((resolve) => {
    const release = whileServing(() => {
      release();
      void site.close().then(resolve);
    });
    announce();
  });
}

/** `penx serve`. */
export async function serve(dir: string, flags: ServeFlags): Promise<void> {
  // The penalty-shape view evaluates penalties on tiny tensors: the quiet cpu backend.
  await useQuietCpu();
  checkServeFlags(dir, flags);
  // Not made yet (a run about to start): said on stderr; the page says it too until a run penx writes is there.
  if (!existsSync(dir))
    console.error(`waiting for a run in ${dir}: the dashboard shows it once penx writes one there (its folder's marker, then its first run.json)`);
  const dashboard = await listenDashboard(dir, flags);
  await serveUntilStopped(dashboard, () => printDashboardAddress(dashboard, dir, flags));
}

/**
 * `--serve [port]` / `--host` of train, compare and sweep: the dashboard over the output folder,
 * listening (its port kept), its address not printed yet; or none. Called before the backend starts
 * and the folder is made, so a port that is taken refuses the command with nothing written
 * (listening is the only proof that a port is free). Its address is printed by `announceDashboard`
 * once the training really starts: a command refused after listening (a backend that does not
 * start, an output folder that cannot be made) never showed an address it closed.
 */
export async function dashboardFor(flags: object, dir: string): Promise<Dashboard | undefined> {
  const { serve: asked, host } = flags as { serve?: boolean | string; host?: string };
  if (asked === undefined || asked === false) return undefined;
  const given = { ...(typeof asked === 'string' ? { port: asked } : {}), ...(host === undefined ? {} : { host }) };
  return listenOnPort(given, '--serve', DEFAULT_PORT, (h, port) => serveDashboard({ dir, host: h, port }));
}

/** `--serve`'s address line (`dashboard: URL (DIR; Ctrl-C to stop)`), once the command has started training. */
export function announceDashboard(dashboard: Dashboard | undefined, dir: string): void {
  if (dashboard) console.log(`dashboard: ${dashboard.url} (${dir}; Ctrl-C to stop)`);
}

/** After training: say so (and print the `--json` document, the work being done), and serve until Ctrl-C. */
export async function keepServing(dashboard: Dashboard): Promise<void> {
  await serveUntilStopped(dashboard, () => {
    console.error(`training finished; the dashboard stays at ${dashboard.url} until Ctrl-C`);
    printJsonNow();
  });
}
