/**
 * The dashboard refuses a view too large for the page (its data rows past `maxViewRows`) with a
 * message naming the view, its rows and the limit, shown in the view's card; its CSV still
 * downloads. With 100 runs of 200 epochs chosen, the heatmap (943 110 rows) and the ridgeline
 * (2 030 134) were sent whole and Chromium's tab crashed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { dataRows, MAX_VIEW_ROWS } from '../../src/serve/view-limit.ts';
import { ridgelineSpec } from '../../src/viz/index.ts';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, hasChromium } from '../chromium.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'penx-view-limit-'));
const runs = [1, 2, 3].map((seed) => makeRunRecord({ epochs: 5, seed, penalty: `l1:${seed}e-4` }));
const ids = runs.map((_, i) => `r${i}`);
/** The ridgeline of the three runs: 3 × 6 snapshots × 101 rows. */
const ridgeRows = dataRows(ridgelineSpec(runs));
let dashboard: Dashboard | undefined;

beforeAll(async () => {
  for (const [i, r] of runs.entries()) {
    mkdirSync(join(dir, `r${i}`));
    writeFileSync(join(dir, `r${i}`, 'run.json'), JSON.stringify(r));
  }
  dashboard = await serveDashboard({ dir, maxViewRows: ridgeRows - 1 });
});

afterAll(async () => {
  await dashboard?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${dashboard!.url}${path}`);

describe('a view larger than the page draws', () => {
  it('counts the rows of every data set, in every panel', () => {
    expect(dataRows({ data: { values: [{ x: 1 }, { x: 2 }] }, hconcat: [{ data: { values: [{ x: 3 }] } }], datasets: { a: [1, 2] } })).toBe(5);
    expect(ridgeRows).toBe(3 * 6 * 101);
    expect(MAX_VIEW_ROWS).toBe(500_000);
  });

  it('is refused with its rows and the limit; a smaller one is sent; its CSV downloads', async () => {
    const all = await get(`api/view/ridgeline?runs=${ids.join(',')}`);
    expect(all.status).toBe(413);
    expect(((await all.json()) as { error: string }).error).toBe(
      `ridgeline: ${(3 * 6 * 101).toLocaleString('en-US')} data rows for 3 runs, more than the page draws (${(ridgeRows - 1).toLocaleString('en-US')}); choose fewer runs or fewer bins (its CSV still downloads)`,
    );
    expect((await get(`api/view/ridgeline?runs=${ids.slice(0, 2).join(',')}`)).status).toBe(200);
    const csv = await get(`api/csv/ridgeline?runs=${ids.join(',')}`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).trim().split('\n')).toHaveLength(ridgeRows + 1);
  });

  it.skipIf(!hasChromium)(
    'says so in its card in the page, and draws the others',
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      try {
        const page = await browser.newPage();
        await page.goto(`${dashboard!.url}?runs=${ids.join(',')}`);
        await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);
        expect(await page.locator('#view-ridgeline .error').textContent()).toMatch(/^ridgeline: 1,818 data rows for 3 runs, more than the page draws/);
        expect(await page.locator('#view-heatmap canvas').count()).toBe(1);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
