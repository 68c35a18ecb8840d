/**
 * `penx worker` on a real Redis, against folders it must not write in or sweeps it must not mix:
 * each case starts its own worker (killed in `finally`) on a database of its own, so no other
 * test's worker takes its runs, and checks what the worker left on disk and what the queue says.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { MARKER_FILE } from '../../src/node.ts';
import { penx, penxWith, spawnPenxLines, stopped, TINY } from '../cli/run-penx.ts';
import { tree, userFolder } from '../cli/tree.ts';
import { emptyDatabase, onQueue, removed, required, statusOf, testRedis } from './redis.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-worker-'));
const redis = await testRedis();
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

const GRID = ['--penalties', 'l1', '--strengths', '1e-4', '--seeds', '1', ...TINY, '--epochs', '2'];

/** A `penx worker` in the background, its lines collected (a process group of its own: the runs it starts are killed with it by stopped). */
const worker = (...args: string[]) => spawnPenxLines('worker', ...args);

/** The queue at `redis` on database `db` (one per test). */
const on = (db: number) => `${redis!.url.replace(/\/\d+$/, '')}/${db}`;

/** A penalty module that loads where the sweep is put on, and throws in the process training a run. */
const THROWS = `import { definePenalty, tf } from 'penalty-explorer';
if (process.argv.includes('sweep-run')) throw new Error('boom: cannot load here');
export default definePenalty({ name: 'boom', formula: 'Σ w²', doc: 'Loads only outside a run.', params: {}, fn: (w) => tf.square(w) });
`;

