/**
 * Sweeps on a BullMQ queue in Redis: the protocol `penx sweep --queue` and `penx worker` share.
 *
 *   URL ─► checked (redis://HOST:PORT[/DB]: else a UsageError) ─► reached once, fast (no reconnect loop) or an IOError
 *   sweep ─► registry `penx:sweeps` (name → sweep record): a different sweep of that name is refused
 *         ─► its `--monitor` modules' SHA-256s as this submission checked them (`penx:sweep-monitors`)
 *         ─► one job per run on the queue `penx-sweeps`, id `<sweep>/<run>` (re-adding keeps the job),
 *            carrying those SHA-256s (put again: those of every job not running or done replaced, as
 *            a sweep on this machine checks anew; a worker taking a job trains it with the sweep's
 *            stored ones, so a job taken meanwhile is held to this submission's check too)
 *   status ─► each run's job: waiting · running (progress, worker) · done · failed; a taken run whose
 *         worker is gone said from its lock and the connected workers (`heldNote`; `orphaned`, how, for scripts): its lock run out ─► waiting
 *   remove ─► by the sweep's name: its jobs (named by the registry's entry, read loosely: one that is
 *         no valid sweep record, put on by another tool, still names them), its registry entry and its SHA-256s
 *
 * Jobs are retried elsewhere when a worker dies: its lock expires within LOCKS.lockDuration and a
 * live worker's stalled check (every LOCKS.stalledInterval) puts the job back; a failed process is
 * retried JOB_OPTIONS.attempts times; a run whose settings are at fault fails once (the worker
 * throws BullMQ's UnrecoverableError).
 */
import { type Job, type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DataError,
  IOError,
  readSweepRecord,
  redactCredentials,
  type SweepRecord,
  type SweepRun,
  type SweepSettings,
  UsageError,
  visibleControls,
} from 'penalty-explorer/node';
import { settingsDiffer } from './sweep-state.ts';

/** The one queue every sweep on a Redis server shares (workers serve them all). */
export const QUEUE_NAME = 'penx-sweeps';
/** The hash of the sweeps on the queue: name → sweep record (JSON). */
const REGISTRY = 'penx:sweeps';
/**
 * The hash of the sweeps' `--monitor` modules as their latest submission checked them: name →
 * MonitorDigests (JSON; `{}` without monitors). Beside the registry, not in its record: an edited
 * monitor is no other sweep.
 */
const MONITORS = 'penx:sweep-monitors';

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
function carried(digests: MonitorDigests | undefined): MonitorDigests | undefined {
  return digests && Object.keys(digests).length > 0 ? digests : undefined;
}

