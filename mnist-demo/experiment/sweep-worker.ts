/**
 * A machine's share of queued sweeps (`penx worker`): a BullMQ worker that takes runs and trains
 * each in a child process into the shared folder, reporting progress through the queue.
 *
 *   job ─► its sweep's or run's name not one plain folder name (another tool's job) ─► UnrecoverableError naming
 *        the job by its id, nothing written
 *   job ─► its sweep on the queue no valid sweep record (another run's name no folder can have) ─► UnrecoverableError
 *        saying what is wrong and how to take it off the queue, nothing written (said once more, not per job: not drawn)
 *   job ─► <out>/<sweep>: a sweep folder of penx's, not holding a sweep of other settings (else the run
 *        fails, nothing written; a refused folder's reason in the app's words, as `penx sweep` says it) ─► its sweep.json (the registry's, when missing or of a smaller grid; one
 *        holding runs the registry's grid leaves out: the run fails, nothing written) ─► the run folder's state:
 *        done ─► skipped · failed (stopped before, or no checkpoint to continue from) ─►
 *        UnrecoverableError · otherwise ─► child (resume or start; a `--monitor` module that is not the one
 *        the sweep's latest submission checked, by SHA-256 as read once the job is held: refused, nothing
 *        written, UnrecoverableError)
 *   child ─► progress ─► job.updateProgress ─► done: the result · settings at fault (bad spec,
 *        NaN) ─► UnrecoverableError (failed once; put back to wait instead when the sweep's monitor
 *        digests changed since they were read: it was put on again meanwhile) · crashed ─► an error (retried)
 *   lock lost (this process stalled, or Redis lost the job) ─► its child stopped, so two workers never train
 *        one run; said once, in the worker's words (BullMQ's own renewal error not shown), the job left as the queue has it
 *   job ended (done, skipped, failed) but its lock no longer this worker's (Redis lost the job, or its lock ran
 *        out meanwhile) ─► said once, in the worker's words, the job left as the queue has it: BullMQ is not asked
 *        to record the end, which it would refuse ("Missing key for job …", not shown either)
 *   SIGINT/SIGTERM ─► children stopped, their jobs put back to wait (resumed by any worker)
 *   the last run of a sweep ends ─► the sweep's figures and report drawn (into a sweep folder it opened;
 *        on a stop too: the stop waits for the draw before it closes the queue)
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { FolderRefusedError } from 'penalty-explorer/errors';
import {
  breakLock,
  checkFolder,
  checkpointHolding,
  DataError,
  lockHolder,
  makeFolder,
  openFolder,
  PenaltyExplorerError,
  readSweepJson,
  redactCredentials,
  runNameProblem,
  type SweepRecord,
  UsageError,
  visibleControls,
  writeSweepJson,
} from 'penalty-explorer/node';
import { counted } from '../words.ts';
import { isConnectionError, redisOptions } from './queue-connection.ts';
import { jobId, LOCKS, QUEUE_NAME, type SweepJob, type SweepProgress, type SweepResult } from './queue-jobs.ts';
import { failuresOf } from './queue-status.ts';
import { type ChildMessage, type TrainingChild, trainInChild } from './sweep-child.ts';
import { drawSweep } from './sweep-draw.ts';
import { threadsPerRun } from './sweep-local.ts';
import { SweepQueue } from './sweep-queue.ts';
import { lastScores, leftOutRuns, otherSettings, otherSettingsIn, runState } from './sweep-state.ts';
import { LostRunError, SupersededRunError, type WorkerJob, workerJob } from './worker-jobs.ts';

/** `startWorker`'s options: the queue, the shared folder, how many runs at once on how many threads, and where its lines go. */
export interface WorkerOptions {
  /** The queue's Redis URL. */
  readonly url: string;
  /** The shared folder the sweeps' folders are in. */
  readonly out: string;
  /** Runs trained at once. */
  readonly concurrency: number;
  /** Threads in all, split between the runs trained at once. */
  readonly threads: number;
  /** One line of the worker's log. */
  log(line: string): void;
  /** A progress line of a training child. */
  onLine(line: string): void;
  /**
   * What the app says about a folder the library refused (its remedy in flags: `penx sweep`'s, whose
   * --name and --out named the sweep's folder), or undefined for another error: a job whose sweep
   * folder is refused fails with it (without: the library's message).
   */
  refusalText?(err: unknown): string | undefined;
}

