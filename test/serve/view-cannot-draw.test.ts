/**
 * A view that cannot read a valid record (a SpecError or a DataError while it builds its figure)
 * answers 422 with why, which the page shows in the view's card; it answered 500 before. The
 * sweep figure is made to fail here: no view of the library fails on a valid record now.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SpecError } from '../../src/errors.ts';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

vi.mock('../../src/viz/figures/sweep.ts', async (original) => ({
  ...(await original<typeof import('../../src/viz/figures/sweep.ts')>()),
  sweepSpec: () => {
    throw new SpecError("spec 'x:1,y': 'y' is not key=value");
  },
}));

const dir = mkdtempSync(join(tmpdir(), 'penx-view-cannot-draw-'));
let dashboard: Dashboard | undefined;

beforeAll(async () => {
  mkdirSync(join(dir, 'r0'));
  writeFileSync(join(dir, 'r0', 'run.json'), JSON.stringify(makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' })));
  dashboard = await serveDashboard({ dir });
});

afterAll(async () => {
  await dashboard?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a view that cannot draw the runs chosen', () => {
  it('answers 422 with the view and why, not 500; the other views still answer', async () => {
    const res = await fetch(`${dashboard!.url}api/view/strength-sparsity?runs=r0`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toBe("strength-sparsity: cannot draw these runs: spec 'x:1,y': 'y' is not key=value");
    expect((await fetch(`${dashboard!.url}api/view/heatmap?runs=r0`)).status).toBe(200);
  });
});
