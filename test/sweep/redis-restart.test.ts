/**
 * A queued sweep survives Redis restarts, and the Redis password is never shown (issue 20,
 * points 5 and 8). A redis-server of this test's own, with a password and persistence as the
 * README starts it (`--appendonly yes`), is restarted twice while `penx sweep --queue` follows the
 * sweep: once as a restart (the queue kept), once with its data lost. The follower reconnects
 * and puts back what is not finished — the run folders are the truth — and the sweep completes.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnInGroup } from '../cli/process-group.ts';
import { type Lines, penx, spawnPenxLines, stopped, TINY } from '../cli/run-penx.ts';
import { sleep, until, within } from '../wait.ts';
import { freePort, REDIS_SERVER, required } from './redis.ts';

const hasRedis = existsSync(REDIS_SERVER);
const root = mkdtempSync(join(tmpdir(), 'penx-restart-'));
const started: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((c) => stopped(c)));
  rmSync(root, { recursive: true, force: true });
});

/** A `penx` in the background, its lines collected, stopped at the end (a process group of its own: the runs it starts are killed with it). */
function background(...args: string[]): Lines {
  const run = spawnPenxLines(...args);
  started.push(run.child);
  return run;
}

const SECRET = `s3cret-${process.pid}-pw`;
const data = join(root, 'redis');

/** This test's redis-server, persistent as the README says; resolves when it answers. */
async function startRedis(port: number): Promise<ChildProcess> {
  mkdirSync(data, { recursive: true });
  const server = spawnInGroup(
    REDIS_SERVER,
    ['--bind', '127.0.0.1', '--port', String(port), '--requirepass', SECRET, '--appendonly', 'yes', '--save', '', '--dir', data],
    { stdio: 'ignore' },
  );
  started.push(server);
  await until(
    () => spawnSync('redis-cli', ['-p', String(port), '-a', SECRET, '--no-auth-warning', 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG',
    10_000,
    'redis-server to answer',
  );
  return server;
}

const SMALL = [...TINY, '--epochs', '2'];
const GRID = ['--penalties', 'l1,none', '--strengths', '1e-4,1e-3', '--seeds', '5'];
const RUNS = ['l1_1e-4_seed=5', 'l1_0.001_seed=5', 'none_seed=5'];

describe('a queued sweep and Redis restarts', () => {
  it.runIf(!hasRedis && required)('needs redis-server', () => {
    throw new Error(`${REDIS_SERVER} is missing and PENX_REQUIRE_REDIS is set`);
  });
  if (!hasRedis) return;

  it('the follower reconnects and re-enqueues what is not finished; the sweep completes; the password is shown nowhere', async () => {
    const port = await freePort();
    const url = `redis://:${SECRET}@127.0.0.1:${port}`;
    const shown = `redis://:***@127.0.0.1:${port}`;
    const shared = join(root, 'shared');
    let redis = await startRedis(port);
    const worker = background('worker', '--queue', url, '--out', shared, '--threads', '1');
    await worker.line('lines', /^worker /, 60_000, 'the worker to start');
    const follower = background('sweep', '--queue', url, ...GRID, ...SMALL, '--out', shared, '--name', 'r');
    /** How many times the follower said it lost Redis (once an outage: it says so again once Redis answers). */
    const lostSaid = () => follower.lines.filter((l) => /lost the connection to Redis at .*; reconnecting/.test(l)).length;

    // A restart while the first run trains, Redis gone until the follower's requests fail (it says
    // it lost Redis): the queue is kept (appendonly), and the follower goes on.
    await worker.line('lines', /^took r\//, 60_000, 'a run to be taken');
    await stopped(redis, 'SIGTERM');
    await until(() => lostSaid() >= 1, 60_000, 'the follower to say it lost Redis');
    redis = await startRedis(port);

    // Once a run has finished, Redis loses everything: the follower puts the rest back.
    const done = (name: string) =>
      existsSync(join(shared, 'r', name, 'run.json')) && JSON.parse(readFileSync(join(shared, 'r', name, 'run.json'), 'utf8')).epochs.length === 2;
    await until(() => RUNS.some(done), 120_000, 'a finished run');
    await stopped(redis, 'SIGKILL');
    rmSync(data, { recursive: true, force: true });
    // A short outage (Redis comes back empty): the follower need not notice the outage itself, only
    // that the queue lost what it held, so nothing here can be waited for; a sleep stands for it.
    await sleep(1_500);
    redis = await startRedis(port);

    const code = await within(follower.exited, 240_000, 'timeout');
    expect(code, follower.lines.join('\n')).toBe(0);
    expect(follower.lines).toContain(`sweep r: 3 done, 0 failed; report: ${join(shared, 'r', 'report.html')}`);
    expect(
      follower.lines.some((l) => /lost the connection to Redis at .*; reconnecting/.test(l)),
      follower.lines.join('\n'),
    ).toBe(true);
    expect(
      follower.lines.some((l) => /put back on the queue/.test(l)),
      follower.lines.join('\n'),
    ).toBe(true);
    for (const name of RUNS) expect(done(name), name).toBe(true);

    const status = await penx('sweep', '--queue', url, '--name', 'r', '--status');
    const json = await penx('sweep', '--queue', url, '--name', 'r', '--status', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ queue: shown, counts: { done: 3, running: 0, waiting: 0, failed: 0 } });
    const closed = `redis://:${SECRET}@127.0.0.1:${await freePort()}`;
    const unreachable = await penx('sweep', '--queue', closed, ...GRID, '--name', 'x');
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
    const badUrl = await penx('sweep', '--queue', `redis://:${SECRET}@127.0.0.1:${port}/x`, ...GRID, '--name', 'x');
    expect(badUrl.code).toBe(2);

    worker.child.kill('SIGTERM');
    await worker.exited;
    const everything = [...worker.lines, ...follower.lines, status.stdout, status.stderr, json.stdout, unreachable.stderr, badUrl.stderr].join('\n');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toMatch(/MaxRetriesPerRequestError|^\s+at /m);
    expect(
      worker.lines.some((l) => l.includes(shown)),
      worker.lines.join('\n'),
    ).toBe(true);
    await stopped(redis, 'SIGTERM');
  }, 420_000);
});