/** True when `a` and `b` hold the same modules' SHA-256s (none and `{}` alike). */
function sameDigests(a: MonitorDigests | undefined, b: MonitorDigests | undefined): boolean {
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
function digestsIn(json: string): MonitorDigests | undefined {
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

/** Where a Redis server is, and how to log in: options both ioredis and BullMQ take. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  readonly tls?: Record<string, never>;
}

/** The address in a `redis://[[user]:password@]HOST[:PORT][/DB]` (or `rediss://`) URL; a UsageError when it is not one. */
export function redisOptions(url: string): RedisAddress {
  const shown = redactCredentials(url);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`'${shown}' is not a Redis URL; expected redis://HOST:PORT, e.g. redis://127.0.0.1:6379`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new UsageError(`'${shown}' is not a Redis URL (it starts with ${u.protocol}//); expected redis://HOST:PORT, e.g. redis://127.0.0.1:6379`);
  if (!u.hostname) throw new UsageError(`'${shown}' names no host; expected redis://HOST:PORT, e.g. redis://127.0.0.1:6379`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UsageError(`'${shown}': the path must be a database number (e.g. redis://127.0.0.1:6379/0), got /${db}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Select database `db` on `probe`, or a UsageError when the server has no such database (its `databases` setting, 16 by default). */
async function selectOrRefuse(probe: Redis, db: number, url: string): Promise<void> {
  try {
    await probe.select(db);
  } catch (err) {
    const shown = redactCredentials(url);
    throw new UsageError(
      `Redis at ${shown} has no database ${db} (${(err as Error).message}); give one it has, e.g. ${shown.replace(/\/\d+$/, '/0')} (its databases setting says how many)`,
    );
  }
}

/** Check that Redis answers at `url`, once and quickly (3 s at most), and has its database; an IOError when it does not answer, a UsageError when it has no such database. */
export async function checkRedis(url: string): Promise<RedisAddress> {
  const options = redisOptions(url);
  const probe = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let cause: Error | undefined;
  probe.on('error', (err: Error) => (cause ??= err));
  try {
    try {
      await probe.connect();
      await probe.ping();
    } catch (err) {
      const why = (cause ?? (err as Error)).message;
      throw new IOError(`cannot reach Redis at ${redactCredentials(url)} (${redactCredentials(why)}); is redis-server running there, and reachable from here?`);
    }
    // ioredis goes on in database 0 when selecting the URL's fails: the sweep would land there.
    if (options.db !== undefined) await selectOrRefuse(probe, options.db, url);
  } finally {
    probe.disconnect();
  }
  return options;
}

/** The job id of a run: `<sweep>/<run>` (BullMQ ids cannot hold ':'). */
export function jobId(sweep: string, run: string): string {
  return `${encodeURIComponent(sweep)}/${encodeURIComponent(run)}`;
}

/** Why a run of a sweep is waiting with no job: the queue does not have it (Redis lost it, or it was never put on). */
export const NOT_ON_QUEUE = 'not on the queue';

/**
 * True for an error of a lost or not yet restored connection to Redis (a restart, a network
 * failure, Redis still loading its data), after which the same request may succeed again.
 */
export function isConnectionError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string } | null;
  if (!e || typeof e !== 'object') return false;
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    /^(LOADING|MASTERDOWN|TRYAGAIN)\b/.test(e.message ?? '') ||
    /Connection is closed|Stream isn't writeable|connect ECONN|read ECONNRESET|write EPIPE|ETIMEDOUT|socket closed/i.test(e.message ?? '') ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN'].includes(e.code ?? '')
  );
}

/** Where a run of a sweep on the queue stands. */
export type QueueState = 'done' | 'running' | 'waiting' | 'failed';

/** One run of a sweep on the queue: where it stands, its tries, progress or result, and who has it. */
export interface RunOnQueue {
  /** The run's name (its folder in the sweep's). */
  readonly run: string;
  readonly state: QueueState;
  readonly attempts: number;
  readonly progress?: SweepProgress;
  readonly result?: SweepResult;
  /** The worker that has (or had) it. */
  readonly worker?: string;
  /**
   * Why it failed, why it is not on the queue, or why its worker is not training it: not connected
   * to the queue, or its lock run out (`heldNote`).
   */
  readonly reason?: string;
  /**
   * Taken by a worker that left it (`orphaned`): its state (`running` while the lock runs out, then
   * `waiting`) says where the queue has it, this that no worker trains it. Absent otherwise.
   */
  readonly orphaned?: Orphaned;
}

/** A sweep's runs on the queue, and how many are in each state. */
export interface SweepStatus {
  readonly sweep: string;
  readonly counts: Readonly<Record<QueueState, number>>;
  readonly runs: readonly RunOnQueue[];
}

/**
 * The runs that failed on the queue, with why: for the sweep's table and report, which show such a
 * run failed whatever its folder holds (none, or some epochs), not as not started or under way.
 *
 * @example
 * failuresOf(status)   // Map { 'boom_1e-4_seed=1' => 'boom: cannot load here' }
 */
export function failuresOf(status: SweepStatus): Map<string, string> {
  return new Map(status.runs.flatMap((r) => (r.state === 'failed' ? [[r.run, r.reason || 'failed on the queue'] as const] : [])));
}

/**
 * How a taken run was left by its worker (`--status`'s note says it in words, `heldNote`):
 * `disconnected`: its worker is not connected to the queue, its lock not run out yet (the run still
 * `running`); `lock-expired`: its lock ran out, no check has put it back yet; `put-back`: a
 * stalled-job check put it back to wait.
 */
export type Orphaned = 'disconnected' | 'lock-expired' | 'put-back';

/**
 * A taken run as the queue holds it: its worker, the job's lock (`ttl`: its time left in ms, ≤ 0
 * none; undefined when not taken), the worker connections Redis lists (`connected`: their names;
 * undefined when it lists none) and whether a stalled-job check put it back since (`stalled`).
 */
export interface Held {
  readonly worker: string;
  readonly ttl?: number;
  readonly connected: ReadonlySet<string> | undefined;
  readonly now: number;
  readonly stalled?: boolean;
}

/**
 * How the taken run `held` was left by its worker, or undefined while its worker holds it and is
 * connected (or Redis lists no connections to tell).
 *
 * @example
 * orphaned({ worker: 'b:42', ttl: 3_400, connected: new Set(), now })   // 'disconnected'
 * orphaned({ worker: 'b:42', ttl: 3_400, connected: new Set(['b:42']), now })   // undefined
 */
export function orphaned(held: Held): Orphaned | undefined {
  if (held.stalled) return 'put-back';
  if (held.ttl === undefined) return undefined;
  if (held.ttl <= 0) return 'lock-expired';
  return held.connected !== undefined && !held.connected.has(held.worker) ? 'disconnected' : undefined;
}

/**
 * What the queue knows of a taken run whose worker may be gone (`orphaned`), in words: undefined
 * while its worker holds it and is connected.
 *
 * @example
 * heldNote({ worker: 'b:42', ttl: 3_400, connected: new Set(), now })
 * // "its worker b:42 is not connected to the queue (stopped, or cut off); its lock runs out in 4 s (19:02:07 UTC), then a connected worker puts the run back on the queue; no worker is connected now"
 */
export function heldNote(held: Held): string | undefined {
  const workers = held.connected === undefined ? '' : held.connected.size === 0 ? '; no worker is connected now' : '';
  const away = held.connected !== undefined && !held.connected.has(held.worker);
  switch (orphaned(held)) {
    case 'put-back':
      return `put back on the queue by a stalled-job check after its worker ${held.worker} stopped renewing its lock; the worker that takes it next resumes it from its last checkpoint${workers}`;
    case 'lock-expired':
      return `its worker ${held.worker} stopped renewing its lock${away ? ' and is not connected to the queue' : ''}; a connected worker's check (every ${LOCKS.stalledInterval / 1000} s) puts the run back on the queue${workers}`;
    case 'disconnected': {
      const ttl = held.ttl ?? 0;
      const until = new Date(held.now + ttl).toISOString().slice(11, 19);
      return `its worker ${held.worker} is not connected to the queue (stopped, or cut off); its lock runs out in ${Math.ceil(ttl / 1000)} s (${until} UTC), then a connected worker puts the run back on the queue${workers}`;
    }
    default:
      return undefined;
  }
}

function stateOf(bull: string): QueueState {
  if (bull === 'completed') return 'done';
  if (bull === 'active') return 'running';
  if (bull === 'failed') return 'failed';
  return 'waiting';
}

/** A connection to the sweeps of one Redis server. */
export class SweepQueue {
  private constructor(
    /** The queue's URL as shown: its password hidden. */
    readonly url: string,
    readonly queue: Queue<SweepJob, SweepResult>,
    private readonly redis: Redis,
  ) {}

  /** Connect (checked first, so a wrong or unreachable URL fails fast). */
  static async open(url: string): Promise<SweepQueue> {
    const options = await checkRedis(url);
    const redis = new Redis({ ...options, maxRetriesPerRequest: 2 });
    redis.on('error', () => undefined);
    const queue = new Queue<SweepJob, SweepResult>(QUEUE_NAME, { connection: { ...options, maxRetriesPerRequest: 2 } });
    queue.on('error', () => undefined);
    return new SweepQueue(redactCredentials(url), queue, redis);
  }

  /**
   * The sweep named `name` on this queue, if any; one that is no valid sweep record (put on by
   * another tool, or an older penx) is a DataError saying what is wrong and how to take it off.
   */
  async record(name: string): Promise<SweepRecord | undefined> {
    const json = await this.redis.hget(REGISTRY, name);
    if (!json) return undefined;
    try {
      return readSweepRecord(JSON.parse(json));
    } catch (err) {
      throw new DataError(
        `the sweep ${visibleControls(name)} on the queue at ${this.url}: ${(err as Error).message}; take it off the queue: penx sweep --queue ${this.url} --name '${visibleControls(name)}' --remove`,
      );
    }
  }

  /** Refuse (UsageError) `record` when a different sweep of its name is on the queue; reads only, so it can be asked before anything is written. */
  async checkSubmittable(record: SweepRecord): Promise<void> {
    const was = await this.record(record.name);
    if (!was) return;
    const why =
      settingsDiffer(was.settings, record.settings) ??
      (JSON.stringify(was.runs) !== JSON.stringify(record.runs)
        ? `its grid has ${was.runs.length} runs (${gridText(was)}), this one ${record.runs.length} (${gridText(record)})`
        : undefined);
    if (why)
      throw new UsageError(
        `a different sweep named ${record.name} is already on the queue at ${this.url} (${why}); give this one another name, or remove that one first (penx sweep --queue ${this.url} --name ${record.name} --remove)`,
      );
  }

  /**
   * Put `record` on the queue: its registry entry, then a job per run; a different sweep of the same
   * name is refused. `digests`: the monitor modules as this submission checked them, stored as the
   * sweep's (`checkedDigests`) before any job is written, then put in every job not running or done
   * (put on again after a module was edited, the sweep resumes with it, as one on this machine does;
   * a running or finished run keeps those it was measured with). A job a worker takes while this
   * runs (between reading its state and updating it) is trained with the stored ones: the worker
   * reads them once it holds the job. Returns the runs whose failed jobs were retried.
   */
  async submit(record: SweepRecord, digests?: MonitorDigests): Promise<{ readonly again: boolean; readonly retried: string[] }> {
    const added = await this.redis.hsetnx(REGISTRY, record.name, JSON.stringify(record));
    const again = added === 0;
    if (again) await this.checkSubmittable(record);
    await this.redis.hset(MONITORS, record.name, JSON.stringify(carried(digests) ?? {}));
    await this.add(record, record.runs, digests);
    const retried: string[] = [];
    for (const job of await this.jobs(record)) {
      const state = await job?.getState();
      if (!job || state === 'active' || state === 'completed') continue;
      if (!sameDigests(job.data.monitorDigests, digests)) await job.updateData(jobData(record, job.data.run, digests));
      if (state === 'failed') {
        await job.retry('failed');
        retried.push(job.data.run.name);
      }
    }
    return { again, retried };
  }

  /**
   * The monitor modules as the latest submission of the sweep `name` checked them (`{}` without
   * monitors), or undefined when the queue has none stored (put on by an older penx, or lost with
   * Redis's data, or no valid entry).
   */
  async checkedDigests(name: string): Promise<MonitorDigests | undefined> {
    const json = await this.redis.hget(MONITORS, name);
    return json === null ? undefined : digestsIn(json);
  }

  /**
   * True when the sweep `name` has been put on again with other monitor modules than `digests`
   * (its stored ones differ; none stored: false).
   */
  async digestsReplaced(name: string, digests: MonitorDigests | undefined): Promise<boolean> {
    const stored = await this.checkedDigests(name);
    return stored !== undefined && !sameDigests(stored, digests);
  }

  /**
   * The monitor modules the run of `job`, which this worker holds, is trained with: those the sweep's
   * latest submission stored (`checkedDigests`), or, with none stored, those the job carries. Put
   * in the job when they differ (it was taken while the sweep was put on again), so it says what
   * its run was held to.
   */
  async digestsToTrain(job: Job<SweepJob, SweepResult>): Promise<MonitorDigests | undefined> {
    const stored = await this.checkedDigests(job.data.sweep);
    if (stored === undefined || sameDigests(stored, job.data.monitorDigests)) return carried(job.data.monitorDigests);
    const { monitorDigests: _, ...rest } = job.data;
    await job.updateData({ ...rest, ...(carried(stored) ? { monitorDigests: stored } : {}) });
    return carried(stored);
  }

  /**
   * True while the lock of job `id` is `token`'s (the worker that took the job with it still holds
   * it): BullMQ records a job's end only so. False once the job is gone (Redis lost its data) or its
   * lock ran out or was taken over.
   */
  async holds(id: string, token: string): Promise<boolean> {
    return (await this.redis.get(`${this.queue.toKey(id)}:lock`)) === token;
  }

  /** A job for each of `runs` (one already on the queue under its id is kept as it is). */
  private async add(record: SweepRecord, runs: readonly SweepRun[], digests: MonitorDigests | undefined): Promise<void> {
    await this.queue.addBulk(
      runs.map((run) => ({
        name: 'run',
        data: jobData(record, run, digests),
        opts: { ...JOB_OPTIONS, jobId: jobId(record.name, run.name) },
      })),
    );
  }

  /**
   * Put back what the queue lost of `record` — after Redis lost its data (a restart without
   * persistence): its registry entry, and a job for every run that has none. Finished runs are
   * put back too: the worker that takes one finds its folder finished (the run folders are the
   * truth) and skips it. Each carries the monitor modules as the sweep's latest submission checked
   * them (`checkedDigests`: the sweep may have been put on again, with edited modules, since the
   * caller's); `digests`, the caller's latest look at them, only when the queue lost those too.
   * Returns the runs put back.
   *
   * That look can be stale: Redis losing its data after another submission put the sweep on again
   * with edited modules, and before the caller looked again (a follower: within a poll), has the lost
   * jobs put back held to the earlier check, stored as the sweep's (nothing left knows the later
   * one). No record is misreported so: a run's process hashes each module it imports and refuses one
   * whose SHA-256 is not its job's, writing nothing, so a run trains only with the very code its job
   * names. Where every worker reads the one edited file, such a job is refused, saying both digests
   * (put the sweep on again); a worker with an unedited copy trains it with that copy, as it would a
   * run taken just before the later submission (which leaves running and done runs with the modules
   * they started with). run.json holds no digests: it claims none as the sweep's latest.
   */
  async restore(record: SweepRecord, digests?: MonitorDigests): Promise<string[]> {
    await this.redis.hsetnx(REGISTRY, record.name, JSON.stringify(record));
    await this.redis.hsetnx(MONITORS, record.name, JSON.stringify(carried(digests) ?? {}));
    const current = (await this.checkedDigests(record.name)) ?? digests;
    const jobs = await this.jobs(record);
    const lost = record.runs.filter((_, i) => jobs[i] === undefined);
    if (lost.length) await this.add(record, lost, current);
    return lost.map((r) => r.name);
  }

  private jobs(record: SweepNames): Promise<Array<Job<SweepJob, SweepResult> | undefined>> {
    return Promise.all(record.runs.map((run) => this.queue.getJob(jobId(record.name, run.name))));
  }

  /**
   * Each run's state on the queue. Its state is read before its job: a run that ends in between is
   * seen as it was (running) or, with its job read after, with its reason or result — never failed
   * without why, or done without its result.
   */
  async status(record: SweepRecord): Promise<SweepStatus> {
    const runs: RunOnQueue[] = [];
    const connected = await this.connectedWorkers();
    for (const { name: run } of record.runs) {
      const id = jobId(record.name, run);
      const bull = await this.queue.getJobState(id);
      const job = bull === 'unknown' ? undefined : await this.queue.getJob(id);
      if (!job) {
        runs.push({ run, state: 'waiting', attempts: 0, reason: NOT_ON_QUEUE });
        continue;
      }
      const { stalls, ...progress } = typeof job.progress === 'object' ? (job.progress as unknown as SweepProgress) : ({} as Partial<SweepProgress>);
      const worker = job.processedBy;
      const ttl = bull === 'active' ? await this.redis.pttl(`${this.queue.toKey(id)}:lock`) : undefined;
      const stalled = bull === 'waiting' && !job.failedReason && stalls !== undefined && job.stalledCounter > stalls;
      const held: Held | undefined = worker ? { worker, ...(ttl === undefined ? {} : { ttl }), connected, now: Date.now(), stalled } : undefined;
      const orphan = held && orphaned(held);
      const note = held && heldNote(held);
      // Taken, its lock run out: no worker trains it; it waits for a check to put it back.
      const state = bull === 'active' && ttl !== undefined && ttl <= 0 ? 'waiting' : stateOf(bull);
      runs.push({
        run,
        state,
        attempts: job.attemptsStarted,
        ...(typeof progress.epoch === 'number' ? { progress: progress as SweepProgress } : {}),
        ...(state === 'done' && job.returnvalue ? { result: job.returnvalue } : {}),
        ...(worker ? { worker } : {}),
        ...(state === 'failed' || (state === 'waiting' && job.failedReason) ? { reason: job.failedReason } : note ? { reason: note } : {}),
        ...(orphan ? { orphaned: orphan } : {}),
      });
    }
    const counts = { done: 0, running: 0, waiting: 0, failed: 0 };
    for (const r of runs) counts[r.state]++;
    return { sweep: record.name, counts, runs };
  }

  /** The names of the workers connected to the queue now (BullMQ names each one's connection), or undefined when Redis does not list its clients. */
  private async connectedWorkers(): Promise<ReadonlySet<string> | undefined> {
    const clients = await this.queue.getWorkers().catch(() => undefined);
    if (!clients?.every((c) => typeof c['rawname'] === 'string')) return undefined;
    return new Set(clients.map((c) => (c['rawname'] as string).slice((c['rawname'] as string).indexOf(':w:') + 3)));
  }

  /**
   * Remove the sweep named `name` when no worker is training it: its jobs and its registry entry —
   * also one whose entry is no valid sweep record (its runs' names read loosely, see `namesIn`), so
   * it can always be taken off. Returns how many jobs it removed; undefined when there is no such sweep.
   */
  async remove(name: string): Promise<number | undefined> {
    const json = await this.redis.hget(REGISTRY, name);
    if (json === null) return undefined;
    const jobs = (await this.jobs(namesIn(name, json))).filter((j): j is Job<SweepJob, SweepResult> => j !== undefined);
    const active = [];
    for (const job of jobs) if ((await job.getState()) === 'active') active.push(job.data.run.name);
    if (active.length)
      throw new UsageError(`sweep ${name} has ${active.length} run(s) being trained (${active.join(', ')}); stop their workers or wait, then remove it`);
    for (const job of jobs) await job.remove();
    await this.redis.hdel(MONITORS, name);
    await this.redis.hdel(REGISTRY, name);
    return jobs.length;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}

/** A sweep's name and its runs' names: what names its jobs. */
interface SweepNames {
  readonly name: string;
  readonly runs: readonly { readonly name: string }[];
}

/**
 * The runs' names a registry entry holds, read without its schema: those of a record that is no
 * valid one too (names no folder can have, put on by another tool), which name its jobs still.
 *
 * @example
 * namesIn('s', '{"runs":[{"name":"../x"},{"name":3}]}')   // { name: 's', runs: [{ name: '../x' }] }
 */
export function namesIn(name: string, json: string): SweepNames {
  let entry: unknown;
  try {
    entry = JSON.parse(json);
  } catch {
    return { name, runs: [] };
  }
  const runs = typeof entry === 'object' && entry !== null && 'runs' in entry && Array.isArray(entry.runs) ? (entry.runs as unknown[]) : [];
  return { name, runs: runs.flatMap((r) => (typeof r === 'object' && r !== null && 'name' in r && typeof r.name === 'string' ? [{ name: r.name }] : [])) };
}

/** `2 penalties × 3 strengths × 2 seeds`. */
function gridText(r: SweepRecord): string {
  return `${r.grid.penalties.length} penalties × ${r.grid.strengths.length} strengths × ${r.grid.seeds.length} seeds`;
}
