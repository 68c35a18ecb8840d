/**
 * Where a queued sweep's runs stand (`penx sweep --queue … --status`, the follower, a worker's draw):
 *
 *   each run's job ─► waiting · running (progress, worker) · done (result) · failed (why); none ─► waiting, not on the queue
 *   a taken run whose worker is gone ─► said from its lock and the connected workers (`heldNote`; `orphaned`,
 *       how, for scripts): its lock run out ─► waiting
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SweepRecord } from 'penalty-explorer/node';
import { jobId, LOCKS, type SweepJob, type SweepProgress, type SweepResult } from './queue-jobs.ts';

/** Why a run of a sweep is waiting with no job: the queue does not have it (Redis lost it, or it was never put on). */
export const NOT_ON_QUEUE = 'not on the queue';

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

/** A run's state from its job's state in BullMQ (`waiting`, `delayed`, `prioritized`, … all waiting). */
function stateOf(bull: string): QueueState {
  if (bull === 'completed') return 'done';
  if (bull === 'active') return 'running';
  if (bull === 'failed') return 'failed';
  return 'waiting';
}

/**
 * Each run of `record` as `queue` holds it (`redis`: a plain connection to its server, for the
 * jobs' locks). Its state is read before its job: a run that ends in between is seen as it was
 * (running) or, with its job read after, with its reason or result — never failed without why, or
 * done without its result.
 */
export async function readStatus(queue: Queue<SweepJob, SweepResult>, redis: Redis, record: SweepRecord): Promise<SweepStatus> {
  const runs: RunOnQueue[] = [];
  const connected = await connectedWorkers(queue);
  for (const { name: run } of record.runs) {
    const id = jobId(record.name, run);
    const bull = await queue.getJobState(id);
    const job = bull === 'unknown' ? undefined : await queue.getJob(id);
    if (!job) {
      runs.push({ run, state: 'waiting', attempts: 0, reason: NOT_ON_QUEUE });
      continue;
    }
    const { stalls, ...progress } = typeof job.progress === 'object' ? (job.progress as unknown as SweepProgress) : ({} as Partial<SweepProgress>);
    const worker = job.processedBy;
    const ttl = bull === 'active' ? await redis.pttl(`${queue.toKey(id)}:lock`) : undefined;
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

/**
 * The names of the workers connected to the queue now (BullMQ names each one's connection), or undefined when Redis does not list its clients.
 * Redis lists the clients of every database, and BullMQ's names do not say which: a worker of the same queue name on another
 * database (another sweep queue on the same server) is not this queue's, so only clients whose `db` is the queue's count.
 */
export async function connectedWorkers(queue: Queue<SweepJob, SweepResult>): Promise<ReadonlySet<string> | undefined> {
  const clients = await queue.getWorkers().catch(() => undefined);
  if (!clients?.every((c) => typeof c['rawname'] === 'string')) return undefined;
  const db = String((queue.opts.connection as { readonly db?: number }).db ?? 0);
  const ours = clients.filter((c) => c['db'] === undefined || c['db'] === db);
  return new Set(ours.map((c) => (c['rawname'] as string).slice((c['rawname'] as string).indexOf(':w:') + 3)));
}
