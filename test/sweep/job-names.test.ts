/**
 * A queued job whose sweep or run name cannot name a folder (put on by another tool, or an older penx: `penx sweep`
 * checks and makes plain names): the worker fails it for good, writing nothing, with a reason that names the job
 * (its id, `<sweep>/<run>` URL-encoded) — before, the reason was `checkRunName`'s flag advice ("the run name '../x'
 * contains a path separator; give one plain folder name"), naming no job. A plain-named run of such a sweep fails
 * too, nothing written (its sweep folder was made before); the worker says once that it cannot draw the sweep (it
 * said so after every job), and `penx sweep --remove` takes the sweep off the queue (it refused: its record is no
 * valid one). A worker whose --out is inside a run's checkpoint is refused as an output's folder. In-process: the
 * queue and a worker on Redis database 10 (no other test's worker listens there); no run is trained.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderRefusalText } from '../../mnist-demo/cli/folder-remedy.ts';
import { jobId } from '../../mnist-demo/experiment/queue-jobs.ts';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { SweepQueue } from '../../mnist-demo/experiment/sweep-queue.ts';
import { jobNameProblem, type SweepWorker, startWorker } from '../../mnist-demo/experiment/sweep-worker.ts';
import { claimFolder, FolderRefusedError, MARKER_FILE, type SweepRecord } from '../../src/node.ts';
import { penx } from '../cli/run-penx.ts';
import { sleep } from '../wait.ts';
import { emptyDatabase, failWithoutRedis, testRedis } from './redis.ts';

const redis = await testRedis();
const root = mkdtempSync(join(tmpdir(), 'penx-job-names-'));
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

const SETTINGS = { epochs: '1', trainSize: '128', testSize: '128', batchSize: '64', backend: 'onnxruntime', threads: '1', pruneEpochs: 'none' };

describe('jobNameProblem', () => {
  it('names the job by its id, and says which name is wrong and why; plain names pass', () => {
    expect(jobNameProblem('lambda/l1_1e-4_seed%3D1', { sweep: 'lambda', run: 'l1_1e-4_seed=1' })).toBeUndefined();
    expect(jobNameProblem(jobId('lambda', '../x'), { sweep: 'lambda', run: '../x' })).toBe(
      "job lambda/..%2Fx: its run name '../x' contains a path separator (a sweep's or run's folder is one plain name, e.g. l1_1e-4); nothing was written",
    );
    expect(jobNameProblem(jobId('a\nb', 'r'), { sweep: 'a\nb', run: 'r' })).toMatch(/^job a%0Ab\/r: its sweep name 'a\\nb' contains a control character/);
  });
});

describe('a worker taking a queued job of a bad run name', () => {
  failWithoutRedis(redis);
  if (!redis) return;

  it('fails it for good, writing nothing, the job named in its line and its reason by its id, the names shown on one line', async () => {
    const url = await emptyDatabase(redis.url, 10);
    const name = `names${process.pid}`;
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const [plain] = await expandGrid(grid);
    const runs = [{ ...plain!, name: '../escaped' }, { ...plain!, name: 'two\nlines' }, plain!];
    const record: SweepRecord = { format: 'penalty-explorer/sweep@1', name, grid, settings: SETTINGS, runs };
    const out = join(root, 'shared');
    const q = await SweepQueue.open(url);
    const lines: string[] = [];
    let w: SweepWorker | undefined;
    try {
      await q.submit(record);
      w = await startWorker({ url, out, concurrency: 1, threads: 1, log: (line) => lines.push(line), onLine: (line) => lines.push(line) });
      const deadline = Date.now() + 30_000;
      while ((w.jobs.length < 3 || !lines.some((l) => l.startsWith('cannot draw'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const why = "(a sweep's or run's folder is one plain name, e.g. l1_1e-4); nothing was written";
      const escaped = `job ${name}/..%2Fescaped: its run name '../escaped' contains a path separator ${why}`;
      const twoLines = `job ${name}/two%0Alines: its run name 'two\\nlines' contains a control character (a newline, a tab, an escape, …) ${why}`;
      expect(lines, lines.join('\n')).toEqual(expect.arrayContaining([`failed ${escaped}`, `failed ${twoLines}`]));
      const invalid = `the sweep ${name} on the queue at ${url}: not a valid penalty-explorer/sweep@1 record: runs[0].name: '../escaped' contains a path separator`;
      const removal = `take it off the queue: penx sweep --queue ${url} --name '${name}' --remove`;
      const reason = w.jobs.find((j) => j.run === plain!.name)?.reason;
      expect(reason).toContain(invalid);
      expect(reason).toContain(removal);
      expect([...w.jobs].sort((a, b) => a.run.localeCompare(b.run))).toEqual([
        { sweep: name, run: '../escaped', dir: join(out, 'escaped'), attempt: 1, state: 'failed', reason: escaped },
        { sweep: name, run: plain!.name, dir: join(out, name, plain!.name), attempt: 1, state: 'failed', reason },
        { sweep: name, run: 'two\nlines', dir: join(out, name, 'two\nlines'), attempt: 1, state: 'failed', reason: twoLines },
      ]);
      expect(lines).toContain(`failed ${name}/${plain!.name}: ${reason}`);
      // Said once, not after each of the three jobs. A sleep, not a wait: it shows a line NOT said, and
      // nothing the worker does marks its other two draws done (each one Redis read, well within it;
      // one later than that passes unseen, never fails the test).
      await sleep(500);
      expect(lines.filter((l) => /draw/.test(l))).toEqual([`cannot draw ${reason}`]);
      // Nothing written: neither the sweep's folder nor the one the name points to (beside it, out of it).
      expect(readdirSync(out)).toEqual([]);
      // --status says what is wrong and how to take it off; --remove does.
      const status = await penx('sweep', '--queue', url, '--name', name, '--status');
      expect(status.code, status.stderr).toBe(2);
      expect(status.stderr).toContain(removal);
      const removed = await penx('sweep', '--queue', url, '--name', name, '--remove');
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toBe(`removed sweep ${name} from ${url}: 3 job(s); its folder stays\n`);
      expect(await q.record(name)).toBeUndefined();
      expect(await q.queue.getJob(jobId(name, '../escaped'))).toBeUndefined();
    } finally {
      await w?.stop();
      await q.close();
    }
  }, 60_000);
});

describe('a worker whose --out is inside a run’s checkpoint', () => {
  failWithoutRedis(redis);
  if (!redis) return;

  it('is refused before taking a job, as the folder its output goes into (intent output: the hint names --out), nothing made', async () => {
    const run = join(root, 'a-run');
    claimFolder(run, {}, 'run').release();
    const out = join(run, 'checkpoint', 'shared');
    const url = await emptyDatabase(redis.url, 10);
    const started = startWorker({ url, out, concurrency: 1, threads: 1, log: () => undefined, onLine: () => undefined });
    await expect(started).rejects.toThrow(FolderRefusedError);
    const refusal = await started.catch((err: unknown) => err);
    expect(refusal).toMatchObject({ intent: 'output', problem: `${out} is inside the run's checkpoint ${join(run, 'checkpoint')}; nothing was touched` });
    expect(folderRefusalText('worker', refusal)).toMatch(
      /; nothing was touched; give another --out DIR \(without --out, penx worker trains the sweeps in figures\/runs\)$/,
    );
    expect(readdirSync(run)).toEqual([MARKER_FILE]);
  });
});
