/**
 * A sweep folder whose sweep.json lists two runs (seeds 1 and 2), and the same sweep on the queue
 * with a grid of one (removed and put on again with seed 1 only): sweep.json must not forget the
 * run the new grid leaves out, as a local sweep refuses to (`leftOutRuns`). Putting it on from the
 * folder is refused before anything is queued or written; a worker that takes its run (the sweep
 * put on from a machine without the folder) fails the run with why, writing nothing. Before, the
 * worker wrote the queue's smaller record over sweep.json and trained the run. In-process: the
 * queue, `queueSweep` and a worker on Redis database 7 (no other test's worker listens there); no
 * run is trained.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queueSweep } from '../../mnist-demo/cli/actions/sweep-queue-actions.ts';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { SweepQueue } from '../../mnist-demo/experiment/sweep-queue.ts';
import { type SweepWorker, startWorker } from '../../mnist-demo/experiment/sweep-worker.ts';
import { openFolder, type SweepRecord, writeSweepJson } from '../../src/node.ts';
import { sleep } from '../wait.ts';
import { emptyDatabase, failWithoutRedis, testRedis } from './redis.ts';

const redis = await testRedis();
const root = mkdtempSync(join(tmpdir(), 'penx-shrunk-grid-'));
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

const SETTINGS = { epochs: '1', trainSize: '128', testSize: '128', batchSize: '64', backend: 'onnxruntime', threads: '1', pruneEpochs: 'none' };

/** The sweep `name` of L1 at 1e-4 over `seeds`. */
async function sweepOf(name: string, seeds: number[]): Promise<SweepRecord> {
  const grid = { penalties: ['l1'], strengths: [1e-4], seeds };
  return { format: 'penalty-explorer/sweep@1', name, grid, settings: SETTINGS, runs: await expandGrid(grid) };
}

const runsIn = (dir: string): string[] => (JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepRecord).runs.map((r) => r.name);

describe('a sweep put on the queue again with a smaller grid', () => {
  failWithoutRedis(redis);
  if (!redis) return;

  it('is refused from its folder, and a worker fails its run without writing sweep.json over the larger one', async () => {
    const url = await emptyDatabase(redis.url, 7);
    const name = `shrunk${process.pid}`;
    const dir = join(root, name);
    const [before, after] = [await sweepOf(name, [1, 2]), await sweepOf(name, [1])];
    const stop = openFolder(dir, 'sweep');
    await writeSweepJson(dir, before);
    stop();
    expect(runsIn(dir)).toEqual(['l1_1e-4_seed=1', 'l1_1e-4_seed=2']);

    // From the folder: refused (exit 2), nothing queued, sweep.json as it was.
    await expect(queueSweep(url, after, dir, { detach: true })).rejects.toThrow(`${dir} holds a sweep with runs this grid leaves out (l1_1e-4_seed=2)`);
    const q = await SweepQueue.open(url);
    const lines: string[] = [];
    let w: SweepWorker | undefined;
    try {
      expect(await q.record(name)).toBeUndefined();
      expect(runsIn(dir)).toEqual(['l1_1e-4_seed=1', 'l1_1e-4_seed=2']);
      // Put on from elsewhere: the worker that takes its run fails it, and writes nothing.
      await q.submit(after);
      w = await startWorker({ url, out: root, concurrency: 1, threads: 1, log: (line) => lines.push(line), onLine: (line) => lines.push(line) });
      const deadline = Date.now() + 30_000;
      while (!lines.some((l) => /^(failed|took) /.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(runsIn(dir), lines.join('\n')).toEqual(['l1_1e-4_seed=1', 'l1_1e-4_seed=2']);
      expect(lines, lines.join('\n')).toContain(
        `failed ${name}/l1_1e-4_seed=1: ${dir} holds a sweep with runs the queue's grid leaves out (l1_1e-4_seed=2); nothing was written; put this sweep on the queue with those runs too, or under another name`,
      );
      // The line comes before the queue has the job failed (BullMQ moves it once the processor has thrown): polled.
      let state: string | undefined;
      for (const end = Date.now() + 15_000; (state = (await q.status(after)).runs[0]?.state) !== 'failed' && Date.now() < end; ) await sleep(50);
      expect(state).toBe('failed');
      await q.remove(after.name);
    } finally {
      await w?.stop();
      await q.close();
    }
  }, 60_000);
});
