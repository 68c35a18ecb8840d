/**
 * A worker told to stop at a given point of a run, the stop put exactly there: the worker's own log
 * line calls stop(), as a SIGTERM arriving then would.
 *
 * - "took …" (written after its last wait on Redis, before its training child starts): it puts that
 *   run back on the queue before it starts training it. Before the fix, the run was trained whole first.
 * - "skipped …" of a sweep's last run (finished already: written, as "done …" is, before BullMQ records
 *   the job completed): the stop waits for the sweep's draw, which starts once BullMQ has, before it
 *   closes the queue and the sweep folder. Before the fix, the stop resolved with the draw still
 *   running, and closed the queue under it ("could not draw the sweep: Connection is closed").
 *
 * In-process on Redis database 6; no run is trained (the worker's child would be this test's process).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { SweepQueue } from '../../mnist-demo/experiment/sweep-queue.ts';
import { type SweepWorker, startWorker } from '../../mnist-demo/experiment/sweep-worker.ts';
import { openFolder, writeSweepJson } from '../../src/node.ts';
import { recordsFolder } from '../fixtures/run-folder-fixture.ts';
import { within } from '../wait.ts';
import { emptyDatabase, required, testRedis } from './redis.ts';

const redis = await testRedis();
const root = mkdtempSync(join(tmpdir(), 'penx-worker-stop-'));
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

const RUN = 'l1_1e-4_seed=1';

/** A sweep of one tiny run, named `name` and this process's id. */
async function oneRun(name: string) {
  const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
  const settings = { epochs: '1', trainSize: '128', testSize: '128', batchSize: '64', backend: 'onnxruntime', threads: '1', pruneEpochs: 'none' };
  return { format: 'penalty-explorer/sweep@1', name: `${name}${process.pid}`, grid, settings, runs: await expandGrid(grid) } as const;
}

/**
 * Start a worker, put `record` on the queue, and stop the worker from its log line starting with
 * `at`: the worker's log until its stop resolved, and the queue (for the caller to read, then close).
 */
async function stoppedAt(at: string, record: Awaited<ReturnType<typeof oneRun>>): Promise<{ lines: string[]; q: SweepQueue }> {
  // Database 6: no other test file uses it (in CI, all of them share one Redis and run at once; worker.test's workers listen on 12).
  // Emptied: nothing left by an earlier run of the test (the worker would take that first).
  const url = await emptyDatabase(redis!.url, 6);
  const q = await SweepQueue.open(url);
  const lines: string[] = [];
  let stopped: Promise<void> | undefined;
  // Settles with the stop the worker's log asked for (a signal, not a poll).
  let stopAsked: (stop: Promise<void>) => void = () => undefined;
  const stopDone = new Promise<void>((resolve) => {
    stopAsked = resolve;
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
        if (line.startsWith(at) && w && !stopped) stopAsked((stopped = w.stop()));
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
        `no '${at}' line in 60 s`,
      ),
      lines.join('\n'),
    ).toBe('stopped');
    return { lines: [...lines], q };
  } catch (err) {
    await q.close();
    throw err;
  } finally {
    await (stopped ?? w?.stop());
  }
}

describe('penx worker stopped', () => {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error('PENX_REQUIRE_REDIS is set but there is no Redis here');
  });
  if (!redis) return;

  it('while taking a run: puts the run back on the queue, untrained, and stops', async () => {
    const record = await oneRun('stop');
    const { lines, q } = await stoppedAt('took ', record);
    try {
      const status = await q.status(record);
      expect(status.runs[0]?.state, lines.join('\n')).toBe('waiting');
      expect(lines, lines.join('\n')).toContain(`put back ${record.name}/${RUN}: this worker is stopping`);
      expect(existsSync(join(root, record.name, RUN, 'run.json'))).toBe(false);
      await q.remove(record.name);
    } finally {
      await q.close();
    }
  }, 120_000);

  it("as a sweep's last run ends: the stop resolves once the sweep is drawn, the queue closed after the draw", async () => {
    const record = await oneRun('drawn');
    // The run finished already (a record of 1 epoch, no model): the worker skips it, training nothing, and draws the sweep.
    const dir = join(root, record.name);
    const stop = openFolder(dir, 'sweep');
    await writeSweepJson(dir, record);
    stop();
    recordsFolder(dir, RUN, 1);
    const { lines, q } = await stoppedAt('skipped ', record);
    try {
      const log = lines.join('\n');
      expect(
        lines.filter((l) => l.includes('could not draw')),
        log,
      ).toEqual([]);
      expect(lines, log).toContain(`sweep ${record.name} finished: 1 done, 0 failed; report: ${join(root, record.name, 'report.html')}`);
      expect(existsSync(join(root, record.name, 'report.html'))).toBe(true);
      expect((await q.status(record)).counts).toEqual({ done: 1, running: 0, waiting: 0, failed: 0 });
      await q.remove(record.name);
    } finally {
      await q.close();
    }
  }, 120_000);
});
