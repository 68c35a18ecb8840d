/** Running the real `penx` command from tests, as a user would from a shell: the built dist/cli.mjs. */
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, onTestFinished, TestRunner } from 'vitest';
import { until } from '../wait.ts';
import { groupOf, spawnInGroup } from './process-group.ts';

export { groupMembers } from './process-group.ts';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to start the process: extra environment, Node options before the script (e.g. a preload). */
export interface RunOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
  /** Kill the process and those it started (SIGKILL) after this many ms (default 10 min): a command that hangs fails its test instead of the run. */
  readonly timeoutMs?: number;
  /** Until when it may run: by default the test that started it (the file when started outside a test); 'file' for one a later test awaits. */
  readonly lasts?: 'test' | 'file';
  /** The folder to run it in (default the project's). */
  readonly cwd?: string;
}

/**
 * A tiny run of the reference CNN, for tests about the command line rather than about training:
 * 128 training images (two batches of 64), 128 test images, ONNX Runtime on one thread (quick to
 * start, and the same weights in every process), no prune curve, no figures (drawing them is most of
 * such a run's time). A test about wasm, threads or the prune curve gives those flags after these
 * (the last one given counts); a test about figures or the report uses DRAWN.
 */
export const TINY: readonly string[] = [
  '--train-size',
  '128',
  '--test-size',
  '128',
  '--batch-size',
  '64',
  '--backend',
  'onnxruntime',
  '--threads',
  '1',
  '--prune-epochs',
  'none',
  '--no-figures',
];

/** TINY with the figures and report.html drawn, as by default. */
export const DRAWN: readonly string[] = TINY.filter((flag) => flag !== '--no-figures');

/** The built command line, by its absolute path (a test may run it in another folder). */
const CLI = resolve('mnist-demo/dist/cli.mjs');

/**
 * `penx` started in a process group of its own, with the processes it starts (a sweep's runs):
 * killed with them when this test process ends however it ends (process-group.ts), and by `stopped`.
 */
function spawnPenxIn(options: RunOptions, stdio: StdioOptions, args: readonly string[]): ChildProcess {
  return spawnInGroup(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, ...options.env },
    stdio,
  });
}

/**
 * Run `penx` and resolve with its exit code and output (137 if killed). It runs in a process group of
 * its own, with the processes it starts (a sweep's runs): the group is killed (SIGKILL) at its timeout
 * (`timeoutMs`, else 10 min), and when the test that started it ends (passed, failed or timed out) —
 * or, started outside a test (`beforeAll`, a module's top level), in a concurrent test or with
 * `lasts: 'file'`, when the test file ends; or when the test process ends first (Ctrl-C, SIGTERM).
 * So no process of it outlives its test:
 *
 *   penxWith ─► spawn, detached (group = its pid) ─► exit ─► resolved
 *     timeout, or its test ends first ─► kill(-pid, SIGKILL) ─► every process of the group gone
 */
export function penxWith(options: RunOptions, ...args: string[]): Promise<Run> {
  const child = spawnPenxIn(options, 'pipe', args);
  const ended = endedWithTest(child, options.lasts);
  // Past its timeout, resolved once the whole group is gone (the leader exits first).
  let killed: Promise<void> | undefined;
  const timer = setTimeout(() => {
    killed = ended();
  }, options.timeoutMs ?? 600_000);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => {
    const done = (code: number) => {
      clearTimeout(timer);
      // A group that would not end fails its test there (the ending is the test's too), not here.
      void (killed ?? Promise.resolve()).catch(() => undefined).then(() => resolve({ code, stdout, stderr }));
    };
    child.once('error', (err) => {
      stderr += String(err);
      done(1);
    });
    child.once('close', (code, signal) => done(code ?? (signal === 'SIGKILL' ? 137 : 1)));
  });
}

export function penx(...args: string[]): Promise<Run> {
  return penxWith({}, ...args);
}

/** The `penx` groups still to be ended with the test file (see penxWith). */
const fileGroups = new Set<() => Promise<void>>();
// run-penx.ts is imported while a test file is collected: this is that file's afterAll.
afterAll(() => Promise.all([...fileGroups].map((end) => end())));

