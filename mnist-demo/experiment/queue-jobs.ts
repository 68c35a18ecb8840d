/**
 * What a queued sweep is made of in Redis, the protocol `penx sweep --queue` and `penx worker` share:
 *
 *   registry `penx:sweeps` (name → sweep record) · `penx:sweep-monitors` (name → the `--monitor`
 *   modules' SHA-256s as the latest submission checked them) · one job per run on the queue
 *   `penx-sweeps`, id `<sweep>/<run>` (`jobId`), carrying the run, the settings and those SHA-256s
 *   (`SweepJob`), reporting `SweepProgress` while trained and returning a `SweepResult`
 *
 * Jobs are retried elsewhere when a worker dies: its lock expires within LOCKS.lockDuration and a
 * live worker's stalled check (every LOCKS.stalledInterval) puts the job back; a failed process is
 * retried JOB_OPTIONS.attempts times; a run whose settings are at fault fails once (the worker
 * throws BullMQ's UnrecoverableError).
 */
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { SweepRecord, SweepRun, SweepSettings } from 'penalty-explorer/node';

/** The one queue every sweep on a Redis server shares (workers serve them all). */
export const QUEUE_NAME = 'penx-sweeps';
/** The hash of the sweeps on the queue: name → sweep record (JSON). */
export const REGISTRY = 'penx:sweeps';
/**
 * The hash of the sweeps' `--monitor` modules as their latest submission checked them: name →
 * MonitorDigests (JSON; `{}` without monitors). Beside the registry, not in its record: an edited
 * monitor is no other sweep.
 */
export const MONITORS = 'penx:sweep-monitors';

/**
 * Job locks, short so a dead worker's run goes to another within seconds: a lock lasts 6 s and is
 * renewed every 3 s by the worker's main process (which only waits on its training children, so
 * renewals are never late); a live worker checks for expired locks every 2 s. A killed worker's
 * run is back on the queue 6–10 s after its death.
 */
export const LOCKS = { lockDuration: 6_000, stalledInterval: 2_000, maxStalledCount: 10 } as const;

/** A run whose training process failed (not its settings) is tried this many times, 3 s apart. */
export const JOB_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'fixed', delay: 3_000 }, removeOnComplete: false, removeOnFail: false };

/** Each `--monitor` module's SHA-256 by its path as given, as the sweep checked it (`Experiment.monitorDigests`). */
export type MonitorDigests = Readonly<Record<string, string>>;

/** What a job carries: everything a worker needs to train the run. */
export interface SweepJob {
  readonly sweep: string;
  readonly run: SweepRun;
  readonly settings: SweepSettings;
  /**
   * The monitor modules as the sweep checked them when it was put on the queue: the run's process
   * refuses a module that differs (edited since, or another copy on the worker's machine), so its
   * record's monitors are the code the sweep checked. Not in the sweep's record (its settings): an
   * edited monitor is no other sweep. Absent without monitors (and in jobs of an older penx).
   */
  readonly monitorDigests?: MonitorDigests;
}

/**
 * The job of `run` of the sweep `record`, holding its runs to `digests`.
 *
 * @example
 * jobData(record, run, { './m.mjs': '9f86…' })   // { sweep: 'lambda', run, settings: record.settings, monitorDigests: { './m.mjs': '9f86…' } }
 */
export function jobData(record: SweepRecord, run: SweepRun, digests: MonitorDigests | undefined): SweepJob {
  return { sweep: record.name, run, settings: record.settings, ...(carried(digests) ? { monitorDigests: digests } : {}) };
}

/** `digests` as a job carries them: none for no modules (`{}`, as MONITORS stores them). */
export function carried(digests: MonitorDigests | undefined): MonitorDigests | undefined {
  return digests && Object.keys(digests).length > 0 ? digests : undefined;
}

/** True when `a` and `b` hold the same modules' SHA-256s (none and `{}` alike). */
export function sameDigests(a: MonitorDigests | undefined, b: MonitorDigests | undefined): boolean {
  const [x, y] = [carried(a) ?? {}, carried(b) ?? {}];
  return Object.keys(x).length === Object.keys(y).length && Object.entries(x).every(([path, digest]) => y[path] === digest);
}

/**
 * A MONITORS entry read loosely: its digests, or undefined when it is none (another tool's).
 *
 * @example
 * digestsIn('{"./m.mjs":"9f86…"}')   // { './m.mjs': '9f86…' }
 * digestsIn('[1]')                   // undefined
 */
export function digestsIn(json: string): MonitorDigests | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  return Object.values(entry).every((d) => typeof d === 'string') ? (entry as MonitorDigests) : undefined;
}

/** What a worker reports while training (`job.progress`). */
export interface SweepProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** After the last finished epoch. */
  readonly testAcc?: number | null;
  readonly sparsity?: number;
  /**
   * The job's stall count (BullMQ's `stalledCounter`) when the worker training it took it: grown since,
   * a stalled-job check put it back (that worker stopped renewing its lock). Not shown in `--status`.
   */
  readonly stalls?: number;
}

/** What a finished job returns. */
export interface SweepResult {
  /** Epochs already trained before this attempt (by a worker that died, or an earlier sweep). */
  readonly resumedAfter: number;
  readonly epochs: number;
  readonly testAcc: number | null;
  readonly sparsity: number;
  /** True when the run had finished already and nothing was trained. */
  readonly skipped?: boolean;
}

/** The job id of a run: `<sweep>/<run>` (BullMQ ids cannot hold ':'). */
export function jobId(sweep: string, run: string): string {
  return `${encodeURIComponent(sweep)}/${encodeURIComponent(run)}`;
}

/** A sweep's name and its runs' names: what names its jobs. */
export interface SweepNames {
  readonly name: string;
  readonly runs: readonly { readonly name: string }[];
}

/** The job of each run `record` names, in its order (undefined for one the queue does not have). */
export function jobsOf(queue: Queue<SweepJob, SweepResult>, record: SweepNames): Promise<Array<Job<SweepJob, SweepResult> | undefined>> {
  return Promise.all(record.runs.map((run) => queue.getJob(jobId(record.name, run.name))));
}
