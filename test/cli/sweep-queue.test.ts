/**
 * `penx sweep --queue` refused: a wrong URL, an unreachable Redis, a different sweep of the same
 * name on the queue. Each exits 2 and leaves the disk as it was: no sweep folder, no sweep.json,
 * nothing in --out (the URL and the queue are checked before the sweep folder is claimed).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, statusOf, testRedis } from '../sweep/redis.ts';
import { penx, TINY } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-queue-'));
const redis = await testRedis();
afterAll(async () => {
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

const GRID = ['--penalties', 'l1', '--strengths', '1e-4', '--seeds', '3', ...TINY, '--epochs', '2'];

describe('penx sweep --queue refused changes nothing on disk', () => {
  it('a URL that is not a Redis URL: exit 2, the folder not made', async () => {
    const out = join(root, 'http');
    const r = await penx('sweep', '--queue', 'http://x', ...GRID, '--out', out, '--name', 's');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/'http:\/\/x' is not a Redis URL .*expected redis:\/\/HOST:PORT/);
    expect(existsSync(out)).toBe(false);
  });

  it('a Redis nothing answers at: exit 2, the folder not made', async () => {
    const out = join(root, 'closed');
    const closed = `redis://127.0.0.1:${await freePort()}`;
    for (const url of ['redis://127.0.0.1:1', closed]) {
      const r = await penx('sweep', '--queue', url, ...GRID, '--out', out, '--name', 's');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`cannot reach Redis at ${url} \\(connect ECONNREFUSED`));
      expect(existsSync(out)).toBe(false);
    }
  });

  it.runIf(redis)('a database the Redis does not have: exit 2, the folder not made, nothing put on database 0 instead', async () => {
    const out = join(root, 'no-db');
    const name = `nodb${process.pid}`;
    const url = `${redis!.url.replace(/\/\d+$/, '')}/100000`;
    for (const args of [
      [...GRID, '--out', out, '--name', name, '--detach'],
      ['--name', name, '--status'],
    ]) {
      const r = await penx('sweep', '--queue', url, ...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`Redis at ${url} has no database 100000`);
    }
    const w = await penx('worker', '--queue', url, '--out', out);
    expect(w.code, w.stderr).toBe(2);
    expect(existsSync(out)).toBe(false);
    const db0 = await penx('sweep', '--queue', `${redis!.url.replace(/\/\d+$/, '')}/0`, '--name', name, '--status');
    expect(db0.code).toBe(2);
    expect(db0.stderr).toContain(`there is no sweep named ${name} on the queue`);
  });

  it.runIf(redis)('a different sweep of the same name on the queue: exit 2, the second folder not made', async () => {
    // Database 2: no worker of another test listens there.
    const url = `${redis!.url.replace(/\/\d+$/, '')}/2`;
    const name = `refused${process.pid}`;
    const first = join(root, 'first');
    const ok = await penx('sweep', '--queue', url, ...GRID, '--out', first, '--name', name, '--detach');
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(join(first, name, 'sweep.json'))).toBe(true);
    const second = join(root, 'second');
    const other = await penx('sweep', '--queue', url, ...GRID, '--epochs', '3', '--out', second, '--name', name, '--detach');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(new RegExp(`a different sweep named ${name} is already on the queue at .*\\(epochs: "2" → "3"\\); .*--name ${name} --remove`));
    expect(existsSync(second)).toBe(false);
    // The first is still on the queue, waiting (no worker listens here); removed, it is gone.
    expect((await statusOf(url, name)).counts).toEqual({ done: 0, running: 0, waiting: 1, failed: 0 });
    expect((await penx('sweep', '--queue', url, '--name', name, '--remove')).code).toBe(0);
    const gone = await penx('sweep', '--queue', url, '--name', name, '--status');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`there is no sweep named ${name} on the queue`);
  });
});

describe('penx sweep --queue writes the sweep record', () => {
  it.runIf(redis)("a grid grown on the queue (taken off, put on with another seed) is the folder's sweep.json too", async () => {
    const url = `${redis!.url.replace(/\/\d+$/, '')}/3`;
    const out = join(root, 'grown');
    const name = `grown${process.pid}`;
    const runs = () => (JSON.parse(readFileSync(join(out, name, 'sweep.json'), 'utf8')) as { runs: { name: string }[] }).runs.map((r) => r.name);
    expect((await penx('sweep', '--queue', url, ...GRID, '--out', out, '--name', name, '--detach')).code).toBe(0);
    expect(runs()).toEqual(['l1_1e-4_seed=3']);
    expect((await penx('sweep', '--queue', url, '--name', name, '--remove')).code).toBe(0);
    const grown = await penx('sweep', '--queue', url, ...GRID, '--seeds', '3,4', '--out', out, '--name', name, '--detach');
    expect(grown.code, grown.stderr).toBe(0);
    // penx summary and penx serve read the sweep's runs from sweep.json: the new seed's run is one of them.
    expect(runs()).toEqual(['l1_1e-4_seed=3', 'l1_1e-4_seed=4']);
    expect((await penx('sweep', '--queue', url, '--name', name, '--remove')).code).toBe(0);
  });
});
