/**
 * A sweep's status on the queue (SweepQueue.status) is one consistent look at each run: a run seen
 * failed carries why, a run seen done its result, even when the run ends in the middle of the look.
 * The run's end is put exactly there: a real Redis and BullMQ, the job taken by hand (a Worker
 * without a processor) and failed right after status() read its job.
 *
 * And the `--monitor` modules' SHA-256s a job carries (`monitorDigests`) on every path that writes
 * a job: put on again (a waiting job takes the new ones, a running one keeps its own) and put back
 * after Redis lost it (`restore`, and the following `penx sweep --queue` that calls it — also one
 * that began following before the sweep was put on again with edited modules); and those a worker
 * trains a job with when the sweep is put on again as the worker takes the job (the interleaving put
 * exactly there: submit's read of the job's state lets a worker take it first) or starts its run.
 * And a run whose job the queue loses (Redis emptied) as the run ends, done or crashed, the loss seen
 * by the worker before it asks BullMQ to record the end, or after (BullMQ's "Missing key for job …"):
 * said once, in the worker's words.
 * The worker's training child is a stand-in that records its task and ends when told: nothing is trained.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { queueSweep, sweepStatus } from '../../mnist-demo/cli/actions/sweep-queue-actions.ts';
import { redisOptions } from '../../mnist-demo/experiment/queue-connection.ts';
import { jobId, type MonitorDigests, QUEUE_NAME, type SweepJob } from '../../mnist-demo/experiment/queue-jobs.ts';
import type { ChildOutcome, SweepTask, TrainingChild } from '../../mnist-demo/experiment/sweep-child.ts';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { SweepQueue } from '../../mnist-demo/experiment/sweep-queue.ts';
import { type SweepWorker, startWorker } from '../../mnist-demo/experiment/sweep-worker.ts';
import { sleep, within } from '../wait.ts';
import { emptyDatabase, required, testRedis } from './redis.ts';

/** A stand-in training child of the worker: the task it was given, and its end (it ends only so, or stopped by the worker). */
interface StandIn {
  readonly task: Omit<SweepTask, 'parent'>;
  end(outcome: ChildOutcome): void;
}
/** Called with each stand-in child as the worker starts it. */
let started: (child: StandIn) => void = () => undefined;
/** The next child the worker starts (a signal, not a poll). */
const nextChild = (): Promise<StandIn> =>
  new Promise((resolve) => {
    started = resolve;
  });
vi.mock('../../mnist-demo/experiment/sweep-child.ts', () => ({
  trainInChild: (task: Omit<SweepTask, 'parent'>): TrainingChild => {
    let end: (o: ChildOutcome) => void = () => undefined;
    const outcome = new Promise<ChildOutcome>((resolve) => {
      end = resolve;
    });
    started({ task, end });
    return { process: { kill: () => end({ kind: 'failed', message: 'stopped', settings: false }) } as unknown as TrainingChild['process'], outcome };
  },
}));

const redis = await testRedis();
afterAll(() => redis?.stop());