/** A started worker; `stop()` puts its runs back on the queue, finishes the sweep draws under way, and closes it. */
export interface SweepWorker {
  readonly name: string;
  /** The runs it took so far, as they ended. */
  readonly jobs: readonly WorkerJob[];
  stop(): Promise<void>;
}

/** The job's progress as the queue keeps it: the position, and the scores of the last finished epoch. */
function progressOf(m: ChildMessage, last: SweepProgress | undefined): SweepProgress | undefined {
  if (m.kind === 'progress') return { ...last, epoch: m.epoch, epochs: m.epochs, batch: m.batch, batches: m.batches };
  if (m.kind === 'epoch')
    return { epoch: m.epoch, epochs: m.epochs, batch: last?.batches ?? 0, batches: last?.batches ?? 0, testAcc: m.testAcc, sparsity: m.sparsity };
  return undefined;
}

/**
 * Remove the folder lock that a worker's trainer of this very job left on another machine. The
 * queue's job lock, which this worker holds now, says who trains the job; a lock of a trainer on
 * another host cannot be checked for life from here, and a trainer of this job there has lost it
 * (its machine died or stalled). Any other lock — a local `penx sweep` there, a trainer of another
 * queue — is left: its holder may be training the run now (this worker's trainer is then refused).
 *
 * @example
 * breakForeignLock('runs/lambda/l1_1e-4_seed=1', 'lambda/l1_1e-4_seed%3D1')   // removed if host B's `sweep-run {…"job":"lambda/l1_1e-4_seed%3D1"}` holds it
 */
function breakForeignLock(dir: string, job: string): void {
  // No lock, or one being written: the trainer's own check decides.
  const holder = lockHolder(dir);
  if (holder && holder.host !== hostname() && holder.command.includes('sweep-run') && holder.command.includes(`"job":${JSON.stringify(job)}`)) breakLock(dir);
}

/**
 * Why a queued job's sweep or run name cannot name a folder (`runNameProblem`), the job named by its id
 * (`jobId`: `<sweep>/<run>`, each part URL-encoded, so one line whatever the names hold), or undefined. Put on by `penx sweep`,
 * the names are plain (checked, and made from the grid); another tool's job, or an older penx's, may not be.
 *
 * @example
 * jobNameProblem('lambda/..%2Fx', { sweep: 'lambda', run: '../x' })
 * // "job lambda/..%2Fx: its run name '../x' contains a path separator (a sweep's or run's folder is one plain name, e.g. l1_1e-4); nothing was written"
 */
export function jobNameProblem(id: string, names: { readonly sweep: string; readonly run: string }): string | undefined {
  for (const [what, name] of [
    ['sweep', names.sweep],
    ['run', names.run],
  ] as const) {
    const problem = runNameProblem(name);
    if (problem)
      return `job ${visibleControls(id)}: its ${what} name ${problem} (a sweep's or run's folder is one plain name, e.g. l1_1e-4); nothing was written`;
  }
  return undefined;
}

/**
 * Why this worker lost the job `id` (its lock could not be renewed, or was no longer its own as the
 * run ended), and what follows, from what the queue holds of it now: no such job (Redis lost its
 * data: nothing puts the run back but the sweep put on again), or the job still there (this process
 * stalled, or Redis was out of reach: another worker takes it over). `ended`: what became of the run
 * here, when it ended before the loss was seen (else its training was stopped).
 *
 * @example
 * await lostWhy(queue, 'lambda/l1_1e-4_seed%3D1')
 * // "the queue at redis://127.0.0.1:6379 no longer has it (Redis lost its data: …); stopped training it, …; put the sweep on the queue again…"
 */
