/**
 * The dashboard names each run as the report of its folder's runs does (`runLabels`, the one function
 * both use): a comparison of penalties by its penalties (`l1:1e-4`), not by its folder names
 * (`l1:1e-4 · l1_1e-4`, as the run list did before); one of optimisers with the optimiser too; the folder
 * in the name's title. The chart legend of the runs chosen says the same. Records written as files, the
 * dashboard served in-process, the page in headless Chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/formats/index.ts';
import { pageModel } from '../../src/viz/index.ts';
import { CHROMIUM, hasChromium } from '../chromium.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { servedFolder } from './served-folder.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

/** Two comparisons, as penx compare names their folders: of penalties, and of one penalty under two optimisers. */
const GROUPS: Record<string, Record<string, RunRecord>> = {
  penalties: {
    none: makeRunRecord({ epochs: 1, penalty: 'none' }),
    'l1_1e-4': makeRunRecord({ epochs: 1, penalty: 'l1:1e-4', seed: 2 }),
    'deadzone_1e-4_a=0.25': makeRunRecord({ epochs: 1, penalty: 'deadzone:1e-4,a=0.25', seed: 3 }),
  },
  optimizers: {
    'l1_1e-4__adadelta_lr=1_rho=0.95': makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' }),
    'l1_1e-4__adam_lr=0.001': makeRunRecord({ epochs: 1, penalty: 'l1:1e-4', optimizer: 'adam:lr=0.001', seed: 2 }),
  },
};

const served = servedFolder('penx-serve-labels-', (dir) => {
  for (const [group, runs] of Object.entries(GROUPS)) {
    for (const [name, r] of Object.entries(runs)) {
      mkdirSync(join(dir, group, name), { recursive: true });
      writeFileSync(join(dir, group, name, 'run.json'), JSON.stringify({ ...r, config: { ...r.config, name } }));
    }
    writeFileSync(join(dir, group, 'compare.json'), JSON.stringify({ format: 'penalty-explorer/compare@1', runs: Object.keys(runs) }));
  }
});

/** Each run's folder and its label in the report of its group's runs (the page model's, as the report's charts show it). */
const reportLabels = (): string[][] =>
  Object.entries(GROUPS).flatMap(([group, runs]) => {
    const labels = pageModel(Object.values(runs)).runs.map((r) => r.label);
    return Object.keys(runs).map((name, i) => [`${group}/${name}`, labels[i] as string]);
  });

describe('the dashboard’s run names', () => {
  it.skipIf(!hasChromium)(
    'in Chromium: each run as the report of its folder’s runs labels it, its folder in the title; the chosen runs’ legend the same',
    async () => {
      const page = await served.browser().newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(
        `${served.url()}?${Object.keys(GROUPS.penalties ?? {})
          .map((n) => `run=penalties%2F${encodeURIComponent(n)}`)
          .join('&')}`,
      );
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, null, { timeout: 30_000 });
      const rows = await page.$$eval('#run-list .run', (els) => els.map((el) => [el.getAttribute('title'), el.textContent]));
      const want = reportLabels();
      expect([...rows].sort()).toEqual([...want].sort());
      // As the report names them: `l1:1e-4`, the optimiser only where the optimisers differ.
      expect(want.map(([, label]) => label)).toEqual(['none', 'l1:1e-4', 'deadzone:1e-4,a=0.25', 'l1:1e-4 · adadelta:lr=1', 'l1:1e-4 · adam:lr=0.001']);
      const legend = await page.$$eval('#view-overlay svg text', (ts) => ts.map((t) => t.textContent));
      expect(legend).toEqual(expect.arrayContaining(['none', 'l1:1e-4', 'deadzone:1e-4,a=0.25']));
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );
});
