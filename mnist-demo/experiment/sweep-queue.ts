/**
 * Sweeps on a BullMQ queue in Redis: the connection `penx sweep --queue` and `penx worker` open, by
 * phase (each in a file of its own):
 *
 *   reach ─► queue-connection.ts: the URL checked, Redis reached once, fast
 *   submit ─► here: registry `penx:sweeps` (name → sweep record): a different sweep of that name is refused
 *         ─► its `--monitor` modules' SHA-256s as this submission checked them (`penx:sweep-monitors`)
 *         ─► one job per run on the queue `penx-sweeps`, id `<sweep>/<run>` (re-adding keeps the job),
 *            carrying those SHA-256s (put again: those of every job not running or done replaced, as
 *            a sweep on this machine checks anew; a worker taking a job trains it with the sweep's
 *            stored ones, so a job taken meanwhile is held to this submission's check too)
 *            (what these are made of: queue-jobs.ts)
 *   restore ─► here: what Redis lost of a sweep put back
 *   status ─► queue-status.ts: each run's job: waiting · running · done · failed, and a run whose worker is gone
 *   remove ─► queue-remove.ts: its jobs, its registry entry and its SHA-256s
 */
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DataError, readSweepRecord, redactCredentials, type SweepRecord, type SweepRun, UsageError, visibleControls } from 'penalty-explorer/node';
import { checkRedis } from './queue-connection.ts';
import {
  carried,
  digestsIn,
  JOB_OPTIONS,
  jobData,
  jobId,
  jobsOf,
  MONITORS,
  type MonitorDigests,
  QUEUE_NAME,
  REGISTRY,
  type SweepJob,
  type SweepResult,
  sameDigests,
} from './queue-jobs.ts';
import { removeSweep } from './queue-remove.ts';
import { readStatus, type SweepStatus } from './queue-status.ts';
import { settingsDiffer } from './sweep-state.ts';

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

  private jobs(record: SweepRecord): Promise<Array<Job<SweepJob, SweepResult> | undefined>> {
    return jobsOf(this.queue, record);
  }

  /** Each run's state on the queue (`readStatus`). */
  status(record: SweepRecord): Promise<SweepStatus> {
    return readStatus(this.queue, this.redis, record);
  }

  /** Remove the sweep named `name` when no worker is training it (`removeSweep`): how many jobs it removed; undefined when there is no such sweep. */
  remove(name: string): Promise<number | undefined> {
    return removeSweep(this.queue, this.redis, name);
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}

/** `2 penalties × 3 strengths × 2 seeds`. */
function gridText(r: SweepRecord): string {
  return `${r.grid.penalties.length} penalties × ${r.grid.strengths.length} strengths × ${r.grid.seeds.length} seeds`;
}
