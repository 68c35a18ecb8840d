/**
 * Before any test: build both packages' dist/ (and the playground page) from the sources when they are older than the
 * sources, so the tests that run the `penx` command run what the packages ship
 * (mnist-demo/dist/cli.mjs on src/dist/), never a stale build. Files are overwritten in place (no
 * clean), so a test run elsewhere in the tree never sees an empty dist/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What a build writes, or copies into the sources: not a source. */
const BUILT = new Set(['dist', 'node_modules', 'README.md', 'LICENSE']);

/** The newest modification time of the source files below `path`. */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(
    s.mtimeMs,
    ...readdirSync(path)
      .filter((name) => !BUILT.has(name))
      .map((name) => newest(join(path, name))),
  );
}

export default function setup(): void {
  // PENX_SKIP_BUILD=1: use dist/ as it is (unit tests while another build is in progress).
  if (process.env.PENX_SKIP_BUILD === '1') return;
  const built = 'mnist-demo/dist/cli.mjs';
  const sources = Math.max(...['src', 'mnist-demo', 'tsdown.config.mjs', 'side-effect-free.mjs', 'package.json'].map(newest));
  if (!existsSync(built) || statSync(built).mtimeMs <= sources) {
    const require = createRequire(import.meta.url);
    const bin = join(dirname(require.resolve('tsdown/package.json')), 'dist', 'run.mjs');
    execFileSync(process.execPath, [bin, '--config-loader', 'native', '--no-clean', '--logLevel', 'error'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // The playground's page (npm run build's second step), from the library's and its own sources.
  const page = 'mnist-demo/dist/playground/page.js';
  if (!existsSync(page) || statSync(page).mtimeMs <= sources)
    execFileSync(process.execPath, ['mnist-demo/playground/build.mjs', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
