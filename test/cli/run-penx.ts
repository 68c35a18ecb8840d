/** Running the real `penx` command from tests, as a user would from a shell: the built dist/cli.mjs. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to start the process: extra environment, Node options before the script (e.g. a preload). */
export interface RunOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
  /** Kill the process (SIGKILL) after this many ms: a command that hangs fails its test instead of the run. */
  readonly timeoutMs?: number;
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

export function penxWith(options: RunOptions, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), CLI, ...args],
      {
        encoding: 'utf8',
        ...(options.cwd ? { cwd: options.cwd } : {}),
        maxBuffer: 16 << 20,
        env: { ...process.env, ...options.env },
        ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : err.signal === 'SIGKILL' ? 137 : 1) : 0, stdout, stderr }),
    );
  });
}

export function penx(...args: string[]): Promise<Run> {
  return penxWith({}, ...args);
}

/** Start `penx` in the background, its output ignored. */
export function spawnPenx(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['mnist-demo/dist/cli.mjs', ...args], { stdio: 'ignore' });
}

/** Start `penx` in the background, collecting its stdout (all of it once `stdoutEnded` resolves) and stderr. */
export function spawnPenxPiped(...args: string[]): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  stdoutEnded: Promise<void>;
} {
  const child = spawn(process.execPath, ['mnist-demo/dist/cli.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stdoutEnded = new Promise<void>((resolve) => child.stdout?.once('close', () => resolve()));
  return { child, stdout: () => out, stderr: () => text, exited, stdoutEnded };
}

/**
 * Kill `child` with `signal` unless it has exited, and resolve once it has: what it writes (a run
 * folder, its lock, a temporary folder of its own) does not outlive the test, nor land in a folder
 * the test removes after. For `finally` and `afterAll`, e.g. `await stopped(run.child)`.
 */
export function stopped(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exit;
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
