/**
 * `penx serve` serves only what lies inside its folder (issue 20, point 7): a symbolic link to a
 * folder of runs outside is not followed by the API (`/api/runs`, views, CSV), a link to a folder
 * inside lists its runs once, and a link loop lists every run once.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const base = mkdtempSync(join(tmpdir(), 'penx-links-'));
const root = join(base, 'served');
const outside = join(base, 'outside');
let board: Dashboard;

function writeRun(dir: string, penalty: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify(makeRunRecord({ epochs: 1, penalty })));
}

beforeAll(async () => {
  writeRun(join(root, 'a'), 'l1:1e-4');
  writeRun(join(root, 'group', 'b'), 'l2:1e-4');
  writeRun(join(outside, 'secret'), 'l1:1e-3');
  symlinkSync(outside, join(root, 'out-link'));
  symlinkSync(root, join(root, 'group', 'loop'));
  symlinkSync(join(root, 'group'), join(root, 'z-inner'));
  // A run folder whose run.json is a link to a record outside.
  mkdirSync(join(root, 'c'));
  symlinkSync(join(outside, 'secret', 'run.json'), join(root, 'c', 'run.json'));
  board = await serveDashboard({ dir: root });
});
afterAll(async () => {
  await board?.close();
  rmSync(base, { recursive: true, force: true });
});

const get = async (path: string) => {
  const r = await fetch(new URL(path, board.url));
  return { status: r.status, text: await r.text() };
};

describe('the API serves only runs inside the served folder', () => {
  it('lists each run inside once: no run through a link out, none twice through a loop or an inner link', async () => {
    const { status, text } = await get('/api/runs');
    expect(status).toBe(200);
    const ids = (JSON.parse(text) as { runs: Array<{ id: string }> }).runs.map((r) => r.id);
    expect(ids.sort()).toEqual(['a', 'group/b']);
  });

  it('views and CSV of a run through a link out are refused', async () => {
    for (const id of ['out-link/secret', 'c', 'group/loop/a']) {
      for (const kind of ['view', 'csv']) {
        const r = await get(`/api/${kind}/overlay?runs=${encodeURIComponent(id)}`);
        expect(r.status, `${kind} ${id}`).toBe(400);
        expect(r.text).toMatch(/no run/);
      }
    }
    expect((await get('/api/csv/overlay?runs=a')).status).toBe(200);
  });
});
