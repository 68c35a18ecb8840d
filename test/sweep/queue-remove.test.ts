/**
 * `penx sweep --queue … --remove NAME` as a worker takes one of the sweep's runs between the check
 * (no run being trained) and that run's job's removal — the interleaving put exactly there: the job's
 * `remove` wrapped so a Worker without a processor takes it by hand first. BullMQ refuses the removal
 * ("Job … could not be removed because it is locked by another worker"); penx says it in its own
 * words and leaves the sweep as it was: the jobs removed before it put back, its entry kept.
 * And a run whose worker was killed (its connections gone, its lock run out) is trained by no one:
 * the sweep is removed, where it was refused until a live worker put the run back.
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisOptions } from '../../mnist-demo/experiment/queue-connection.ts';
import { QUEUE_NAME } from '../../mnist-demo/experiment/queue-jobs.ts';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { SweepQueue } from '../../mnist-demo/experiment/sweep-queue.ts';
import { sleep } from '../wait.ts';
import { emptyDatabase, required, testRedis } from './redis.ts';

const redis = await testRedis();
afterAll(() => redis?.stop());

describe('SweepQueue.remove', () => {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error('PENX_REQUIRE_REDIS is set but there is no Redis here');
  });
  if (!redis) return;

  it('a run taken by a worker as the sweep is removed: refused in penx’s words, nothing removed', async () => {
    // Database 12: no other test file uses it.
    const url = await emptyDatabase(redis.url, 12);
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1, 2] };
    const record = { format: 'penalty-explorer/sweep@1', name: `remove${process.pid}`, grid, settings: { epochs: '1' }, runs: await expandGrid(grid) } as const;
    const q = await SweepQueue.open(url);
    const taker = new Worker(QUEUE_NAME, null, { connection: redisOptions(url) });
    let taken: Job | undefined;
    try {
      await q.submit(record);
      const [first, second] = record.runs.map((r) => r.name);
      // The second run's job is taken right before its removal (the first's is removed by then).
      const getJob = q.queue.getJob.bind(q.queue);
      q.queue.getJob = async (id: string) => {
        const job = await getJob(id);
        if (job && job.data.run.name === second) {
          const remove = job.remove.bind(job);
          job.remove = async (...args) => {
            taken = await taker.getNextJob('by-hand');
            return remove(...args);
          };
        }
        return job;
      };
      await expect(q.remove(record.name)).rejects.toThrow(
        `sweep ${record.name}: a worker took run ${second} just as the sweep was being removed, so nothing was removed; stop that worker or wait for the run, then remove it again`,
      );
      q.queue.getJob = getJob;
      expect(taken?.data.run.name).toBe(second);
      // As it was: its entry there, the first run's job put back (waiting), the second being trained.
      const status = await q.status(record);
      expect(status.runs.map((r) => [r.run, r.state])).toEqual([
        [first, 'waiting'],
        [second, 'running'],
      ]);
      // Once the run has ended, the sweep is removed whole.
      await taken!.moveToFailed(new UnrecoverableError('stopped'), 'by-hand', false);
      expect(await q.remove(record.name)).toBe(2);
      expect(await q.remove(record.name)).toBeUndefined();
    } finally {
      await taker.close();
      await q.close();
    }
  }, 60_000);

  it('a run whose worker was killed, its lock run out: removed (refused while the lock runs)', async () => {
    const url = await emptyDatabase(redis.url, 12);
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const record = { format: 'penalty-explorer/sweep@1', name: `dead${process.pid}`, grid, settings: { epochs: '1' }, runs: await expandGrid(grid) } as const;
    const q = await SweepQueue.open(url);
    const direct = new Redis(redisOptions(url));
    // The worker that dies: takes the run by hand (a 2 s lock) and goes, its lock left to run out.
    const dead = new Worker(QUEUE_NAME, null, { connection: redisOptions(url), name: 'killed-host:1', lockDuration: 2_000 });
    try {
      await q.submit(record);
      const taken = await dead.getNextJob('by-hand');
      expect(taken?.data.run.name).toBe('l1_1e-4_seed=1');
      await expect(q.remove(record.name)).rejects.toThrow(`sweep ${record.name} has 1 run(s) being trained (l1_1e-4_seed=1)`);
      await dead.close(true);
      await dead.disconnect();
      // Polled until Redis has let its connections go, then until the lock has run out (Redis's own expiry).
      while ((await q.queue.getWorkers()).some((c) => String(c['rawname']).endsWith(':w:killed-host:1'))) await sleep(20);
      while ((await direct.pttl(`${q.queue.toKey(taken!.id!)}:lock`)) > 0) await sleep(50);
      expect(await q.remove(record.name)).toBe(1);
      expect(await q.queue.getJobState(taken!.id!)).toBe('unknown');
      expect(await q.remove(record.name)).toBeUndefined();
    } finally {
      await dead.close(true);
      direct.disconnect();
      await q.close();
    }
  }, 60_000);
});
