/**
 * A sweep's status on the queue (SweepQueue.status) is one consistent look at each run: a run seen
 * failed carries why, a run seen done its result, even when the run ends in the middle of the look.
 * The run's end is put exactly there: a real Redis and BullMQ, the job taken by hand (a Worker
 * without a processor) and failed right after status() read its job.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sweepStatus } from '../../mnist-demo/cli/actions/sweep-queue-actions.ts';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { QUEUE_NAME, redisOptions, SweepQueue } from '../../mnist-demo/experiment/sweep-queue.ts';
import { required, testRedis } from './redis.ts';

const redis = await testRedis();
afterAll(() => redis?.stop());

describe('SweepQueue.status', () => {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error('PENX_REQUIRE_REDIS is set but there is no Redis here');
  });
  if (!redis) return;

  it('a run that fails while its status is read is never shown failed without its reason', async () => {
    // Database 16 is not there by default; 10: no worker of another test listens there.
    const url = `${redis.url.replace(/\/\d+$/, '')}/10`;
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

  it('--status --json: a failure’s reason with control and bidirectional characters printed as JSON’s escapes, read back the same', async () => {
    const url = `${redis.url.replace(/\/\d+$/, '')}/10`;
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