describe('SweepQueue.status', () => {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error('PENX_REQUIRE_REDIS is set but there is no Redis here');
  });
  if (!redis) return;

  it('a run that fails while its status is read is never shown failed without its reason', async () => {
    // Database 5: no other test file uses it (in CI, all of them share one Redis and run at once).
    const url = await emptyDatabase(redis.url, 5);
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const record = { format: 'penalty-explorer/sweep@1', name: `status${process.pid}`, grid, settings: { epochs: '1' }, runs: await expandGrid(grid) } as const;
    const q = await SweepQueue.open(url);
    const taker = new Worker(QUEUE_NAME, null, { connection: redisOptions(url) });
    try {
      await q.submit(record);
      const token = 'by-hand';
      const taken = await taker.getNextJob(token);
      expect(taken?.data.run.name).toBe('l1_1e-4_seed=1');
      // The run fails for good right after status() has read its job, before it reads anything else.
      const getJob = q.queue.getJob.bind(q.queue);
      let failed = false;
      q.queue.getJob = async (id: string) => {
        const job = await getJob(id);
        if (!failed) {
          failed = true;
          await taken!.moveToFailed(new UnrecoverableError('boom: the run failed'), token, false);
        }
        return job;
      };
      const during = await q.status(record);
      q.queue.getJob = getJob;
      for (const run of during.runs) if (run.state === 'failed') expect(run.reason).toBe('boom: the run failed');
      const after = await q.status(record);
      expect(after.runs[0]).toMatchObject({ state: 'failed', reason: 'boom: the run failed' });
      await q.remove(record.name);
    } finally {
      await taker.close();
      await q.close();
    }
  }, 30_000);

  it('a run whose worker is gone (killed): said from its lock and the workers connected, before and after a check put it back', async () => {
    const url = await emptyDatabase(redis.url, 5);
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const record = { format: 'penalty-explorer/sweep@1', name: `gone${process.pid}`, grid, settings: { epochs: '1' }, runs: await expandGrid(grid) } as const;
    const q = await SweepQueue.open(url);
    const direct = new Redis(redisOptions(url));
    // The worker that dies: takes the run by hand (a 2 s lock), reports as a penx worker does, and goes, its lock left to run out.
    const dead = new Worker(QUEUE_NAME, null, { connection: redisOptions(url), name: 'gone-host:1', lockDuration: 2_000 });
    let checker: Worker | undefined;
    try {
      await q.submit(record);
      const taken = await dead.getNextJob('by-hand');
      await taken!.updateProgress({ epoch: 2, epochs: 5, batch: 1, batches: 2, testAcc: 0.5, sparsity: 0.1, stalls: taken!.stalledCounter });
      const run = async () => (await q.status(record)).runs[0]!;
      expect(await run()).toEqual({
        run: 'l1_1e-4_seed=1',
        state: 'running',
        attempts: 1,
        worker: 'gone-host:1',
        progress: expect.objectContaining({ epoch: 2 }),
      });
      // Its connections dropped, as a killed process's are.
      await dead.close(true);
      await dead.disconnect();
      // Polled until Redis has let its connections go (it ends them just after answering QUIT).
      while ((await q.queue.getWorkers()).some((c) => String(c['rawname']).endsWith(':w:gone-host:1'))) await sleep(20);
      // Still running on the queue, no worker training it: said in words, and in a field a script can rely on.
      expect(await run()).toMatchObject({
        state: 'running',
        orphaned: 'disconnected',
        reason: expect.stringMatching(
          /^its worker gone-host:1 is not connected to the queue \(stopped, or cut off\); its lock runs out in [12] s \(\d\d:\d\d:\d\d UTC\), then a connected worker puts the run back on the queue; no worker is connected now$/,
        ),
      });
      // Polled until the lock has run out (Redis's own expiry: nothing to be told of).
      while ((await direct.pttl(`${q.queue.toKey(jobId(record.name, 'l1_1e-4_seed=1'))}:lock`)) > 0) await sleep(100);
      expect(await run()).toMatchObject({
        state: 'waiting',
        worker: 'gone-host:1',
        orphaned: 'lock-expired',
        reason:
          "its worker gone-host:1 stopped renewing its lock and is not connected to the queue; a connected worker's check (every 2 s) puts the run back on the queue; no worker is connected now",
      });
      // --status --json prints the same: the state the text shows, and the field.
      const lines: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
      expect(await sweepStatus(url, record.name, true)).toBe(0);
      vi.restoreAllMocks();
      expect(JSON.parse(lines.join('\n')).runs[0]).toMatchObject({ state: 'waiting', worker: 'gone-host:1', orphaned: 'lock-expired' });
      // A live worker: its stalled-job check puts the run back.
      checker = new Worker(QUEUE_NAME, null, { connection: redisOptions(url), name: 'checker:2', stalledInterval: 100 });
      const putBack = new Promise((resolve) => checker!.once('stalled', resolve));
      await checker.startStalledCheckTimer();
      expect(await within(putBack, 10_000, 'not put back')).not.toBe('not put back');
      const back = await run();
      expect(back).toMatchObject({
        state: 'waiting',
        worker: 'gone-host:1',
        progress: { epoch: 2, epochs: 5, batch: 1, batches: 2, testAcc: 0.5, sparsity: 0.1 },
        orphaned: 'put-back',
        reason:
          'put back on the queue by a stalled-job check after its worker gone-host:1 stopped renewing its lock; the worker that takes it next resumes it from its last checkpoint',
      });
      expect(back.progress).not.toHaveProperty('stalls');
      await q.remove(record.name);
    } finally {
      vi.restoreAllMocks();
      await dead.close(true);
      await checker?.close();
      direct.disconnect();
      await q.close();
    }
  }, 30_000);

  it("a worker of the same name on another database (another sweep queue on the same Redis) is not this queue's: its run still said to have no worker", async () => {
    const url = await emptyDatabase(redis.url, 5);
    const other = await emptyDatabase(redis.url, 13);
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const record = {
      format: 'penalty-explorer/sweep@1',
      name: `elsewhere${process.pid}`,
      grid,
      settings: { epochs: '1' },
      runs: await expandGrid(grid),
    } as const;
    const q = await SweepQueue.open(url);
    const dead = new Worker(QUEUE_NAME, null, { connection: redisOptions(url), name: 'same-host:1', lockDuration: 2_000 });
    // Connected to the queue of the same name on database 13, under the same worker name; it takes nothing.
    const twin = new Worker(QUEUE_NAME, null, { connection: redisOptions(other), name: 'same-host:1' });
    try {
      await q.submit(record);
      await dead.getNextJob('by-hand');
      await twin.waitUntilReady();
      await dead.close(true);
      await dead.disconnect();
      const named = async () => (await q.queue.getWorkers()).filter((c) => String(c['rawname']).endsWith(':w:same-host:1'));
      while ((await named()).length > 1) await sleep(20);
      // Redis lists the twin (database 13) among the queue's workers; the run's own worker is gone.
      expect((await named()).map((c) => c['db'])).toEqual(['13']);
      expect((await q.status(record)).runs[0]).toMatchObject({
        state: 'running',
        orphaned: 'disconnected',
        reason: expect.stringMatching(/^its worker same-host:1 is not connected to the queue \(stopped, or cut off\);/),
      });
      await q.remove(record.name).catch(() => undefined);
    } finally {
      await dead.close(true);
      await twin.close();
      await q.close();
    }
  }, 30_000);

  it('--status of a sweep the queue does not have (a Redis restarted without its data lost it): refused, saying how to put it back', async () => {
    const url = await emptyDatabase(redis.url, 5);
    await expect(sweepStatus(url, `lost${process.pid}`, false)).rejects.toThrow(
      `there is no sweep named lost${process.pid} on the queue at ${url} (a Redis restarted without its data has lost its sweeps: put it on again with the penx sweep --queue command that put it on; finished runs are skipped, the others resume)`,
    );
  });

  it('--status --json: a failure’s reason with control and bidirectional characters printed as JSON’s escapes, read back the same', async () => {
    const url = await emptyDatabase(redis.url, 5);
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const record = {
      format: 'penalty-explorer/sweep@1',
      name: `escapes${process.pid}`,
      grid,
      settings: { epochs: '1' },
      runs: await expandGrid(grid),
    } as const;
    const reason = 'boom\u001b[2K\u202egnp.exe\u0085';
    const q = await SweepQueue.open(url);
    const taker = new Worker(QUEUE_NAME, null, { connection: redisOptions(url) });
    const lines: string[] = [];
    try {
      await q.submit(record);
      const taken = await taker.getNextJob('by-hand');
      await taken!.moveToFailed(new UnrecoverableError(reason), 'by-hand', false);
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
      expect(await sweepStatus(url, record.name, true)).toBe(0);
      vi.restoreAllMocks();
      const out = lines.join('\n');
      expect(out).not.toMatch(/[^\P{Cc}\n]|\p{Bidi_Control}/u);
      expect(out).toContain('boom\\u001b[2K\\u202egnp.exe\\u0085');
      expect(JSON.parse(out).runs[0]).toMatchObject({ state: 'failed', reason });
      await q.remove(record.name);
    } finally {
      vi.restoreAllMocks();
      await taker.close();
      await q.close();
    }
  }, 30_000);
});