async function lostWhy(queue: SweepQueue, id: string, ended?: string): Promise<string> {
  const state = await queue.queue.getJobState(id).catch(() => undefined);
  if (state === 'unknown')
    return `the queue at ${queue.url} no longer has it (Redis lost its data: restarted without --appendonly yes, or emptied); ${ended ?? 'stopped training it, its folder keeps its last checkpoint'}; put the sweep on the queue again with the penx sweep --queue command that put it on (its unfinished runs resume)`;
  if (ended)
    return `its lock ran out before the run ended (this process stalled, or Redis was out of reach); ${ended}; another worker takes it over (skipping it when finished)`;
  return 'its lock could not be renewed in time (this process stalled, or Redis was out of reach); stopped training it, so another worker takes it over from its last checkpoint';
}

/** What became of a run whose job this worker lost as it ended (`lostWhy`'s `ended`). */
const ENDED = {
  finished: 'the run is finished in its folder, the queue not told',
  other: 'the queue not told how the run ended here',
} as const;

/**
 * BullMQ's refusal to record a job's end under a lock the worker no longer holds: the job's id, or
 * undefined for another error.
 *
 * @example
 * refusedEnd('Missing key for job lambda/l1_1e-4_seed%3D1. moveToFinished')   // 'lambda/l1_1e-4_seed%3D1'
 */
export function refusedEnd(message: string): string | undefined {
  return /^(?:Missing key|Missing lock|Lock mismatch) for job (\S+)\. (?:Cmd )?moveTo\w+/.exec(message)?.[1];
}

/** The `<sweep>/<run>` a job id names (`jobId`), as the worker's lines name runs; the id itself when it is no such id. */
function runOfJob(id: string): string {
  try {
    return visibleControls(id.split('/').map(decodeURIComponent).join('/'));
  } catch {
    return visibleControls(id);
  }
}

