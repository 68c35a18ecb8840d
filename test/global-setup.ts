/**
 * Before any test: build both packages' dist/ (and the playground page) from the sources when they are older than the
 * sources, so the tests that run the `penx` command run what the packages ship
 * (mnist-demo/dist/cli.mjs on src/dist/), never a stale build. Files are overwritten in place (no
 * clean), so a test run elsewhere in the tree never sees an empty dist/.
 *
 * Then the run's own temporary folder: TMPDIR for the test files and every process they start
 * (`os.tmpdir()`, Python's `tempfile`, `mktemp`), e.g. /tmp/penx-tests-Ab12Cd/penx-sweep-Xy34Zw. After
 * the last file it must hold no `penx-*` entry — each test removes what it made, also when it fails,
 * and what the processes it started made — else the run fails (exit 1) naming them. The folder is
 * removed either way, so a CI machine does not collect them run after run. Only this run's folders
 * are judged: other processes on the machine make `penx-*` folders in /tmp too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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

export default function setup(): () => void {
  // PENX_SKIP_BUILD=1: use dist/ as it is (unit tests while another build is in progress).
  if (process.env.PENX_SKIP_BUILD !== '1') build();
  return ownTmpdir();
}

/** TMPDIR set to a new folder for this run; the teardown that removes it, failing the run when a `penx-*` entry was left in it. */
function ownTmpdir(): () => void {
  const run = mkdtempSync(join(tmpdir(), 'penx-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = run;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    const left = readdirSync(run).filter((name) => name.startsWith('penx-'));
    rmSync(run, { recursive: true, force: true });
    if (left.length === 0) return;
    // Vitest logs a teardown's error without failing the run: the exit code says it.
    process.exitCode = 1;
    throw new Error(`the tests left ${left.length} temporary folder(s) behind (each test removes what it made): ${left.sort().join(', ')}`);
  };
}

/** Both packages' dist/ and the playground page, built when older than their sources (the file's comment). */
function build(): void {
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
