/**
 * The Redis the sweep tests put runs on: the one `.ci/run` started (PENX_REDIS_URL), else one of
 * Debian's redis-server started here on a free loopback port, else none (the queue tests skip,
 * unless PENX_REQUIRE_REDIS is set: then its absence fails them, as in CI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { it } from 'vitest';
import { redisOptions } from '../../mnist-demo/experiment/queue-connection.ts';
import type { SweepStatus } from '../../mnist-demo/experiment/queue-status.ts';
import { SweepQueue } from '../../mnist-demo/experiment/sweep-queue.ts';
import { spawnInGroup } from '../cli/process-group.ts';
import { stopped } from '../cli/run-penx.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const required = Boolean(process.env.PENX_REQUIRE_REDIS);

export interface TestRedis {
  readonly url: string;
  /** Ends the server started here (resolving once it has exited) and removes its folder. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A Redis to test against, or undefined when there is none here. */
export async function testRedis(): Promise<TestRedis | undefined> {
  const given = process.env.PENX_REDIS_URL;
  if (given) return { url: given, stop: async () => undefined };
  if (!existsSync(REDIS_SERVER)) return undefined;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'penx-redis-'));
  // In a group of its own, as `penx` from tests: killed when the test process ends, however it ends (process-group.ts).
  const server = spawnInGroup(REDIS_SERVER, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const stop = async () => {
    await stopped(server, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') return { url: `redis://127.0.0.1:${port}`, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`${REDIS_SERVER} did not answer on port ${port}`);
}

/** A test that fails when there is no Redis here and PENX_REQUIRE_REDIS is set (in CI); none otherwise. */
export function failWithoutRedis(redis: TestRedis | undefined): void {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error('PENX_REQUIRE_REDIS is set but there is no Redis here');
  });
}

/** `url` on database `db`: redis://127.0.0.1:6395 ─► redis://127.0.0.1:6395/7. */
export const onDatabase = (url: string, db: number): string => `${url.replace(/\/\d+$/, '')}/${db}`;

/** `url` on database `db`, emptied first: nothing an earlier run of the test left there (a worker would take it first). */
export async function emptyDatabase(url: string, db: number): Promise<string> {
  const on = onDatabase(url, db);
  const direct = new Redis(redisOptions(on));
  await direct.flushdb();
  direct.disconnect();
  return on;
}

/** Work on the queue at `url`, in this process (no `penx` process: for what the queue holds, not how the command line shows it). */
export async function onQueue<T>(url: string, work: (q: SweepQueue) => Promise<T>): Promise<T> {
  const q = await SweepQueue.open(url);
  try {
    return await work(q);
  } finally {
    await q.close();
  }
}

/** What the queue at `url` holds of the sweep `name`, as `penx sweep --status --json` shows it. */
export const statusOf = (url: string, name: string): Promise<SweepStatus> =>
  onQueue(url, async (q) => {
    const record = await q.record(name);
    if (!record) throw new Error(`no sweep ${name} on the queue at ${url}`);
    return q.status(record);
  });

/** The sweep `name` taken off the queue at `url` (its jobs and its name), as `penx sweep --remove` does: how many jobs. */
export const removed = (url: string, name: string): Promise<number | undefined> => onQueue(url, (q) => q.remove(name));
