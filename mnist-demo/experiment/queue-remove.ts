/**
 * Taking a sweep off the queue (`penx sweep --queue … --remove`), its last phase:
 *
 *   by the sweep's name ─► refused while a worker trains one of its runs (not one whose lock ran out,
 *   its worker not connected: killed, nothing trains it) ─► its jobs (named by the registry's
 *   entry, read loosely: one that is no valid sweep record, put on by another tool, still names them), its
 *   registry entry and its SHA-256s
 *   a worker taking a run between the check and its job's removal (BullMQ: "locked by another worker")
 *   ─► the jobs removed so far put back, as they were (waiting: those a worker could take go first, so
 *   no finished run's job is removed before them) ─► refused as above, the sweep on the queue unchanged
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { UsageError } from 'penalty-explorer/node';
import { jobsOf, MONITORS, REGISTRY, type SweepJob, type SweepNames, type SweepResult } from './queue-jobs.ts';
import { connectedWorkers } from './queue-status.ts';

/** The states of a job no worker takes any more. */
const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed']);

/**
 * Remove the sweep named `name` from `queue` (`redis`: a plain connection to its server) when no
 * worker is training it: its jobs and its registry entry — also one whose entry is no valid sweep
 * record (its runs' names read loosely, see `namesIn`), so it can always be taken off. Returns how
 * many jobs it removed; undefined when there is no such sweep. A UsageError, the sweep left as it
 * was, when a worker trains one of its runs, also one taken as the sweep is being removed.
 */
export async function removeSweep(queue: Queue<SweepJob, SweepResult>, redis: Redis, name: string): Promise<number | undefined> {
  const json = await redis.hget(REGISTRY, name);
  if (json === null) return undefined;
  const jobs = (await jobsOf(queue, namesIn(name, json))).filter((j): j is Job<SweepJob, SweepResult> => j !== undefined);
  const states = new Map<Job<SweepJob, SweepResult>, string>();
  for (const job of jobs) states.set(job, await job.getState());
  const connected = await connectedWorkers(queue);
  const active = [];
  for (const job of jobs) if (states.get(job) === 'active' && (await trained(queue, redis, job, connected))) active.push(job.data.run.name);
  if (active.length)
    throw new UsageError(`sweep ${name} has ${active.length} run(s) being trained (${active.join(', ')}); stop their workers or wait, then remove it`);
  // Those a worker may take first: a finished run's job is removed only once no run can be taken any more.
  const takeable = (job: Job<SweepJob, SweepResult>) => !FINISHED.has(states.get(job) ?? '');
  const ordered = [...jobs.filter(takeable), ...jobs.filter((job) => !takeable(job))];
  const removed: Job<SweepJob, SweepResult>[] = [];
  for (const job of ordered) {
    try {
      await job.remove();
    } catch (err) {
      if ((await job.getState()) !== 'active') throw err;
      // Taken by a worker since the check: the sweep left as it was (the jobs removed so far: waiting ones, put back).
      await queue.addBulk(removed.map((r) => ({ name: r.name, data: r.data, opts: { ...r.opts, jobId: r.id } })));
      throw new UsageError(
        `sweep ${name}: a worker took run ${job.data.run.name} just as the sweep was being removed, so nothing was removed; stop that worker or wait for the run, then remove it again`,
      );
    }
    removed.push(job);
  }
  await redis.hdel(MONITORS, name);
  await redis.hdel(REGISTRY, name);
  return jobs.length;
}

/**
 * Whether the taken `job` may still be trained: not when its lock has run out and its worker is not
 * connected to the queue (`connected`; undefined when Redis does not list them: it may be) — a worker
 * killed, nothing left to put the run back but another worker's check.
 */
async function trained(
  queue: Queue<SweepJob, SweepResult>,
  redis: Redis,
  job: Job<SweepJob, SweepResult>,
  connected: ReadonlySet<string> | undefined,
): Promise<boolean> {
  const ttl = await redis.pttl(`${queue.toKey(job.id ?? '')}:lock`);
  return !(ttl <= 0 && connected !== undefined && !connected.has(job.processedBy ?? ''));
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
