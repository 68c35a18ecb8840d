/**
 * `penx worker` on a real Redis, against folders it must not write in or sweeps it must not mix:
 * each case starts its own worker (killed in `finally`) on a database of its own, so no other
 * test's worker takes its runs, and checks what the worker left on disk and what the queue says.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { penx, TINY } from '../cli/run-penx.ts';
import { tree, userFolder } from '../cli/tree.ts';
import { until } from '../wait.ts';
import { required, testRedis } from './redis.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-worker-'));
const redis = await testRedis();
afterAll(() => {
  redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

const GRID = ['--penalties', 'l1', '--strengths', '1e-4', '--seeds', '1', ...TINY, '--epochs', '2'];

/** A `penx worker` in the background, its stdout and stderr lines collected. */
function worker(...args: string[]): { child: ChildProcess; out: string[]; err: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['mnist-demo/dist/cli.mjs', 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => out.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => err.push(l));
  return { child, out, err, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** The queue at `redis` on database `db` (one per test). */
const on = (db: number) => `${redis!.url.replace(/\/\d+$/, '')}/${db}`;

describe('penx worker', () => {
  it.runIf(!redis && required)('needs Redis (PENX_REQUIRE_REDIS is set)', () => {
    throw new Error('PENX_REQUIRE_REDIS is set but there is no Redis here');
  });
  if (!redis) return;

  it("writes nothing into a folder of the sweep's name that is not penx's: the run fails with why", async () => {
    const out = join(root, 'not-owned');
    userFolder(join(out, 'mine'), { 'notes.txt': 'my notes' });
    const before = tree(out);
    const w = worker('--queue', on(11), '--out', out, '--threads', '1');
    try {
      const put = await penx('sweep', '--queue', on(11), ...GRID, '--out', join(root, 'submitted'), '--name', 'mine', '--detach');
      expect(put.code, put.stderr).toBe(0);
      await until(() => w.out.some((l) => l.startsWith('sweep mine finished')), 60_000, 'the sweep to end');
      expect(tree(out)).toEqual(before);
      expect(w.out.some((l) => /^failed mine\/l1_1e-4_seed=1: .*mine already exists and was not written by penalty-explorer/.test(l))).toBe(true);
    } finally {
      w.child.kill('SIGKILL');
    }
  }, 90_000);
});