/** Register `child`'s group to be ended with its test (or file); returns what ends it now (once). */
function endedWithTest(child: ChildProcess, lasts: RunOptions['lasts']): () => Promise<void> {
  const test = TestRunner.getCurrentTest();
  // A concurrent test's current test is not known for sure (another may have become it): the file's.
  const byTest = lasts !== 'file' && test !== undefined && !test.concurrent;
  const group = groupOf(child)!;
  const end = () => group.ended().finally(() => fileGroups.delete(end));
  if (byTest) onTestFinished(end);
  else fileGroups.add(end);
  return end;
}

/** Start `penx` in the background, its output ignored (the caller stops it: `stopped`). */
export function spawnPenx(...args: string[]): ChildProcess {
  return spawnPenxIn({}, 'ignore', args);
}

/** Start `penx` in the background, its stdout and stderr piped (the caller reads and stops it: `stopped`). */
export function spawnPenxWith(options: Pick<RunOptions, 'env' | 'nodeArgs'>, ...args: string[]): ChildProcess {
  return spawnPenxIn(options, ['ignore', 'pipe', 'pipe'], args);
}

/** `penx` started in the background: its stdout (all of it once `stdoutEnded` resolves) and stderr so far. */
export interface Piped {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  stdoutEnded: Promise<void>;
}

/** Start `penx` in the background, collecting its output. */
export function spawnPenxPiped(...args: string[]): Piped {
  return spawnPenxPipedWith({}, ...args);
}

/** spawnPenxPiped with extra environment and Node options (the caller stops it: `stopped`). */
export function spawnPenxPipedWith(options: Pick<RunOptions, 'env' | 'nodeArgs'>, ...args: string[]): Piped {
  const child = spawnPenxWith(options, ...args);
  let out = '';
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stdoutEnded = new Promise<void>((resolve) => child.stdout?.once('close', () => resolve()));
  return { child, stdout: () => out, stderr: () => text, exited, stdoutEnded };
}

/** `penx` started in the background, its output's lines collected as they come: stdout's, stderr's, and both in order. */
export interface Lines {
  child: ChildProcess;
  out: string[];
  err: string[];
  lines: string[];
  exited: Promise<number | null>;
  /**
   * The first line of `stream` matching `pattern`, waited for up to `ms` (polling, as `until`); failing, naming `what`
   * and showing the output, past `ms` or once the process has ended without it. E.g.
   * `await w.line('out', /^sweep s finished/, 60_000, 'the sweep to end')`.
   */
  line(stream: 'out' | 'err' | 'lines', pattern: RegExp, ms: number, what: string): Promise<string>;
}

/** Start `penx` in the background, collecting its output's lines (the caller stops it: `stopped`). */
export function spawnPenxLines(...args: string[]): Lines {
  const child = spawnPenxWith({}, ...args);
  const collected = { out: [] as string[], err: [] as string[], lines: [] as string[] };
  for (const [stream, into] of [[child.stdout!, collected.out] as const, [child.stderr!, collected.err] as const])
    createInterface({ input: stream }).on('line', (l) => {
      into.push(l);
      collected.lines.push(l);
    });
  let closed = false;
  child.once('close', () => (closed = true));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = async (stream: keyof typeof collected, pattern: RegExp, ms: number, what: string) => {
    const found = () => collected[stream].find((l) => pattern.test(l));
    await until(() => found() !== undefined || closed, ms, what).catch((err: Error) => {
      throw new Error(`${err.message}; its output so far:\n${collected.lines.join('\n')}`);
    });
    const seen = found();
    if (seen === undefined) throw new Error(`penx ended (${child.exitCode ?? child.signalCode}) before ${what}; its output:\n${collected.lines.join('\n')}`);
    return seen;
  };
  return { child, ...collected, exited, line };
}

/**
 * Kill `child` with `signal` unless it has exited, and resolve once it has — and, for `penx` started
 * here (spawnPenx…), once every process of its group is gone, those still there after it killed
 * (SIGKILL): what they write (a run folder, its lock, a temporary folder of their own) does not
 * outlive the test, nor land in a folder the test removes after. For `finally` and `afterAll`, e.g.
 * `await stopped(run.child)`.
 */
export async function stopped(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exit;
  }
  await groupOf(child)?.ended();
}

/** Whether @tensorflow/tfjs-node loads here: `--backend tensorflow` starts only then. */
export function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}
