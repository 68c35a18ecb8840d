/**
 * Training one run of a sweep in a child process (`penx sweep-run TASK`), as both the local
 * scheduler and `penx worker` do: each run gets its own process, so its backend and threads are
 * its own (the TF.js backend is process-wide) and a run cannot disturb another.
 *
 *   parent ── spawn(node penx sweep-run '{task}') ──► child: backend, data, trainRun(…)
 *          ◄── IPC: begin, progress (tenths of epochs), epoch, done | error
 *          ◄── stderr lines (the child's progress lines, labelled)
 *   parent dies (even kill -9) ─► the IPC channel closes ─► the child exits at once
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { SweepRun, SweepSettings } from 'penalty-explorer/node';

/** One run for one child process to train. */
export interface SweepTask {
  readonly run: SweepRun;
  readonly settings: SweepSettings;
  /** The run folder. */
  readonly dir: string;
  readonly threads: number;
  /** false: the run draws no figures nor report (`--no-figures` of a sweep on this machine; a queued sweep says it in its settings). */
  readonly figures?: false;
  /** The label of its progress lines, e.g. `[3/12 l1:1e-4 seed=1]`. */
  readonly label: string;
  /** The process that started it (the child leaves when it is gone). */
  readonly parent: number;
  /** Each `--monitor` module's SHA-256 when the sweep checked it (on this machine, or before it was put on the queue): the run refuses a module that differs. */
  readonly monitorDigests?: Readonly<Record<string, string>>;
  /** The queue job it trains, when a worker started it (in its command line, so the run folder's lock names it). */
  readonly job?: string;
}

/** What a child tells its parent (over IPC). */
export type ChildMessage =
  | { readonly kind: 'begin'; readonly resumedAfter: number; readonly epochs: number }
  | { readonly kind: 'progress'; readonly epoch: number; readonly epochs: number; readonly batch: number; readonly batches: number }
  | { readonly kind: 'epoch'; readonly epoch: number; readonly epochs: number; readonly testAcc: number | null; readonly sparsity: number }
  | { readonly kind: 'done'; readonly epochs: number; readonly testAcc: number | null; readonly sparsity: number }
  /** `settings`: the run's settings are at fault (bad spec, NaN loss): training it again would fail again. */
  | { readonly kind: 'error'; readonly message: string; readonly settings: boolean };

/** How a child ended. */
export type ChildOutcome =
  | { readonly kind: 'done'; readonly resumedAfter: number; readonly epochs: number; readonly testAcc: number | null; readonly sparsity: number }
  | { readonly kind: 'failed'; readonly message: string; readonly settings: boolean };

/** A running child: its process (to stop it) and how it ends. */
export interface TrainingChild {
  readonly process: ChildProcess;
  readonly outcome: Promise<ChildOutcome>;
}

/** The command that runs this very `penx` (dist/cli.mjs, or the sources under tsx). */
function selfCommand(): string[] {
  return [...process.execArgv, process.argv[1] as string];
}

/** Start a child training `task`; `onMessage` sees its messages, `onLine` its stderr lines. */
export function trainInChild(task: Omit<SweepTask, 'parent'>, onMessage: (m: ChildMessage) => void, onLine: (line: string) => void): TrainingChild {
  const child = spawn(process.execPath, [...selfCommand(), 'sweep-run', JSON.stringify({ ...task, parent: process.pid })], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  // This process ending (Ctrl-C, SIGTERM, an error) ends the child too: SIGINT stops it at its
  // next safe point, its lock released, even one stuck in user code that cannot see its parent go
  // (the guard's watchdog interrupts that on SIGINT; a SIGTERM handler could not run).
  const stopChild = () => child.kill('SIGINT');
  process.on('exit', stopChild);
  child.once('close', () => process.off('exit', stopChild));
  let resumedAfter = 0;
  let last: ChildMessage | undefined;
  const tail: string[] = [];
  child.on('message', (m: ChildMessage) => {
    if (m.kind === 'begin') resumedAfter = m.resumedAfter;
    last = m;
    onMessage(m);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    tail.push(line);
    if (tail.length > 5) tail.shift();
    onLine(line.startsWith(task.label) ? line : `${task.label} ${line}`);
  });
  const outcome = new Promise<ChildOutcome>((resolve) => {
    child.on('error', (err) => resolve({ kind: 'failed', message: `could not start: ${err.message}`, settings: false }));
    child.on('close', (code, signal) => {
      if (code === 0 && last?.kind === 'done') resolve({ kind: 'done', resumedAfter, epochs: last.epochs, testAcc: last.testAcc, sparsity: last.sparsity });
      else if (last?.kind === 'error') resolve({ kind: 'failed', message: last.message, settings: last.settings });
      else
        resolve({
          kind: 'failed',
          message: `the training process ${signal ? `was killed (${signal})` : `exited with code ${code}`}${tail.length ? `: ${tail.at(-1)}` : ''}`,
          settings: false,
        });
    });
  });
  return { process: child, outcome };
}
