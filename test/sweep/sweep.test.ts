/**
 * `penx sweep` and `penx worker` end to end, with tiny runs (128 images, 2 epochs, ONNX Runtime, one
 * thread each, so a run's weights are the same in any process): a local sweep killed and
 * restarted; the same grid on a real Redis with two workers, one of them killed with kill -9 in
 * the middle of a run; every run's final weights against the same run trained alone by
 * `penx train`. The queue tests skip without Redis, unless PENX_REQUIRE_REDIS is set (CI).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunJson } from '../../src/folders/records.ts';
import type { RunRecord } from '../../src/formats/run.ts';
import { serveDashboard } from '../../src/serve/index.ts';
import { groupMembers, type Lines, penx, penxWith, type Run, spawnPenxLines, stopped, TINY } from '../cli/run-penx.ts';
import { until } from '../wait.ts';
import { freePort, required, statusOf, testRedis } from './redis.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-'));
const redis = await testRedis();
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

const SMALL = [...TINY, '--epochs', '2'];
const GRID = ['--penalties', 'l1,none', '--strengths', '1e-4,1e-3', '--seeds', '3'];
/** The grid's runs: folder name, penalty, seed. */
const RUNS = [
  ['l1_1e-4_seed=3', 'l1:1e-4', '3'],
  ['l1_0.001_seed=3', 'l1:0.001', '3'],
  ['none_seed=3', 'none', '3'],
] as const;

const weights = (dir: string) => readFileSync(join(dir, 'checkpoint', 'model', 'weights.bin'));
const readRun = readRunJson;
const finished = (dir: string) => existsSync(join(dir, 'run.json')) && readRun(dir).epochs.length === 2;

/** Every process started in the background, killed at the end whatever happened. */
const started: ChildProcess[] = [];
afterAll(() => Promise.all(started.map((c) => stopped(c))));

/** A `penx` process in the background, its lines collected, stopped at the end. */
function background(...args: string[]): Lines {
  // A process group of its own (its pid): the runs it starts are in it, seen by groupMembers, killed by stopped.
  const run = spawnPenxLines(...args);
  started.push(run.child);
  return run;
}

/** Processes still training a run of `folder` (a `penx sweep-run` child left behind would show here). */
function trainersOf(folder: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmd.includes('sweep-run') && cmd.includes(folder);
      } catch {
        return false;
      }
    })
    .map(Number);
}

// The same runs trained alone, one `penx train` each (two at a time), in the background from the start.
const alone = join(root, 'alone');
let references: Promise<Run[]>;
beforeAll(() => {
  // Awaited by the last test: they last the file, not the test running when the third starts.
  const train = ([name, penalty, seed]: (typeof RUNS)[number]) =>
    penxWith({ lasts: 'file' }, 'train', '--penalty', penalty, '--seed', seed, ...SMALL, '--threads', '1', '--out', alone, '--name', name);
  references = (async () => [...(await Promise.all(RUNS.slice(0, 2).map(train))), await train(RUNS[2])])();
});

const local = join(root, 'local');

