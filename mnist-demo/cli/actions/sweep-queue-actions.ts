/**
 * `penx sweep --queue URL`: a sweep on a BullMQ queue for `penx worker` processes to train.
 *
 *   submit ─► registry + jobs (experiment/sweep-queue.ts) ─► --detach: return
 *          ─► follow: the runs' states and progress, polled each second, printed as they change;
 *             Redis lost (restarted) ─► said, reconnected ─► what the queue lost put back
 *             (workers skip a run whose folder is finished: the run folders are the truth)
 *          ─► all done or failed ─► the sweep's figures (when its folder is here) ─► exit 0, or 1 if any failed
 *   --status [--json] ─► done / running / waiting / failed, and each run
 *   --remove          ─► the sweep's jobs and name taken off the queue
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkFolder, IOError, openFolder, readSweepJson, redactCredentials, type SweepRecord, UsageError, writeSweepJson } from 'penalty-explorer/node';
import { isConnectionError } from '../../experiment/queue-connection.ts';
import type { MonitorDigests } from '../../experiment/queue-jobs.ts';
import { failuresOf, NOT_ON_QUEUE, type RunOnQueue, type SweepStatus } from '../../experiment/queue-status.ts';
import { drawSweep } from '../../experiment/sweep-draw.ts';
import { SweepQueue } from '../../experiment/sweep-queue.ts';
import { leftOutRuns, otherSettingsIn } from '../../experiment/sweep-state.ts';
import { counted } from '../../words.ts';
import { printJson } from '../json.ts';
import { printRuns, printStatus, progressText } from './sweep-print.ts';

const POLL_MS = 1_000;

/**
 * The sweep named `name` on the queue, or a UsageError saying there is none — and how to put it
 * back when a Redis that restarted without its data lost it (nothing follows a `--detach`ed sweep to do so).
 */
async function onQueue(q: SweepQueue, name: string): Promise<SweepRecord> {
  const record = await q.record(name);
  if (!record)
    throw new UsageError(
      `there is no sweep named ${name} on the queue at ${q.url} (a Redis restarted without its data has lost its sweeps: put it on again with the penx sweep --queue command that put it on; finished runs are skipped, the others resume)`,
    );
  return record;
}

/** Run `work` on the queue at `url`; a lost connection ends it with an IOError naming the queue (its password hidden). */
async function withQueue<T>(url: string, work: (q: SweepQueue) => Promise<T>): Promise<T> {
  const q = await SweepQueue.open(url);
  try {
    return await work(q);
  } catch (err) {
    if (isConnectionError(err))
      throw new IOError(`lost the connection to Redis at ${q.url} (${redactCredentials((err as Error).message)}); try again when it answers`);
    throw err;
  } finally {
    await q.close();
  }
}

/** `penx sweep --status --queue URL`: what the queue holds of sweep `name`, as text or (`json`) one JSON document; exit code 0. */
export async function sweepStatus(url: string, name: string, json: boolean): Promise<number> {
  return withQueue(url, async (q) => {
    const status = await q.status(await onQueue(q, name));
    if (json) printJson({ queue: q.url, ...status }, 1);
    else printStatus(status, q.url);
    return 0;
  });
}

/**
 * `penx sweep --remove --queue URL`: sweep `name`'s jobs and name taken off the queue (its folder
 * stays) — one that is no valid sweep record too (bad names put on by another tool); exit code 0.
 */
export async function removeSweep(url: string, name: string): Promise<number> {
  return withQueue(url, async (q) => {
    const removed = await q.remove(name);
    if (removed === undefined) throw new UsageError(`there is no sweep named ${name} on the queue at ${q.url}`);
    console.log(`removed sweep ${name} from ${q.url}: ${removed} job(s); its folder stays`);
    return 0;
  });
}