/** A sweep of `seeds` l1 runs named `name`, as `penx sweep` records it. */
async function sweepOf(name: string, seeds: number[]) {
  const grid = { penalties: ['l1'], strengths: [1e-4], seeds };
  return { format: 'penalty-explorer/sweep@1', name, grid, settings: { epochs: '1' }, runs: await expandGrid(grid) } as const;
}

/** The job of `run` of sweep `sweep` on `q`, once it is there (polled: another process may be putting it on); fails after ~10 s. */
async function jobOf(q: SweepQueue, sweep: string, run: string): Promise<Job<SweepJob>> {
  for (let i = 0; i < 200; i++) {
    const job = await q.queue.getJob(jobId(sweep, run));
    if (job) return job;
    await sleep(50);
  }
  throw new Error(`no job ${sweep}/${run} on the queue`);
}

const CHECKED: MonitorDigests = { './monitor.mjs': 'a'.repeat(64) };
const EDITED: MonitorDigests = { './monitor.mjs': 'b'.repeat(64) };

describe('the monitor digests a job carries', () => {
  if (!redis) return;

  it("put on again: a waiting job takes the new digests (none without monitors), a running one keeps its own; put back after a loss: the sweep's latest", async () => {
    // Database 11: no other test's worker or hand takes runs there.
    const url = await emptyDatabase(redis.url, 11);
    const record = await sweepOf(`digests${process.pid}`, [1, 2]);
    const [first, second] = record.runs.map((r) => r.name) as [string, string];
    const q = await SweepQueue.open(url);
    const taker = new Worker(QUEUE_NAME, null, { connection: redisOptions(url) });
    try {
      await q.submit(record, CHECKED);
      const running = await taker.getNextJob('by-hand');
      expect(running?.data.run.name).toBe(first);
      await q.submit(record, EDITED);
      expect((await jobOf(q, record.name, first)).data.monitorDigests).toEqual(CHECKED);
      expect((await jobOf(q, record.name, second)).data.monitorDigests).toEqual(EDITED);
      await q.submit(record);
      expect((await jobOf(q, record.name, second)).data).not.toHaveProperty('monitorDigests');
      // Redis lost the waiting run's job: put back from the sweep's record with the digests of its
      // latest submission (none), not those given (a caller's older look at them).
      await (await jobOf(q, record.name, second)).remove();
      expect(await q.restore(record, CHECKED)).toEqual([second]);
      expect((await jobOf(q, record.name, second)).data).not.toHaveProperty('monitorDigests');
      await running!.moveToFailed(new UnrecoverableError('stopped by the test'), 'by-hand', false);
      await q.remove(record.name);
    } finally {
      await taker.close();
      await q.close();
    }
  }, 30_000);

  it("penx sweep --queue following its sweep puts a lost job back with the digests the sweep checked, or those it was put on again with since by another (with Redis's whole data lost too)", async () => {
    const url = await emptyDatabase(redis.url, 11);
    const record = await sweepOf(`lost${process.pid}`, [1]);
    const run = record.runs[0]!.name;
    const dir = mkdtempSync(join(tmpdir(), 'penx-digests-'));
    const q = await SweepQueue.open(url);
    const direct = new Redis(redisOptions(url));
    const taker = new Worker(QUEUE_NAME, null, { connection: redisOptions(url) });
    // The follower says it put a job back once restore() has put it there: that line waited for (a
    // signal), not looked for as soon as the job is seen (it may not be said yet).
    const saidPutBack = new Promise<string>((resolve) => {
      vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        const line = args.join(' ');
        if (line.includes('put back on the queue')) resolve(line);
      });
    });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const followed = queueSweep(url, record, join(dir, 'sweep'), { detach: false, monitorDigests: CHECKED });
    let code: number | undefined;
    try {
      // Redis loses the job (as a restart without persistence): the follower, polling, puts it back.
      const put = await jobOf(q, record.name, run);
      expect(put.data.monitorDigests).toEqual(CHECKED);
      await put.remove();
      expect((await jobOf(q, record.name, run)).data.monitorDigests).toEqual(CHECKED);
      // A deadline only (the test's own is longer).
      expect(await within(saidPutBack, 15_000, 'not said')).toMatch(new RegExp(`^1 run put back on the queue, which had lost it .*: ${run}$`));
      // Put on again with the module edited (another penx sweep --queue, here in-process); then Redis loses the job.
      await q.submit(record, EDITED);
      await (await jobOf(q, record.name, run)).remove();
      expect((await jobOf(q, record.name, run)).data.monitorDigests).toEqual(EDITED);
      // The follower's next look reads the digests the queue holds (a signal, not a wait): EDITED.
      const checked = SweepQueue.prototype.checkedDigests;
      const looked = new Promise<void>((resolve) => {
        vi.spyOn(SweepQueue.prototype, 'checkedDigests').mockImplementation(async function (this: SweepQueue, name: string) {
          const digests = await checked.call(this, name);
          if (digests?.['./monitor.mjs'] === EDITED['./monitor.mjs']) resolve();
          return digests;
        });
      });
      // Redis loses everything, the stored digests too: put back with the latest the follower saw.
      await looked;
      await direct.flushdb();
      expect((await jobOf(q, record.name, run)).data.monitorDigests).toEqual(EDITED);
      expect(await q.checkedDigests(record.name)).toEqual(EDITED);
    } finally {
      // The run ends (failed by hand), so the follower returns.
      const taken = await taker.getNextJob('by-hand');
      await taken?.moveToFailed(new UnrecoverableError('stopped by the test'), 'by-hand', false);
      code = await followed;
      vi.restoreAllMocks();
      await q.remove(record.name);
      direct.disconnect();
      await taker.close();
      await q.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(code).toBe(1);
  }, 30_000);

  it('a worker that takes a job while the sweep is put on again (after submit read its state) trains it with the new digests, and the job says so', async () => {
    const url = await emptyDatabase(redis.url, 11);
    const record = await sweepOf(`race${process.pid}`, [1]);
    const id = jobId(record.name, record.runs[0]!.name);
    const out = mkdtempSync(join(tmpdir(), 'penx-race-'));
    const q = await SweepQueue.open(url);
    let w: SweepWorker | undefined;
    try {
      await q.submit(record, CHECKED);
      // Put on again with the module edited; submit reads the job's state (waiting), then a worker
      // takes the job and starts its run, then submit goes on (updates the job it saw waiting).
      const getState = Job.prototype.getState;
      let child: StandIn | undefined;
      vi.spyOn(Job.prototype, 'getState').mockImplementationOnce(async function (this: Job) {
        const state = await getState.call(this);
        const training = nextChild();
        w = await startWorker({ url, out, concurrency: 1, threads: 1, log: () => undefined, onLine: () => undefined });
        child = await training;
        return state;
      });
      await q.submit(record, EDITED);
      vi.restoreAllMocks();
      expect(child?.task.monitorDigests).toEqual(EDITED);
      expect((await q.queue.getJob(id))?.data.monitorDigests).toEqual(EDITED);
      expect(await q.queue.getJobState(id)).toBe('active');
      // Its stall count as the worker took it (grown later: a stalled-job check put it back, as --status says).
      expect((await q.queue.getJob(id))?.progress).toEqual({ stalls: 0 });
    } finally {
      vi.restoreAllMocks();
      // Stopped: the stand-in child ends, the job is put back to wait.
      await w?.stop();
      await q.remove(record.name);
      await q.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 30_000);

  it('a run refused under digests its sweep replaced after its worker read them (put on again while the run started) is put back and trained with the new ones, not failed', async () => {
    const url = await emptyDatabase(redis.url, 11);
    const record = await sweepOf(`superseded${process.pid}`, [1]);
    const id = `${record.name}/${record.runs[0]!.name}`;
    const out = mkdtempSync(join(tmpdir(), 'penx-race-'));
    const q = await SweepQueue.open(url);
    const lines: string[] = [];
    const w = await startWorker({ url, out, concurrency: 1, threads: 1, log: (line) => lines.push(line), onLine: () => undefined });
    try {
      const first = nextChild();
      await q.submit(record, CHECKED);
      const refused = await first;
      expect(refused.task.monitorDigests).toEqual(CHECKED);
      // Put on again with the module edited while the run starts: it is running, so left as it is.
      expect((await q.submit(record, EDITED)).retried).toEqual([]);
      // The run then refuses the edited module (the digests it was given are the replaced ones).
      const second = nextChild();
      const message = "monitor module './monitor.mjs' is not the one the sweep checked";
      refused.end({ kind: 'failed', message, settings: true });
      // A deadline only (the test's own is longer): on the old code the run failed and none came.
      const again = await within(second, 15_000, undefined);
      expect(again?.task.monitorDigests, lines.join('\n')).toEqual(EDITED);
      expect(lines).toContain(`put back ${id}: its sweep was put on again with other monitor modules while the run started (${message})`);
      expect(w.jobs).toMatchObject([{ state: 'requeued', reason: expect.stringContaining('put on again') }]);
    } finally {
      await w.stop();
      await q.remove(record.name);
      await q.close();
      rmSync(out, { recursive: true, force: true });
    }
  }, 30_000);
});

/** `text` as a regular expression matching it literally. */
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a run whose job the queue loses as it ends (Redis emptied, or restarted without its data)', () => {
  if (!redis) return;

  /**
   * A worker trains the one run of a sweep; the queue loses everything, then the run ends as `outcome`
   * says: the worker's log once it said the run lost (or after 15 s), and its record of the job.
   */
  async function endedAfterLoss(name: string, outcome: ChildOutcome) {
    const url = await emptyDatabase(redis!.url, 5);
    const record = await sweepOf(`${name}${process.pid}`, [1]);
    const out = mkdtempSync(join(tmpdir(), 'penx-lost-'));
    const q = await SweepQueue.open(url);
    const lines: string[] = [];
    let saidLost: (line: string) => void = () => undefined;
    const lost = new Promise<string>((resolve) => {
      saidLost = resolve;
    });
    const w = await startWorker({
      url,
      out,
      concurrency: 1,
      threads: 1,
      log: (line) => {
        lines.push(line);
        if (line.startsWith('lost ')) saidLost(line);
      },
      onLine: () => undefined,
    });
    try {
      const training = nextChild();
      await q.submit(record);
      const child = await training;
      await emptyDatabase(redis!.url, 5);
      child.end(outcome);
      // A deadline only (the test's own is longer): on the old code no such line came.
      await within(lost, 15_000, undefined);
    } finally {
      // Stopped: its processing of the job done with, every line it would print about it is out.
      await w.stop();
      await q.close();
      rmSync(out, { recursive: true, force: true });
    }
    return { lines, jobs: w.jobs, run: `${record.name}/${record.runs[0]!.name}` };
  }

  it("a run that finishes: said once in the worker's words, not BullMQ's Missing key; its record done (its folder is)", async () => {
    const { lines, jobs, run } = await endedAfterLoss('finished', { kind: 'done', resumedAfter: 0, epochs: 1, testAcc: 0.5, sparsity: 0.1 });
    const log = lines.join('\n');
    expect(
      lines.filter((l) => l.startsWith('lost ')),
      log,
    ).toEqual([
      `lost ${run}: the queue at ${redis!.url.replace(/\/\d+$/, '')}/5 no longer has it (Redis lost its data: restarted without --appendonly yes, or emptied); the run is finished in its folder, the queue not told; put the sweep on the queue again with the penx sweep --queue command that put it on (its unfinished runs resume)`,
    ]);
    expect(log).not.toMatch(/Missing key|Missing lock|Lock mismatch|^queue: /m);
    expect(jobs).toMatchObject([{ state: 'done', epochs: 1 }]);
  }, 30_000);

  it("a run whose training process crashed: said once in the worker's words, not BullMQ's; its record requeued with why (nothing retries it)", async () => {
    const { lines, jobs, run } = await endedAfterLoss('crashed', { kind: 'failed', message: 'the training process was killed (SIGKILL)', settings: false });
    const log = lines.join('\n');
    expect(
      lines.filter((l) => l.startsWith('lost ')),
      log,
    ).toEqual([expect.stringMatching(new RegExp(`^lost ${escaped(run)}: .*no longer has it .*; the queue not told how the run ended here; put the sweep`))]);
    expect(log).not.toMatch(/Missing key|Missing lock|Lock mismatch|^queue: /m);
    expect(jobs).toMatchObject([{ state: 'requeued', reason: expect.stringContaining('the queue not told how the run ended here') }]);
  }, 30_000);

  it('lost between the worker’s look at its lock and BullMQ recording the end: BullMQ’s refusal said once, in the worker’s words', async () => {
    // The look is made to see the lock held: the loss falls after it.
    vi.spyOn(SweepQueue.prototype, 'holds').mockResolvedValue(true);
    try {
      const { lines, run } = await endedAfterLoss('raced', { kind: 'done', resumedAfter: 0, epochs: 1, testAcc: 0.5, sparsity: 0.1 });
      const log = lines.join('\n');
      expect(
        lines.filter((l) => l.startsWith('lost ')),
        log,
      ).toEqual([expect.stringMatching(new RegExp(`^lost ${escaped(run)}: .*no longer has it .*; the queue not told how the run ended here;`))]);
      expect(log).not.toMatch(/Missing key|Missing lock|Lock mismatch|^queue: /m);
    } finally {
      vi.restoreAllMocks();
    }
  }, 30_000);
});
