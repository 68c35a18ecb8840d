/**
 * `penx playground [--port N] [--host ADDR] [--json]`: the playground page (built by `npm run build`
 * into this package's dist/playground/) served on loopback with the dashboard's rules, until Ctrl-C.
 * It opens nothing: the address is printed (and the page loads nothing from elsewhere).
 *
 *   dist/playground/index.html there? ─► static server on host:port (6070, or a free one when taken)
 *   ─► address printed (--json: one JSON object) ─► serving until SIGINT/SIGTERM
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IOError, type Listening, serveStatic } from 'penalty-explorer/node';
import { printJson } from '../json.ts';
import { listenOnPort, type ServeFlags, serveUntilStopped } from './serve.ts';

/** The flags of `penx playground`, as commander gives them (text, checked by the action). */
export interface PlaygroundFlags extends ServeFlags {
  readonly json?: boolean;
}

/** The port used when none is given (a free one when it is taken). */
export const PLAYGROUND_PORT = 6070;

/**
 * What the page may do: Vega's expressions and the code box's penalty are compiled with Function
 * ('unsafe-eval'), TF.js compiles WebAssembly ('wasm-unsafe-eval'); scripts, the worker, the data
 * and the .wasm files come from this server only, but for the threads of TF.js's threaded wasm
 * build, which it starts as workers from blob: URLs the page made; figures are exported as data:
 * and blob: URLs. The page is cross-origin isolated (serveStatic's `isolated`), so wasm trains on
 * every core.
 */
export const PLAYGROUND_CSP =
  "default-src 'self'; script-src 'self' blob: 'unsafe-eval' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'";

/** The built playground: this package's dist/playground/. */
export function playgroundDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('penx/package.json')), 'dist', 'playground');
}

/** `penx playground`. */
export async function playground(flags: PlaygroundFlags): Promise<void> {
  const dir = playgroundDir();
  const site = await listenPlayground(flags, dir);
  await serveUntilStopped(site, () => printPlaygroundAddress(site, dir, flags));
}

/** Serves the built playground in `dir` (this package's by default); its address not printed yet. */
export async function listenPlayground(flags: PlaygroundFlags, dir = playgroundDir()): Promise<Listening> {
  if (!existsSync(join(dir, 'index.html'))) throw new IOError(`the playground is not built (no ${join(dir, 'index.html')}); run npm run build`);
  return listenOnPort(flags, '--port', PLAYGROUND_PORT, (host, port) => serveStatic({ dir, host, port, csp: PLAYGROUND_CSP, isolated: true }));
}

/** `penx playground`'s address line (--json: one line `{ url, dir }`). */
export function printPlaygroundAddress(site: Listening, dir: string, flags: PlaygroundFlags): void {
  if (flags.json) printJson({ url: site.url, dir }, 0);
  else console.log(`playground: ${site.url} (Ctrl-C to stop); e.g. ${site.url}?penalty=l1:1e-4&epochs=1&train=512&backend=wasm&autostart=1`);
}
