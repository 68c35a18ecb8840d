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
 *
 * A run killed before its end (Vitest's main process killed) leaves its folder: the next run removes it, when its
 * marker says it is this suite's and its Vitest process is gone (run-folder.ts). A worker killed by SIGKILL leaves
 * the process groups its tests started: they are recorded in the folder, and killed first, and named (test/cli/group-records.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { endRecordedGroups, RECORDS_ENV } from './cli/group-records.ts';
import { groupsOf, makeRunFolder, removeLeftRunFolders } from './run-folder.ts';

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

export default async function setup(): Promise<() => Promise<void>> {
  // PENX_SKIP_BUILD=1: use dist/ as it is (unit tests while another build is in progress).
  if (process.env.PENX_SKIP_BUILD !== '1') build();
  for (const { folder, groups } of await removeLeftRunFolders(tmpdir()))
    console.warn(
      `removed ${folder}, left by a test run killed before its end${groups.length ? `, and killed the process groups it left running: ${groups.map((g) => g.pgid).join(', ')}` : ''}`,
    );
  return ownTmpdir();
}

/**
 * TMPDIR set to a new folder for this run; the teardown that kills the process groups killed workers left, and
 * removes the folder, failing the run when a `penx-*` entry was left in it.
 */
function ownTmpdir(): () => Promise<void> {
  const run = makeRunFolder(tmpdir());
  const before = { TMPDIR: process.env.TMPDIR, [RECORDS_ENV]: process.env[RECORDS_ENV] };
  process.env.TMPDIR = run;
  process.env[RECORDS_ENV] = groupsOf(run);
  return async () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    for (const { pgid, pids } of await endRecordedGroups(groupsOf(run)))
      console.error(
        `killed process group ${pgid} (${pids.length} process(es): ${pids.join(', ')}), left running by a test worker that was killed (SIGKILL) before it could end it`,
      );
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