describe('penx worker', () => {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error('PENX_REQUIRE_REDIS is set but there is no Redis here');
  });
  if (!redis) return;

  it('refuses at once an --out that cannot hold folders, before taking any run (exit 2)', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'mine');
    // A run waiting on the queue (put on here: no worker will train it).
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const record = { format: 'penalty-explorer/sweep@1', name: 'waits', grid, settings: { epochs: '2' }, runs: await expandGrid(grid) } as const;
    await onQueue(on(13), (q) => q.submit(record));
    for (const out of [file, join(file, 'runs'), '/proc/penx-runs']) {
      // Killed after 30 s (exit 137) if it does not refuse but waits for runs.
      const r = await penxWith({ timeoutMs: 30_000 }, 'worker', '--queue', on(13), '--out', out);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/cannot make|is not writable|is a file/);
    }
    expect(readFileSync(file, 'utf8')).toBe('mine');
    // The run was not taken: still waiting, for a worker that can train it.
    const status = await statusOf(on(13), 'waits');
    expect(status.counts).toEqual({ done: 0, running: 0, waiting: 1, failed: 0 });
    expect(await removed(on(13), 'waits')).toBe(1);
  }, 150_000);

  it("a run that failed on the queue shows as failed in the followed sweep's table and in its report", async () => {
    const shared = join(root, 'followed');
    const module = join(root, 'boom.ts');
    writeFileSync(module, THROWS);
    const w = worker('--queue', on(14), '--out', shared, '--threads', '1');
    try {
      const r = await penxWith(
        { timeoutMs: 120_000 },
        'sweep',
        '--queue',
        on(14),
        '--penalties',
        `none,${module}`,
        '--strengths',
        '1e-4',
        '--seeds',
        '1',
        ...TINY,
        '--epochs',
        '1',
        '--out',
        shared,
        '--name',
        'mixed',
      );
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^none_seed=1 +done +0\.\d{4}/m);
      expect(r.stdout).toMatch(/^boom_1e-4_seed=1 +failed$/m);
      await w.line('err', /^sweep mixed finished/, 60_000, 'the worker to draw the sweep');
      const report = readFileSync(join(shared, 'mixed', 'report.html'), 'utf8');
      expect(report).toContain('1 done, 0 under way, 1 failed, 0 not started');
      expect(report).toMatch(/failed: penalty module .*boom.ts.* failed to load: boom: cannot load here/);
    } finally {
      await stopped(w.child);
      await removed(on(14), 'mixed');
    }
  }, 150_000);

  it('--json: once stopped, one document on stdout, each run it took and how it ended; its log on stderr', async () => {
    const out = join(root, 'json');
    const w = worker('--queue', on(15), '--out', out, '--threads', '1', '--json');
    try {
      const put = await penx('sweep', '--queue', on(15), ...GRID, '--epochs', '1', '--out', out, '--name', 'j', '--detach');
      expect(put.code, put.stderr).toBe(0);
      await w.line('err', /^sweep j finished/, 90_000, 'the first sweep to end');
      // A second sweep of many epochs, stopped in its first: put back on the queue.
      const long = await penx('sweep', '--queue', on(15), ...GRID, '--epochs', '50', '--out', out, '--name', 'long', '--detach');
      expect(long.code, long.stderr).toBe(0);
      await w.line('err', /^took long\//, 60_000, 'the second run to be taken');
      w.child.kill('SIGTERM');
      expect(await w.exited).toBe(0);
      const doc = JSON.parse(w.out.join('\n'));
      const run = JSON.parse(readFileSync(join(out, 'j', 'l1_1e-4_seed=1', 'run.json'), 'utf8'));
      expect(doc).toEqual({
        queue: on(15),
        out,
        worker: expect.stringMatching(/^.+:\d+$/),
        jobs: [
          {
            sweep: 'j',
            run: 'l1_1e-4_seed=1',
            dir: join(out, 'j', 'l1_1e-4_seed=1'),
            attempt: 1,
            state: 'done',
            epochs: 1,
            trained: 1,
            testAcc: run.epochs.at(-1).testAcc,
            sparsity: run.epochs.at(-1).sparsity.lt1e3,
          },
          { sweep: 'long', run: 'l1_1e-4_seed=1', dir: join(out, 'long', 'l1_1e-4_seed=1'), attempt: 1, state: 'requeued', reason: 'this worker stopped' },
        ],
      });
      const status = await statusOf(on(15), 'long');
      expect(status.counts).toEqual({ done: 0, running: 0, waiting: 1, failed: 0 });
    } finally {
      await stopped(w.child);
      for (const name of ['j', 'long']) await removed(on(15), name);
    }
  }, 150_000);

  it('a run the queue loses while it trains (Redis emptied): stopped, said once in its own words with what to do; its log on stderr, nothing on stdout', async () => {
    const out = join(root, 'lost');
    // Database 4: no other test uses it.
    const url = await emptyDatabase(redis!.url, 4);
    const w = worker('--queue', url, '--out', out, '--threads', '1');
    try {
      await w.line('err', /^worker /, 60_000, 'the worker to start');
      const put = await penx('sweep', '--queue', url, ...GRID, '--epochs', '50', '--out', out, '--name', 'gone', '--detach');
      expect(put.code, put.stderr).toBe(0);
      await w.line('err', /^took gone\//, 60_000, 'the run to be taken');
      // Redis loses its data (as one restarted without --appendonly yes): the job, its lock, the sweep.
      await emptyDatabase(redis!.url, 4);
      const lost = await w.line('err', /^lost gone\//, 30_000, 'the worker to say it lost the run');
      expect(lost).toMatch(/no longer has it \(Redis lost its data.*put the sweep on the queue again with the penx sweep --queue command that put it on/);
      // Stopped (SIGTERM: exit 0 once its runs are done with), so every line it would print about the lost run is out.
      w.child.kill('SIGTERM');
      expect(await w.exited).toBe(0);
      const log = w.err.join('\n');
      expect(
        w.err.filter((l) => l.startsWith('lost gone/')),
        log,
      ).toHaveLength(1);
      expect(log).not.toMatch(/could not renew lock|Missing key/);
      expect(w.out, log).toEqual([]);
    } finally {
      await stopped(w.child);
    }
  }, 120_000);

  it("a queued sweep's --threads is every run's, whatever worker trains it (--jobs is refused); its runs hold their --monitor modules to the sweep's check, as on this machine", async () => {
    const out = join(root, 'threads');
    const jobs = await penx('sweep', '--queue', on(9), ...GRID, '--jobs', '2', '--out', out, '--name', 't', '--detach');
    expect(jobs.code, jobs.stderr).toBe(2);
    expect(jobs.stderr).toMatch(/--jobs .*penx worker --concurrency/);
    expect(existsSync(out)).toBe(false);
    const monitor = join(root, 'mark.mjs');
    const marking = (value: number) => writeFileSync(monitor, `export default { name: 'mark', onEpochEnd: () => ${value} };\n`);
    marking(1);
    const sweep = ['sweep', ...GRID, '--epochs', '1', '--monitor', monitor, '--out', out, '--name', 't'];
    const put = await penx(...sweep, '--queue', on(9), '--detach');
    expect(put.code, put.stderr).toBe(0);
    // The module edited after the sweep checked it, before a worker takes the run: refused, nothing trained
    // (the worker loaded the edited one, and its record named the module the sweep had checked).
    marking(2);
    // The worker's own share would be 2 threads a run; the sweep asks for 1 (TINY's --threads 1).
    const w = worker('--queue', on(9), '--out', out, '--threads', '2', '--concurrency', '1');
    const dir = join(out, 't', 'l1_1e-4_seed=1');
    try {
      await w.line('err', /^sweep t finished/, 90_000, 'the refused run to end the sweep');
      expect(w.err.find((l) => l.startsWith('failed t/'))).toMatch(/monitor module '.*mark\.mjs' is not the one the sweep checked \(SHA-256 [0-9a-f]{64} then/);
      expect(existsSync(join(dir, 'run.json'))).toBe(false);
      // Put on again, as a sweep on this machine runs again: the module checked anew (no other settings), the failed run put back and trained with it.
      const again = await penx(...sweep, '--queue', on(9), '--detach');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('1 failed run(s) put back: l1_1e-4_seed=1');
      await w.line('err', /^done t\//, 90_000, 'the run put back to be trained');
      const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
      expect([run.initial, ...run.epochs].map((e: { monitors: { mark: number } }) => e.monitors.mark)).toEqual([2, 2]);
      expect(run.sessions.map((s: { threads: number }) => s.threads)).toEqual([1]);
      // So is its --no-figures (TINY's): the worker's run drew nothing.
      expect(readdirSync(dir).filter((f) => /\.(png|svg|html)$/.test(f))).toEqual([]);
      // Stopped as a user stops it (SIGTERM), not killed: it logs "done" before BullMQ records the job
      // completed, and a stop waits for that record (a kill here could leave the job active, and its removal refused).
      w.child.kill('SIGTERM');
      expect(await w.exited).toBe(0);
      expect((await statusOf(on(9), 't')).counts).toEqual({ done: 1, running: 0, waiting: 0, failed: 0 });
      // The same sweep on this machine takes the folder (its --threads and --no-figures are this machine's): the run is finished.
      const here = await penx(...sweep, '--json');
      expect(here.code, here.stderr).toBe(0);
      expect(JSON.parse(here.stdout).runs.map((r: { state: string }) => r.state)).toEqual(['done']);
    } finally {
      await stopped(w.child);
      await removed(on(9), 't');
    }
  }, 150_000);

  it("breaks a run folder's lock held on another host only when a trainer of this very job holds it (a dead worker's), never a local sweep's there", async () => {
    const out = join(root, 'locked');
    const put = await penx('sweep', '--queue', on(8), ...GRID, '--epochs', '1', '--out', out, '--name', 'held', '--detach');
    expect(put.code, put.stderr).toBe(0);
    // A local `penx sweep` on host B trains this run in the shared folder right now: its lock.
    const dir = join(out, 'held', 'l1_1e-4_seed=1');
    const task = { run: { name: 'l1_1e-4_seed=1' }, dir, threads: 1, label: '[1/1 l1:1e-4 seed=1]', parent: 4242 };
    const lock = { pid: 4343, host: 'host-b', command: `mnist-demo/dist/cli.mjs sweep-run ${JSON.stringify(task)}`, since: new Date().toISOString() };
    userFolder(dir, { '.penx.lock': JSON.stringify(lock) });
    const w = worker('--queue', on(8), '--out', out, '--threads', '1');
    try {
      await w.line('err', /^(failed|done) held\//, 60_000, 'the first attempt to end');
      expect(readFileSync(join(dir, '.penx.lock'), 'utf8')).toBe(JSON.stringify(lock));
      expect(existsSync(join(dir, 'run.json'))).toBe(false);
      expect(w.err.find((l) => l.startsWith('failed held/'))).toMatch(/host-b/);
      // A worker's trainer of this very job on host B (a worker that died there) holds it: that lock is broken, the run trained.
      const dead = {
        ...lock,
        command: `mnist-demo/dist/cli.mjs sweep-run ${JSON.stringify({ ...task, label: '[held/l1_1e-4_seed=1]', job: 'held/l1_1e-4_seed%3D1' })}`,
      };
      writeFileSync(join(dir, '.penx.lock'), JSON.stringify(dead));
      await w.line('err', /^done held\//, 60_000, 'the retried run to be trained');
      expect(existsSync(join(dir, 'run.json'))).toBe(true);
      // Stopped as a user stops it (SIGTERM), not killed: it logs "done" before BullMQ records the job
      // completed, and a stop waits for that record (a kill here could leave the job active).
      w.child.kill('SIGTERM');
      expect(await w.exited).toBe(0);
      expect((await statusOf(on(8), 'held')).counts).toEqual({ done: 1, running: 0, waiting: 0, failed: 0 });
    } finally {
      await stopped(w.child);
      await removed(on(8), 'held');
    }
  }, 90_000);

  it("trains nothing into a folder of the sweep's name that is not penx's, nor into a sweep folder of that name run with other settings (refused there first): each run fails with why", async () => {
    // `shared/other` holds a sweep of 2 epochs (put on the queue and taken off again: its sweep.json only); `shared/mine` is a user's.
    const shared = join(root, 'shared');
    const put = await penx('sweep', '--queue', on(12), ...GRID, '--out', shared, '--name', 'other', '--detach');
    expect(put.code, put.stderr).toBe(0);
    expect(await removed(on(12), 'other')).toBe(1);
    userFolder(join(shared, 'mine'), { 'notes.txt': 'my notes' });
    const before = tree(shared);
    // The same name with 3 epochs, put on the queue from that folder: refused, nothing written.
    const here = await penx('sweep', '--queue', on(12), ...GRID, '--epochs', '3', '--out', shared, '--name', 'other', '--detach');
    expect(here.code, here.stderr).toBe(2);
    expect(here.stderr).toMatch(/other holds a sweep with other settings \(epochs: "2" → "3"\)/);
    expect(tree(shared)).toEqual(before);
    // Both put on from other folders, a worker of the shared folder takes them: each run fails, nothing written.
    const elsewhere = await penx('sweep', '--queue', on(12), ...GRID, '--epochs', '3', '--out', join(root, 'elsewhere'), '--name', 'other', '--detach');
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    const mine = await penx('sweep', '--queue', on(12), ...GRID, '--out', join(root, 'submitted'), '--name', 'mine', '--detach');
    expect(mine.code, mine.stderr).toBe(0);
    const w = worker('--queue', on(12), '--out', shared, '--threads', '1');
    try {
      for (const name of ['other', 'mine']) await w.line('err', new RegExp(`^sweep ${name} finished`), 60_000, `the sweep ${name} to end`);
      expect(tree(shared)).toEqual(before);
      const status = await statusOf(on(12), 'other');
      expect(status.counts).toEqual({ done: 0, running: 0, waiting: 0, failed: 1 });
      expect(status.runs[0]?.reason).toMatch(/other holds a sweep with other settings \(epochs: "2" → "3"\)/);
      // The whole reason `penx sweep` gives for that folder, what to do included (it was the library's "choose another name or folder").
      const notOurs = `${join(shared, 'mine')} already exists and was not written by penalty-explorer (it has no valid ${MARKER_FILE} marker); nothing was touched; give another --name or --out`;
      expect(w.err).toContain(`failed mine/l1_1e-4_seed=1: ${notOurs}`);
      expect((await statusOf(on(12), 'mine')).runs[0]?.reason).toBe(notOurs);
    } finally {
      await stopped(w.child);
      for (const name of ['other', 'mine']) await removed(on(12), name);
    }
  }, 90_000);
});