describe('penx sweep on this machine', () => {
  it('a sweep killed after its first finished run, started again, skips the finished runs and completes', async () => {
    const args = ['sweep', ...GRID, ...SMALL, '--jobs', '2', '--threads', '2', '--out', local, '--name', 's'];
    const first = background(...args);
    await first.line('err', / done: test acc/, 180_000, 'a finished run');
    first.child.kill('SIGKILL');
    await first.exited;
    const dir = join(local, 's');
    const done = RUNS.filter(([name]) => finished(join(dir, name))).map(([name]) => name);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(RUNS.length);
    // Its training children go with it (their parent gone), releasing their folders: its process
    // group empties — a child forked just before the kill, not yet running `penx sweep-run`, too.
    await until(() => groupMembers(first.child.pid!).length === 0, 30_000, 'the killed sweep’s children to exit');
    const stamps = done.map((name) => statSync(join(dir, name, 'checkpoint', 'model', 'weights.bin')).mtimeMs);

    const again = await penx(...args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${done.length} done (skipped)`);
    expect(again.stderr).toMatch(/to start; 2 at a time, 1 thread each$/m);
    expect(done.map((name) => statSync(join(dir, name, 'checkpoint', 'model', 'weights.bin')).mtimeMs)).toEqual(stamps);
    for (const [name] of RUNS) expect(finished(join(dir, name)), name).toBe(true);
    expect(again.stdout).toContain(`report: ${join(dir, 'report.html')}`);

    const record = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    expect(record).toMatchObject({
      format: 'penalty-explorer/sweep@1',
      name: 's',
      grid: { penalties: ['l1', 'none'], strengths: [1e-4, 1e-3], seeds: [3] },
      settings: { epochs: '2', trainSize: '128', backend: 'onnxruntime' },
    });
    expect(record.runs.map((r: { name: string }) => r.name)).toEqual(RUNS.map(([name]) => name));
    for (const f of ['sparsity.png', 'accuracy.png', 'sparsity.svg', 'accuracy.svg']) expect(existsSync(join(dir, f)), f).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    // The runs drew nothing (TINY's --no-figures): no link to a report that is not there.
    expect(html).not.toContain('/report.html"');
    for (const [name] of RUNS) expect(html).toContain(`<td>${name}</td>`);
    expect(html).toContain('3 done, 0 under way, 0 failed, 0 not started');

    // A finished run whose checkpoint was removed (to keep only its record) is finished too. (The
    // checkpoint is put back after: the last test compares its weights.)
    const [bare] = RUNS[0]!;
    const aside = join(root, 'checkpoint-aside');
    renameSync(join(dir, bare, 'checkpoint'), aside);
    const recordStamp = statSync(join(dir, bare, 'run.json')).mtimeMs;
    // One run drawn by penx plot: the sweep's report, drawn again, links to it (and only to it).
    const plotted = RUNS[1][0];
    expect((await penx('plot', join(dir, plotted))).code).toBe(0);
    const third = await penx(...args);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain(`${RUNS.length} done (skipped)`);
    // Nothing left: the line says so, not how runs would be trained (it said "2 at a time, 1 thread(s) each"), and no run starts.
    expect(third.stderr).toMatch(/0 to resume, 0 to start; nothing left to train$/m);
    expect(third.stderr).not.toMatch(/at a time|^\[1\//m);
    expect([...readFileSync(join(dir, 'report.html'), 'utf8').matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      `${encodeURIComponent(plotted)}/report.html`,
    ]);
    expect(statSync(join(dir, bare, 'run.json')).mtimeMs).toBe(recordStamp);
    expect(existsSync(join(dir, bare, 'checkpoint'))).toBe(false);
    renameSync(aside, join(dir, bare, 'checkpoint'));
  }, 300_000);

  it("penx serve groups the sweep's runs in its order and draws their scores against strength", async () => {
    const board = await serveDashboard({ dir: local });
    try {
      const get = async (path: string) => {
        const r = await fetch(new URL(path, board.url));
        return { status: r.status, body: (await r.json()) as any };
      };
      const { body } = await get('/api/runs');
      expect(body.runs.map((r: { id: string; comparison: string }) => [r.id, r.comparison])).toEqual(RUNS.map(([name]) => [`s/${name}`, 's']));
      expect(body.views.map((v: { id: string }) => v.id)).toEqual(expect.arrayContaining(['strength-sparsity', 'strength-accuracy']));
      const ids = RUNS.map(([name]) => `s/${name}`).join(',');
      for (const metric of ['sparsity', 'accuracy'] as const) {
        const view = await get(`/api/view/strength-${metric}?runs=${encodeURIComponent(ids)}`);
        expect(view.status, metric).toBe(200);
        // The compiled Vega carries one mean per (penalty, λ) cell: l1 at both strengths, none once.
        const rows = view.body.data.find((d: { values?: unknown[] }) => Array.isArray(d.values)).values as Array<{
          kind: string;
          penalty: string;
          strength: number | null;
          mean?: number;
        }>;
        const cells = rows.filter((r) => r.kind === 'curve' || r.kind === 'flat').map((r) => [r.penalty, r.strength]);
        expect(cells, metric).toEqual([
          ['l1', 1e-4],
          ['l1', 1e-3],
          ['none', null],
        ]);
        const run = readRun(join(local, 's', 'l1_0.001_seed=3'));
        const mean = rows.find((r) => r.kind === 'curve' && r.strength === 1e-3)!.mean;
        expect(mean).toBeCloseTo(metric === 'sparsity' ? run.epochs[1]!.sparsity.lt1e3 : run.epochs[1]!.testAcc!, 9);
      }
    } finally {
      await board.close();
    }
  });

  it('refuses a sweep folder holding a sweep of other settings, and a grid of no runs', async () => {
    const other = await penx('sweep', ...GRID, ...SMALL, '--train-size', '512', '--out', local, '--name', 's');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a sweep with other settings \(trainSize: "128" → "512"\)/);
    const none = await penx('sweep', '--penalties', 'l1', '--strengths', '', '--out', local, '--name', 'empty');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/the grid has 0 runs/);
    expect(existsSync(join(local, 'empty'))).toBe(false);
  }, 30_000);
});

describe('penx sweep --queue and penx worker on Redis', () => {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error(
      'PENX_REQUIRE_REDIS is set but neither PENX_REDIS_URL nor /usr/bin/redis-server is there: install redis-server (apt-get install -y redis-server)',
    );
  });
  if (!redis) return;
  const url = redis.url;
  const shared = join(root, 'shared');
  const name = `q${process.pid}`;
  const workers = [
    background('worker', '--queue', url, '--out', shared, '--threads', '1'),
    background('worker', '--queue', url, '--out', shared, '--threads', '1'),
  ];

  it('two workers, one killed with kill -9 in the middle of a run: the run resumes on the other, the sweep completes, each run finished once', async () => {
    for (const w of workers) await w.line('err', /^worker /, 60_000, 'the workers to start');
    const submitted = await penx('sweep', '--queue', url, ...GRID, ...SMALL, '--out', shared, '--name', name, '--detach');
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(submitted.stderr).toContain(`3 runs put on the queue at ${url}`);

    // The first run taken: its worker is killed once the run's first epoch is checkpointed.
    const took = new RegExp(`^took ${name}/(\\S+) \\(attempt 1\\)`);
    let victim = -1;
    await until(() => (victim = workers.findIndex((w) => w.err.some((l) => took.test(l)))) >= 0, 60_000, 'a worker to take a run');
    const run = took.exec(workers[victim]!.err.find((l) => took.test(l))!)![1]!;
    const runDir = join(shared, name, run);
    await until(
      () =>
        existsSync(join(runDir, 'checkpoint', 'run.json')) &&
        (JSON.parse(readFileSync(join(runDir, 'checkpoint', 'run.json'), 'utf8')) as RunRecord).epochs.length >= 1,
      120_000,
      'epoch 1',
    );
    workers[victim]!.child.kill('SIGKILL');
    await workers[victim]!.exited;
    expect(readRun(runDir).epochs.length).toBeLessThan(2);
    const survivor = workers[1 - victim]!;

    // Following the sweep (the same command without --detach) ends when every run is done.
    const followed = await penx('sweep', '--queue', url, ...GRID, ...SMALL, '--out', shared, '--name', name);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toMatch(new RegExp(`sweep ${name}: 3 done, 0 failed; report: `));
    expect(followed.stderr).toContain(`[${run}] done`);
    expect(trainersOf(runDir)).toEqual([]);

    const status = await penx('sweep', '--queue', url, '--name', name, '--status', '--json');
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as {
      counts: Record<string, number>;
      runs: Array<{ run: string; state: string; attempts: number; result?: { resumedAfter: number; epochs: number } }>;
    };
    expect(json.counts).toEqual({ done: 3, running: 0, waiting: 0, failed: 0 });
    const killed = json.runs.find((r) => r.run === run)!;
    expect(killed.attempts).toBe(2);
    expect(killed.result).toMatchObject({ resumedAfter: 1, epochs: 2 });

    // The survivor resumed the killed run from its checkpoint; no run was trained to the end twice.
    expect(survivor.err).toContain(`took ${name}/${run} (attempt 2, 1 epoch done)`);
    expect(survivor.err).toContain(`${name}/${run}: resuming after epoch 1`);
    expect(survivor.err.some((l) => l.startsWith(`done ${name}/${run}: 2 epochs (1 trained here)`))).toBe(true);
    const doneLines = workers.flatMap((w) => w.err).filter((l) => l.startsWith(`done ${name}/`));
    expect(doneLines.map((l) => l.split(':')[0]!.slice(`done ${name}/`.length)).sort()).toEqual(RUNS.map(([n]) => n).sort());
    for (const [n] of RUNS) expect(finished(join(shared, name, n)), n).toBe(true);
    expect(existsSync(join(shared, name, 'sweep.json'))).toBe(true);
    expect(existsSync(join(shared, name, 'sparsity.png'))).toBe(true);
  }, 300_000);

  it('a run that fails for a reason in its settings (a strength × penalty beyond float32) is failed once, not retried', async () => {
    const r = await penx(
      'sweep',
      '--queue',
      url,
      '--penalties',
      'l2',
      '--strengths',
      '1e300',
      '--seeds',
      '1',
      ...SMALL,
      '--out',
      shared,
      '--name',
      `${name}-nan`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('0 done, 1 failed');
    const status = await statusOf(url, `${name}-nan`);
    expect(status.counts).toEqual({ done: 0, running: 0, waiting: 0, failed: 1 });
    expect(status.runs[0]!.attempts).toBe(1);
    expect(status.runs[0]!.reason).toMatch(/the penalty is too large for float32 at the untrained weights: .*give a smaller strength \(l2:1e300: λ at most/);
  }, 120_000);

  // A sweep put on an unreachable Redis or a URL that is none, and a second sweep of a name on the queue: test/cli/sweep-queue.test.ts.
  it('bad input stops at once with exit 2: a worker of an unreachable Redis, a queued grid of no runs', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    // Killed after 30 s (exit 137) if it keeps trying to connect.
    const worker = await penxWith({ timeoutMs: 30_000 }, 'worker', '--queue', closed, '--out', shared);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(new RegExp(`cannot reach Redis at ${closed} \\(connect ECONNREFUSED`));
    const empty = await penx('sweep', '--queue', url, '--penalties', 'l1', '--seeds', '', '--name', 'x');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/the grid has 0 runs/);
  }, 60_000);

  it('the survivor stops on SIGTERM', async () => {
    const live = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null)!;
    live.child.kill('SIGTERM');
    expect(await live.exited).toBe(0);
  }, 20_000);
});

describe('every sweep run ends like the same run trained alone', () => {
  it('the checkpoint weights of the local and the queued sweep equal those of penx train, byte for byte', async () => {
    const runs = await references;
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    for (const [name] of RUNS) {
      expect(weights(join(local, 's', name)).equals(weights(join(alone, name))), `local ${name}`).toBe(true);
      if (redis) expect(weights(join(root, 'shared', `q${process.pid}`, name)).equals(weights(join(alone, name))), `queued ${name}`).toBe(true);
    }
  }, 300_000);
});
