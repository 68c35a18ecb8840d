/**
 * What a `penx worker` did with each run it took, in the order they ended (`penx worker --json`):
 *
 *   trained to the end ─► done · finished before ─► skipped · failed for good ─► failed
 *   failed, tried again by the queue ─► retried · put back (the worker stopped, or lost the run, or the
 *   sweep was put on again with other monitor modules while the run started) ─► requeued
 */
import { join, resolve } from 'node:path';
import { type Job, UnrecoverableError, WaitingError } from 'bullmq';
import type { SweepJob, SweepResult } from './queue-jobs.ts';

/** How a run a worker took ended there (see the file's comment). */
export type WorkerJobState = 'done' | 'skipped' | 'failed' | 'retried' | 'requeued';

/** One run a worker took, and how it ended there. */
export interface WorkerJob {
  readonly sweep: string;
  readonly run: string;
  /** The run folder (absolute). */
  readonly dir: string;
  /** Which try of the run this was (1 the first). */
  readonly attempt: number;
  readonly state: WorkerJobState;
  /** done, skipped: the run's epochs, those trained here, and its scores after the last one. */
  readonly epochs?: number;
  readonly trained?: number;
  readonly testAcc?: number | null;
  readonly sparsity?: number;
  /** failed, retried, requeued: why. */
  readonly reason?: string;
}

/**
 * This worker lost the run's lock (it stalled, or Redis lost the job): not a failure of the run. A
 * WaitingError, so BullMQ leaves the job as the queue has it (another worker's, or none) rather than
 * failing it under a lock it no longer holds ("Missing key for job …").
 */
export class LostRunError extends WaitingError {}

/** The run, refused under monitor modules its sweep's later submission replaced, was put back to wait (BullMQ's WaitingError): its message says why. */
export class SupersededRunError extends WaitingError {}

/**
 * The entry of `job`, trained into `out`, from what its processing returned or threw.
 *
 * @example
 * workerJob(job, 'runs', { result: { resumedAfter: 1, epochs: 2, testAcc: 0.91, sparsity: 0.3 } })
 * // { sweep: 'lambda', run: 'l1_1e-4_seed=1', dir: '/abs/runs/lambda/l1_1e-4_seed=1', attempt: 2, state: 'done', epochs: 2, trained: 1, testAcc: 0.91, sparsity: 0.3 }
 */
export function workerJob(job: Job<SweepJob, SweepResult>, out: string, ended: { result: SweepResult } | { error: unknown }): WorkerJob {
  const { sweep, run } = job.data;
  const base = { sweep, run: run.name, dir: resolve(join(out, sweep, run.name)), attempt: job.attemptsStarted };
  if ('result' in ended) {
    const r = ended.result;
    const scores = { epochs: r.epochs, trained: r.skipped ? 0 : r.epochs - r.resumedAfter, testAcc: r.testAcc, sparsity: r.sparsity };
    return { ...base, state: r.skipped ? 'skipped' : 'done', ...scores };
  }
  const err = ended.error;
  if (err instanceof SupersededRunError || err instanceof LostRunError) return { ...base, state: 'requeued', reason: err.message };
  if (err instanceof WaitingError) return { ...base, state: 'requeued', reason: 'this worker stopped' };
  const reason = err instanceof Error ? err.message : String(err);
  // An ordinary error is tried again while the job has attempts left (attemptsMade counts the failed ones before this).
  const again = !(err instanceof UnrecoverableError) && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
  return { ...base, state: again ? 'retried' : 'failed', reason };
}
