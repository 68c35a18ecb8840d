/**
 * A worker told to stop while it is taking a run puts that run back on the queue before it starts
 * training it. The stop is put exactly there: the worker's own log line "took …" (written after its
 * last wait on Redis, before its training child starts) calls stop(), as a SIGTERM arriving while it
 * waited on Redis for the sweep record would. Before the fix, the run was trained whole first.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { redisOptions, SweepQueue } from '../../mnist-demo/experiment/sweep-queue.ts';
import { type SweepWorker, startWorker } from '../../mnist-demo/experiment/sweep-worker.ts';
import { within } from '../wait.ts';
import { required, testRedis } from './redis.ts';

const redis = await testRedis();
const root = mkdtempSync(join(tmpdir(), 'penx-worker-stop-'));
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('penx worker stopped while taking a run', () => {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error('PENX_REQUIRE_REDIS is set but there is no Redis here');
  });
  if (!redis) return;

  it('puts the run back on the queue, untrained, and stops', async () => {
    // Database 6: no other test file uses it (in CI, all of them share one Redis and run at once; worker.test's workers listen on 12).
    const url = `${redis.url.replace(/\/\d+$/, '')}/6`;
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const settings = { epochs: '1', trainSize: '128', testSize: '128', batchSize: '64', backend: 'onnxruntime', threads: '1', pruneEpochs: 'none' };
    const record = { format: 'penalty-explorer/sweep@1', name: `stop${process.pid}`, grid, settings, runs: await expandGrid(grid) } as const;
    // Nothing left on this database by an earlier run of the test (the worker would take that first).
    const direct = new Redis(redisOptions(url));
    await direct.flushdb();
    direct.disconnect();
    const q = await SweepQueue.open(url);
    const lines: string[] = [];
    let stopped: Promise<void> | undefined;
    // Settles with the stop the worker's log asked for as it took the run (a signal, not a poll).
    let tookRun: (stop: Promise<void>) => void = () => undefined;
    const stopDone = new Promise<void>((resolve) => {
      tookRun = resolve;
    });
    let w: SweepWorker | undefined;
    try {
      w = await startWorker({
        url,
        out: root,
        concurrency: 1,
        threads: 1,
        log: (line) => {
          lines.push(line);
          if (line.startsWith('took ') && w && !stopped) tookRun((stopped = w.stop()));
        },
        onLine: (line) => lines.push(line),
      });
      // Submitted once the worker is there to be stopped.
      await q.submit(record);
      // A deadline short of the test's: then the finally below still stops the worker.
      expect(
        await within(
          stopDone.then(() => 'stopped'),
          60_000,
          'no run taken in 60 s',
        ),
        lines.join('\n'),
      ).toBe('stopped');
      const status = await q.status(record);
      expect(status.runs[0]?.state, lines.join('\n')).toBe('waiting');
      expect(lines, lines.join('\n')).toContain(`put back ${record.name}/l1_1e-4_seed=1: this worker is stopping`);
      expect(existsSync(join(root, record.name, 'l1_1e-4_seed=1', 'run.json'))).toBe(false);
      await q.remove(record.name);
    } finally {
      await (stopped ?? w?.stop());
      await q.close();
    }
  }, 120_000);
});
