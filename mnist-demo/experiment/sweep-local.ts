/**
 * A sweep on this machine, no server: its runs trained `jobs` at a time, each in its own child
 * process with `threads / jobs` threads, finished runs skipped, unfinished ones resumed.
 *
 *   runs ─► state of each folder: done (skip) · failed (skip; NaN again if retrained) · partial (resume) · new
 *        ─► `jobs` slots, each: next run ─► child process (sweep-child.ts) ─► outcome ─► onFinished
 *           (a failure not of the run's settings, e.g. a crash, is tried once more)
 *   `signal` aborted (Ctrl-C, SIGTERM) ─► no run started; each running child sent SIGINT (it stops at
 *        its next safe point, its lock released) and awaited ─► InterruptedError
 */
import { join } from 'node:path';
import { InterruptedError } from 'penalty-explorer/errors';
import type { SweepRecord, SweepRun } from 'penalty-explorer/node';
import { type ChildMessage, type ChildOutcome, type TrainingChild, trainInChild } from './sweep-child.ts';

/** How a local sweep is run and shown. */
export interface LocalSchedule {
  /** Runs trained at once. */
  readonly jobs: number;
  /** Threads in all, split evenly between `jobs` runs (at least one each); a run gets its share even when fewer are left, so its result does not depend on when it ran. */
  readonly threads: number;
  /** Draw each run's figures and report (`--no-figures`: false); not a setting of the sweep: its runs' records are the same either way. */
  readonly figures: boolean;
  /** A progress line of a child (already labelled). */
  onLine(line: string): void;
  /** A run ended (called one at a time, in the order they end). */
  onFinished(run: SweepRun, outcome: ChildOutcome): Promise<void>;
  /** Messages of a run's child, as they come. */
  onMessage?(run: SweepRun, message: ChildMessage): void;
  /** Stops the sweep once aborted: running runs stopped at their next safe point, no more started. */
  readonly signal?: AbortSignal;
  /** Each `--monitor` module's SHA-256 when the sweep checked it (`Experiment.monitorDigests`; none without monitors): each run refuses a module that differs. */
  readonly monitorDigests: Readonly<Record<string, string>> | undefined;
  /** Each run's penalty as `penx compare` shows it, by run name (sweep-grid's `gridRuns`); default its spec in sweep.json. */
  readonly shown?: ReadonlyMap<string, string>;
}

/**
 * The label of `run`'s progress lines: its place in `record` and its penalty as `shown` has it (a
 * module's by its name, as `penx compare` labels it), else as sweep.json has it (a module's path).
 *
 * @example
 * progressLabel(record, run, new Map([[run.name, 'huber:1e-4,d=0.05']]))   // '[1/2 huber:1e-4,d=0.05 seed=1]', not './huber.ts:1e-4,d=0.05'
 */
export function progressLabel(record: SweepRecord, run: SweepRun, shown?: ReadonlyMap<string, string>): string {
  return `[${record.runs.indexOf(run) + 1}/${record.runs.length} ${shown?.get(run.name) ?? run.penalty} seed=${run.seed}]`;
}

/** How long a run that failed for a reason not in its settings waits before its second (last) try. */
const RETRY_MS = 3_000;

/** Threads each of `jobs` runs gets out of `threads`. */
export function threadsPerRun(threads: number, jobs: number): number {
  return Math.max(1, Math.floor(threads / jobs));
}

/** Train `todo` (runs of `record`, whose folders are in `dir`) as `schedule` says; the outcomes by run name. */
export async function runLocally(record: SweepRecord, dir: string, todo: readonly SweepRun[], schedule: LocalSchedule): Promise<Map<string, ChildOutcome>> {
  const outcomes = new Map<string, ChildOutcome>();
  const waiting = [...todo];
  const threads = threadsPerRun(schedule.threads, schedule.jobs);
  let finishing = Promise.resolve();
  const running = new Set<TrainingChild>();
  const { signal } = schedule;
  const stop = () => {
    waiting.length = 0;
    for (const child of running) child.process.kill('SIGINT');
  };
  signal?.addEventListener('abort', stop, { once: true });
  const slot = async () => {
    for (let run = signal?.aborted ? undefined : waiting.shift(); run; run = waiting.shift()) {
      const label = progressLabel(record, run, schedule.shown);
      const current = run;
      const train = async () => {
        const child = trainInChild(
          {
            run: current,
            settings: record.settings,
            dir: join(dir, current.name),
            threads,
            label,
            ...(schedule.figures ? {} : { figures: false }),
            ...(schedule.monitorDigests ? { monitorDigests: schedule.monitorDigests } : {}),
          },
          (m) => schedule.onMessage?.(current, m),
          schedule.onLine,
        );
        running.add(child);
        try {
          return await child.outcome;
        } finally {
          running.delete(child);
        }
      };
      let outcome = await train();
      // Stopped on request: not a failure of the run, which resumes next time.
      if (signal?.aborted) break;
      // A failure not of the run's settings (a crash, its folder still held by a process that is going away) gets one more try.
      if (outcome.kind === 'failed' && !outcome.settings) {
        schedule.onLine(`${label} ${outcome.message}; trying once more in ${RETRY_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        if (signal?.aborted) break;
        outcome = await train();
        if (signal?.aborted) break;
      }
      outcomes.set(run.name, outcome);
      finishing = finishing.then(() => schedule.onFinished(current, outcome));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(schedule.jobs, todo.length) }, slot));
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  await finishing;
  if (signal?.aborted) throw new InterruptedError('the sweep was stopped');
  return outcomes;
}
