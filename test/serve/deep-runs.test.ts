/**
 * The dashboard looks at most 4 folder levels below the served folder: a run deeper down is not
 * listed, and the folder it was not looked into is named with why (in /api/runs' `skipped` and on
 * the page), not silently left out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, hasChromium } from '../chromium.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'penx-deep-runs-'));
let dashboard: Dashboard | undefined;
const WHY = 'its folders were not looked into: they are more than 4 levels below the served folder (serve a folder nearer to their runs)';

beforeAll(async () => {
  const text = JSON.stringify(makeRunRecord({ epochs: 1 }));
  for (const rel of ['a/b/c/d', 'a/b/c/d/e', 'a/b/x/y/z', 'top']) {
    mkdirSync(join(dir, rel), { recursive: true });
    writeFileSync(join(dir, rel, 'run.json'), text);
  }
  dashboard = await serveDashboard({ dir });
});

afterAll(async () => {
  await dashboard?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runs deeper than the dashboard looks', () => {
  it('are not listed, and the folders not looked into are named with why', async () => {
    const body = (await (await fetch(`${dashboard!.url}api/runs`)).json()) as { runs: Array<{ id: string }>; skipped: unknown[] };
    expect(body.runs.map((r) => r.id).sort()).toEqual(['a/b/c/d', 'top']);
    expect(body.skipped).toEqual([
      { id: 'a/b/c/d', path: 'a/b/c/d/', reason: WHY },
      { id: 'a/b/x/y', path: 'a/b/x/y/', reason: WHY },
    ]);
  });

  it.skipIf(!hasChromium)(
    'the page says so',
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      try {
        const page = await browser.newPage();
        await page.goto(dashboard!.url);
        await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);
        expect(await page.locator('#skipped li').allTextContents()).toEqual([`a/b/c/d/ — ${WHY}`, `a/b/x/y/ — ${WHY}`]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