/** What changed for a run since the last look, as a line; undefined when nothing worth saying did. */
function change(was: RunOnQueue | undefined, now: RunOnQueue): string | undefined {
  const label = `[${now.run}]`;
  if (was?.state === now.state) {
    const epoch = (r?: RunOnQueue) => (r?.progress?.testAcc === undefined ? -1 : r.progress.epoch);
    return now.state === 'running' && epoch(now) !== epoch(was) ? `${label} ${progressText(now)} (${now.worker ?? '?'})` : undefined;
  }
  if (now.state === 'running') return `${label} running on ${now.worker ?? '?'}${now.attempts > 1 ? ` (attempt ${now.attempts})` : ''}`;
  if (now.state === 'done') return `${label} done: ${progressText(now)}${now.result ? `, test acc ${now.result.testAcc?.toFixed(4) ?? 'n/a'}` : ''}`;
  if (now.state === 'failed') return `${label} failed: ${now.reason ?? '?'}`;
  return was ? `${label} back on the queue${now.reason ? ` (${now.reason})` : ' (its worker stopped)'}` : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The sweep's status, and its monitor modules as the queue holds them now (`checkedDigests`), else as last known. */
interface Look {
  readonly status: SweepStatus;
  readonly digests: MonitorDigests | undefined;
}

/**
 * The sweep's status; when Redis is gone, said once and waited for (the clients reconnect by
 * themselves), and once it answers, what it lost of the sweep put back. A lost job is put back
 * with the monitor modules the sweep's latest submission checked (`restore`): another `penx sweep
 * --queue` may have put it on again with edited ones since this one began following; `digests`,
 * this follower's latest look at them, only when Redis lost those too.
 */
async function statusSurviving(q: SweepQueue, record: SweepRecord, digests: MonitorDigests | undefined): Promise<Look> {
  let lost = false;
  for (;;) {
    try {
      const status = await q.status(record);
      if (lost || status.runs.some((r) => r.reason === NOT_ON_QUEUE)) {
        const back = await q.restore(record, digests);
        if (lost) console.error(`Redis at ${q.url} answers again`);
        lost = false;
        if (back.length) {
          console.error(
            `${counted(back.length, 'run')} put back on the queue, which had lost ${back.length === 1 ? 'it' : 'them'} (a worker skips a run whose folder is finished): ${back.join(', ')}`,
          );
          continue;
        }
      }
      return { status, digests: (await q.checkedDigests(record.name)) ?? digests };
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      if (!lost)
        console.error(
          `lost the connection to Redis at ${q.url} (${redactCredentials((err as Error).message)}); reconnecting (Ctrl-C stops following, not the sweep)`,
        );
      lost = true;
      await sleep(POLL_MS);
    }
  }
}

/** Print the sweep's runs as they change, until none is running or waiting; `digests`: its monitor modules as this submission checked them. */
async function follow(q: SweepQueue, record: SweepRecord, digests: MonitorDigests | undefined): Promise<SweepStatus> {
  const seen = new Map<string, RunOnQueue>();
  let latest = digests;
  for (;;) {
    const look = await statusSurviving(q, record, latest);
    latest = look.digests;
    for (const r of look.status.runs) {
      const line = change(seen.get(r.run), r);
      if (line) console.error(line);
      seen.set(r.run, r);
    }
    if (look.status.counts.running + look.status.counts.waiting === 0) return look.status;
    await sleep(POLL_MS);
  }
}

/** How `queueSweep` puts a sweep on: left to the workers or followed, and its monitor modules as the sweep checked them. */
export interface QueueOptions {
  readonly detach: boolean;
  /** Each `--monitor` module's SHA-256 at the sweep's check (none without monitors): in every job, so each run refuses a module that differs. */
  readonly monitorDigests?: MonitorDigests | undefined;
}

/**
 * `penx sweep --queue URL`: the sweep submitted (refused before anything is written when it cannot
 * be), then followed until every run is done or failed (exit code 1 if any failed), or with
 * `detach` left to the workers (0).
 */
export async function queueSweep(url: string, record: SweepRecord, dir: string, { detach, monitorDigests }: QueueOptions): Promise<number> {
  // Refused before anything is written: a wrong or unreachable URL (SweepQueue.open), a different
  // sweep of this name on the queue, a folder that is not a sweep folder of the tool's, or one
  // holding a sweep of other settings (its runs would be resumed with these).
  return withQueue(url, async (q) => {
    await q.checkSubmittable(record);
    checkFolder(dir, 'sweep', {});
    const why = otherSettingsIn(dir, record.settings);
    if (why) throw new UsageError(`${dir} holds a sweep with other settings (${why}); nothing was written; give this one another --name`);
    // As a local sweep: a grid that leaves out runs of the folder's is not written over it (sweep.json would forget them).
    const left = leftOutRuns(readSweepJson(dir), record);
    if (left)
      throw new UsageError(
        `${dir} holds a sweep with runs this grid leaves out (${left}); nothing was written; give their penalties, strengths and seeds too (a grid may grow), or another --name`,
      );
    // The sweep record goes into the (shared) sweep folder, a sweep folder of the tool's or a new one
    // — also over one of a smaller grid, so its runs are the sweep's (summary, serve); workers write it too.
    openFolder(dir, 'sweep');
    await writeSweepJson(dir, record);
    const { again, retried } = await q.submit(record, monitorDigests);
    console.error(
      `sweep ${record.name}: ${counted(record.runs.length, 'run')} ${again ? (record.runs.length === 1 ? 'is on' : 'are on') : 'put on'} the queue at ${q.url}${retried.length ? `; ${retried.length} failed run(s) put back: ${retried.join(', ')}` : ''}; ` +
        (detach ? 'train them with penx worker' : 'waiting for penx worker processes to train them (Ctrl-C stops waiting, not the sweep)'),
    );
    if (detach) {
      console.log(`status: penx sweep --queue ${q.url} --name ${record.name} --status`);
      return 0;
    }
    const status = await follow(q, record, monitorDigests);
    const here = record.runs.some((r) => existsSync(join(dir, r.name)));
    // A run that failed on the queue shows failed, whatever its folder holds.
    if (here) printRuns(record, await drawSweep(dir, record, failuresOf(status)));
    else printStatus(status, q.url);
    const c = status.counts;
    console.log(
      `sweep ${record.name}: ${c.done} done, ${c.failed} failed${here ? `; report: ${join(dir, 'report.html')}` : `; the runs are in the workers' folder, not in ${dir}`}`,
    );
    return c.failed > 0 ? 1 : 0;
  });
}