/** Start a worker on the queue at `options.url` (see the file's comment): it takes runs of queued sweeps until stopped. */
export async function startWorker(options: WorkerOptions): Promise<SweepWorker> {
  const queue = await SweepQueue.open(options.url);
  // The shared folder, made now (after Redis answered): one that cannot hold folders (a file, /proc)
  // is refused before any run is taken, not found out run by run (each then failed for every worker).
  try {
    const checkpoint = checkpointHolding(options.out);
    // Refused as the folder the worker's output goes into (its sweeps), the intent an app words its remedy by.
    if (checkpoint) throw new FolderRefusedError(options.out, `${options.out} is inside the run's checkpoint ${checkpoint}; nothing was touched`, 'output');
    makeFolder(options.out);
  } catch (err) {
    await queue.close();
    throw err;
  }
  const connection = redisOptions(options.url);
  const name = `${hostname()}:${process.pid}`;
  const threads = threadsPerRun(options.threads, options.concurrency);
  const children = new Map<string, TrainingChild>();
  /** The sweep folders this worker writes in (listed in their manifests while it runs). */
  const opened = new Map<string, () => void>();
  /** The jobs whose lock this worker could not renew, until their processing ends (their child then stopped). */
  const lost = new Set<string>();
  /** The same jobs until taken again: BullMQ's own "could not renew lock" errors about them are not shown (the worker says it in its words). */
  const renewalFailed = new Set<string>();
  /** The jobs whose end BullMQ refused to record (`refusedEnd`), until taken again: said once each, in the worker's words. */
  const endRefused = new Set<string>();
  let stopping = false;

  const trainJob = async (job: Job<SweepJob, SweepResult>, token?: string): Promise<SweepResult> => {
    const { sweep, run, settings } = job.data;
    // A name that cannot name a folder: the job named by its id (one line, whatever the names hold), nothing written.
    const bad = jobNameProblem(job.id ?? jobId(sweep, run.name), { sweep, run: run.name });
    if (bad) {
      options.log(`failed ${bad}`);
      throw new UnrecoverableError(bad);
    }
    const id = `${sweep}/${run.name}`;
    const sweepDir = join(options.out, sweep);
    const dir = join(sweepDir, run.name);
    /** The sweep record in the folder (its sweep.json), read once. */
    let was: SweepRecord | undefined;
    /** The sweep record as the queue has it (its grid may have grown since the folder's was written). */
    let record: SweepRecord | undefined;
    /** The monitor modules as the sweep's latest submission checked them, read now this worker holds the job (taken while the sweep was put on again: the new ones). */
    let monitorDigests: SweepJob['monitorDigests'];
    try {
      // A queued sweep that is no valid record (names no folder can have, put on by another tool): nothing written.
      record = await queue.record(sweep);
      monitorDigests = await queue.digestsToTrain(job);
      // A sweep folder of this name run with other settings is another sweep's: nothing written in it.
      checkFolder(sweepDir, 'sweep', {});
      was = readSweepJson(sweepDir);
      const why = otherSettings(was, settings);
      if (why)
        throw new UsageError(`${sweepDir} holds a sweep with other settings (${why}); nothing was written; put this sweep on the queue under another name`);
      if (!opened.has(sweepDir)) opened.set(sweepDir, openFolder(sweepDir, 'sweep'));
    } catch (err) {
      if (!(err instanceof PenaltyExplorerError)) throw err;
      const why = options.refusalText?.(err) ?? err.message;
      options.log(`failed ${id}: ${why}`);
      throw new UnrecoverableError(why);
    }
    // A grid that leaves out runs of the folder's (a sweep removed and put on again smaller) is not
    // written over it: sweep.json would forget runs whose folders stay, as a local sweep refuses to.
    const left = record && leftOutRuns(was, record);
    if (left) {
      const why = `${sweepDir} holds a sweep with runs the queue's grid leaves out (${left}); nothing was written; put this sweep on the queue with those runs too, or under another name`;
      options.log(`failed ${id}: ${why}`);
      throw new UnrecoverableError(why);
    }
    if (record && JSON.stringify(was?.runs) !== JSON.stringify(record.runs)) await writeSweepJson(sweepDir, record);
    const state = runState(dir, Number(settings.epochs));
    if (state.state === 'done') {
      options.log(`skipped ${id}: finished already`);
      return { resumedAfter: state.record.epochs.length, ...lastScores(state.record), skipped: true };
    }
    if (state.state === 'failed') {
      options.log(`failed ${id}: ${state.reason}`);
      throw new UnrecoverableError(state.reason);
    }
    breakForeignLock(dir, job.id!);
    options.log(`took ${id} (attempt ${job.attemptsStarted}${state.state === 'partial' ? `, ${counted(state.epochs, 'epoch')} done` : ''})`);
    // A stop that came while this job was being taken (or while the awaits above ran) finds no child
    // of it to stop: the run is put back before one starts, not trained whole first.
    if (stopping) {
      options.log(`put back ${id}: this worker is stopping`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    // Its stall count as taken (grown later: a stalled-job check put it back, `--status` says so).
    const stalls = job.stalledCounter;
    let progress: SweepProgress | undefined = typeof job.progress === 'object' ? (job.progress as unknown as SweepProgress) : undefined;
    await job.updateProgress({ ...progress, stalls } as SweepProgress).catch(() => undefined);
    // The sweep's threads per run when it gives them (its runs then equal whatever worker trains them), else this worker's share.
    const child = trainInChild(
      {
        run,
        settings,
        dir,
        threads: settings.threads === undefined ? threads : Number(settings.threads),
        label: `[${id}]`,
        job: job.id!,
        // The monitor modules as the sweep checked them: the run refuses one that differs here.
        ...(monitorDigests ? { monitorDigests } : {}),
      },
      (m) => {
        if (m.kind === 'begin' && m.resumedAfter > 0) options.log(`${id}: resuming after epoch ${m.resumedAfter}`);
        progress = progressOf(m, progress) ?? progress;
        if (m.kind === 'progress' || m.kind === 'epoch') void job.updateProgress({ ...progress, stalls } as SweepProgress).catch(() => undefined);
      },
      options.onLine,
    );
    children.set(job.id!, child);
    const outcome = await child.outcome.finally(() => children.delete(job.id!));
    if (outcome.kind === 'done') {
      options.log(
        `done ${id}: ${counted(outcome.epochs, 'epoch')} (${outcome.epochs - outcome.resumedAfter} trained here), test acc ${outcome.testAcc?.toFixed(4) ?? 'n/a'}`,
      );
      return { resumedAfter: outcome.resumedAfter, epochs: outcome.epochs, testAcc: outcome.testAcc, sparsity: outcome.sparsity };
    }
    if (lost.delete(job.id!)) {
      const why = await lostWhy(queue, job.id!);
      options.log(`lost ${id}: ${why}`);
      throw new LostRunError(`${name} lost the lock of ${id} and stopped training it: ${why}`);
    }
    if (stopping) {
      options.log(`put back ${id}: this worker is stopping`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    // Refused (its settings at fault: a monitor module not the one checked) under digests that the
    // sweep's later submission replaced after this worker read them: put back, to be trained with the
    // new ones, not failed for good (that submission saw the job running, so it did not retry it).
    if (outcome.settings && (await queue.digestsReplaced(sweep, monitorDigests))) {
      const why = `its sweep was put on again with other monitor modules while the run started (${outcome.message})`;
      options.log(`put back ${id}: ${why}`);
      await job.moveToWait(token);
      throw new SupersededRunError(why);
    }
    options.log(`failed ${id}: ${outcome.message}`);
    throw outcome.settings ? new UnrecoverableError(outcome.message) : new Error(outcome.message);
  };

  /**
   * True while this worker holds the lock of `job` (taken with `token`); Redis out of reach: asked
   * again once it answers (as BullMQ would record the end then), unless the worker is stopping.
   */
  const stillHeld = async (job: Job<SweepJob, SweepResult>, token: string | undefined): Promise<boolean> => {
    for (;;) {
      try {
        return token === undefined || (await queue.holds(job.id!, token));
      } catch (err) {
        if (!isConnectionError(err) || stopping) return true;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };
  const jobs: WorkerJob[] = [];
  const recordedJob = async (job: Job<SweepJob, SweepResult>, token?: string): Promise<SweepResult> => {
    for (const taken of [lost, renewalFailed, endRefused]) taken.delete(job.id!);
    let ended: { result: SweepResult } | { error: unknown };
    try {
      ended = { result: await trainJob(job, token) };
    } catch (error) {
      ended = { error };
    }
    // The run ended (not put back) with its lock no longer this worker's: BullMQ would refuse to
    // record the end ("Missing key for job …"); said here, the job left as the queue has it.
    if (!('error' in ended && ended.error instanceof WaitingError) && !(await stillHeld(job, token))) {
      const run = visibleControls(`${job.data.sweep}/${job.data.run.name}`);
      const why = await lostWhy(queue, job.id!, 'result' in ended ? ENDED.finished : ENDED.other);
      options.log(`lost ${run}: ${why}`);
      const error = new LostRunError(`${name} lost ${run} as it ended: ${why}`);
      jobs.push(workerJob(job, options.out, 'result' in ended ? ended : { error }));
      throw error;
    }
    jobs.push(workerJob(job, options.out, ended));
    if ('error' in ended) throw ended.error;
    return ended.result;
  };
  const worker = new Worker<SweepJob, SweepResult>(QUEUE_NAME, recordedJob, {
    connection: { ...connection, maxRetriesPerRequest: null },
    concurrency: options.concurrency,
    name,
    ...LOCKS,
  });
  worker.on('error', (err) => {
    const renewal = /^could not renew lock for job (.*)$/.exec(err.message);
    if (renewal && renewalFailed.has(renewal[1] as string)) return;
    // The job lost between this worker's look at its lock and BullMQ's recording of its end.
    const refused = refusedEnd(err.message);
    if (refused !== undefined) {
      if (endRefused.has(refused)) return;
      endRefused.add(refused);
      void lostWhy(queue, refused, ENDED.other).then((why) => options.log(`lost ${runOfJob(refused)}: ${why}`));
      return;
    }
    options.log(`queue: ${redactCredentials(err.message)}`);
  });
  // Emitted before BullMQ's own error for each of `ids` ("could not renew lock for job …"), which is then not shown.
  worker.on('lockRenewalFailed', (ids) => {
    for (const id of ids) {
      lost.add(id);
      renewalFailed.add(id);
      // At once, not at its next safe point: another worker may be training the run already (it
      // takes the folder's lock over, which this child leaves behind).
      children.get(id)?.process.kill('SIGKILL');
    }
  });
  // When a sweep's last run ends (done, or failed for good), draw its figures — only into a sweep
  // folder this worker opened (marker-proven), never into one it was refused.
  /** The queued sweeps this worker found no valid record of, said once each (not after every job of theirs). */
  const unreadable = new Set<string>();
  const drawIfFinished = async (job: Job<SweepJob, SweepResult> | undefined) => {
    if (!job) return;
    let record: SweepRecord | undefined;
    try {
      record = await queue.record(job.data.sweep);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      if (!unreadable.has(job.data.sweep)) options.log(`cannot draw ${err.message}`);
      unreadable.add(job.data.sweep);
      return;
    }
    if (!record) return;
    const status = await queue.status(record);
    if (status.counts.running + status.counts.waiting > 0) return;
    const dir = join(options.out, record.name);
    const counts = `${status.counts.done} done, ${status.counts.failed} failed`;
    if (!opened.has(dir) || otherSettingsIn(dir, record.settings))
      return options.log(`sweep ${record.name} finished: ${counts}; not drawn (${dir} is not a sweep folder this worker writes in)`);
    await drawSweep(dir, record, failuresOf(status));
    options.log(`sweep ${record.name} finished: ${counts}; report: ${join(dir, 'report.html')}`);
  };
  /**
   * The draws under way: a stop waits for them before it closes the queue and the sweep folders (a
   * draw's last run may end while the worker stops: BullMQ says so before its close resolves, so
   * every draw is in here by then), so none is cut off with its figures or report half made.
   */
  const drawing = new Set<Promise<void>>();
  const drawLater = (job: Job<SweepJob, SweepResult> | undefined) => {
    const draw = drawIfFinished(job)
      .catch((err: Error) => options.log(`could not draw the sweep: ${err.message}`))
      .finally(() => drawing.delete(draw));
    drawing.add(draw);
  };
  worker.on('completed', drawLater);
  worker.on('failed', drawLater);
  await worker.waitUntilReady();
  options.log(
    `worker ${name}: ${counted(options.concurrency, 'run')} at a time, ${counted(threads, 'thread')} each, into ${options.out}; waiting for runs on ${queue.url}`,
  );
  return {
    name,
    jobs,
    stop: async () => {
      stopping = true;
      // SIGINT: even a child stuck in user code stops (the guard's watchdog), its lock released.
      for (const child of children.values()) child.process.kill('SIGINT');
      await worker.close();
      await Promise.all(drawing);
      await queue.close();
      for (const stop of opened.values()) stop();
    },
  };
}
