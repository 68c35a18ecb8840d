/**
 * Run folders whose names hold a comma (`penx train --name 'l1,strong'` takes it: runNameProblem
 * refuses no comma) on the dashboard. The page asks the server for each run as one `run=ID`, the id
 * whole, and reads its own address the same way; `runs=a,b` (ids without commas: older links) still
 * works. Before, the page joined the chosen ids with commas and the server split them again:
 * `l1,strong` came back as the runs `l1` and `strong` — two other runs drawn in its place here, or
 * "no run" where there are none. Records written as files, the dashboard served in-process, the page
 * in headless Chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runNameProblem } from '../../src/folder-names.ts';
import { CHROMIUM, hasChromium } from '../chromium.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { servedFolder } from './served-folder.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

const COMMA = 'l1,strong';
/** Each run folder and its penalty: `l1` and `strong` are what the comma's name split into. */
const PENALTIES: Record<string, string> = { [COMMA]: 'l1:1e-2', l1: 'l1:1e-4', strong: 'l2:1e-4', 'cmp/a,b': 'l1:3e-3' };

const served = servedFolder('penx-serve-commas-', fill);
const dir = served.dir;

/** The runs (and records) the dashboard serves. */
function fill(): void {
  for (const [id, penalty] of Object.entries(PENALTIES)) {
    mkdirSync(join(dir, id), { recursive: true });
    const r = makeRunRecord({ epochs: 2, penalty });
    writeFileSync(join(dir, id, 'run.json'), JSON.stringify({ ...r, config: { ...r.config, name: id.split('/').pop() } }));
  }
}

/** The penalties of the runs a view request's curves CSV holds (its `run` column), or the error. */
async function runsOf(query: string): Promise<string[] | string> {
  const answer = await fetch(`${served.url()}api/csv/curves?${query}`);
  if (!answer.ok) return ((await answer.json()) as { error: string }).error;
  const rows = (await answer.text()).trim().split('\n');
  const column = (rows[0] as string).split(',').indexOf('run');
  return [...new Set(rows.slice(1).map((l) => l.split(',')[column] as string))];
}

describe('run folders named with a comma on the dashboard', () => {
  it('is a name penx takes for a run folder', () => {
    expect(runNameProblem(COMMA)).toBeUndefined();
  });

  it('a view request asks for each run whole (run=ID); runs=a,b of names without commas still works', async () => {
    expect(await runsOf(`run=${encodeURIComponent(COMMA)}`)).toEqual(['l1:1e-2']);
    expect(await runsOf(`run=${encodeURIComponent(COMMA)}&run=l1&run=${encodeURIComponent('cmp/a,b')}`)).toEqual(['l1:1e-2', 'l1:1e-4', 'l1:3e-3']);
    // The comma unencoded is the same query.
    expect(await runsOf(`run=${COMMA}`)).toEqual(['l1:1e-2']);
    expect(await runsOf('runs=l1,strong')).toEqual(['l1:1e-4', 'l2:1e-4']);
    expect(await runsOf('run=x%2Cy')).toBe('no run "x,y" under the served folder');
  });

  it('runs=a,b naming no run: the answer says the value was split at its commas and how to ask for each run whole (run=)', async () => {
    expect(await runsOf('runs=cmp/a,b')).toBe(
      `no run "cmp/a" under the served folder; runs=cmp/a,b is split at its commas, and a run's name may hold one: ask for each run whole, one run=ID each (run=cmp%2Fa%2Cb is the run "cmp/a,b")`,
    );
    expect(await runsOf('runs=l1,gone')).toBe(
      `no run "gone" under the served folder; runs=l1,gone is split at its commas, and a run's name may hold one: ask for each run whole, one run=ID each (run=l1%2Cgone is the run "l1,gone")`,
    );
    // Nothing split: no such hint.
    expect(await runsOf('runs=gone')).toBe('no run "gone" under the served folder');
  });

  /** The dashboard opened at `?QUERY`, once drawn (or, `drawn` false, once it says no run is chosen), and the page errors seen. */
  async function open(query: string, drawn = true): Promise<{ page: Page; errors: string[] }> {
    const page = await served.browser().newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${served.url()}?${query}`);
    if (drawn) await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, null, { timeout: 30_000 });
    else await page.waitForFunction(() => document.getElementById('status')?.textContent === 'no run chosen', null, { timeout: 30_000 });
    return { page, errors };
  }

  /** The page's note on the runs its address asks for that are not served: its text, or null when it is hidden (or missing). */
  const unserved = (page: Page) =>
    page.evaluate(() => {
      const note = document.getElementById('unserved');
      return note && !note.hidden ? note.textContent : null;
    });

  const checked = (page: Page) => page.$$eval('#run-list input:checked', (els) => els.map((e) => (e as HTMLInputElement).value));
  const legend = (page: Page) => page.locator('#view-overlay svg').first().textContent();

  it.skipIf(!hasChromium)(
    'in Chromium: a run named with a comma chosen by its box is drawn, not the runs its name splits into',
    async () => {
      const { page, errors } = await open('runs=l1');
      expect(await checked(page)).toEqual(['l1']);
      const drawn = Number(await page.evaluate(() => document.body.dataset.drawn));
      await page.locator(`#run-list input[type=checkbox][value="${COMMA}"]`).check();
      await page.waitForFunction((n) => Number(document.body.dataset.drawn) > n, drawn, { timeout: 30_000 });
      expect(await page.locator('#views .card p.error').allTextContents()).toEqual([]);
      expect(await legend(page)).toContain('l1:1e-2');
      expect(await legend(page)).not.toContain('l2:1e-4');
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );

  it.skipIf(!hasChromium)(
    'in Chromium: the page address asks for runs with commas as run=ID, each whole',
    async () => {
      const { page, errors } = await open(`run=${encodeURIComponent(COMMA)}&run=${encodeURIComponent('cmp/a,b')}`);
      expect(await checked(page)).toEqual(['cmp/a,b', COMMA]);
      expect(await page.locator('#views .card p.error').allTextContents()).toEqual([]);
      expect(await legend(page)).toContain('l1:3e-3');
      expect(await legend(page)).toContain('l1:1e-2');
      expect(await legend(page)).not.toContain('l1:1e-4');
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );

  it.skipIf(!hasChromium)(
    'in Chromium: the page opened at runs=a,b naming runs not served says which, that the value was split at its commas, and how to ask with run=',
    async () => {
      const { page, errors } = await open('runs=cmp/a,b', false);
      expect(await checked(page)).toEqual([]);
      expect(await unserved(page)).toBe(
        `the address asks for runs not served here: "cmp/a", "b"; runs=cmp/a,b is split at its commas, and a run's name may hold one: ask for each run whole, one run=ID each (run=cmp%2Fa%2Cb is the run "cmp/a,b")`,
      );
      expect(await page.locator('#unserved').getAttribute('class')).toBe('note error');
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );

  it.skipIf(!hasChromium)(
    'in Chromium: the page opened at run=ID of a run not served names it, escaped as names are shown, and draws the runs that are',
    async () => {
      const name = '<img src=x onerror=alert(1)>\u202egnp';
      const { page, errors } = await open(`run=l1&run=${encodeURIComponent(name)}&run=l1`);
      expect(await checked(page)).toEqual(['l1']);
      expect(await legend(page)).toContain('l1:1e-4');
      // No split hint: nothing was split. Text, not markup; the bidirectional override shown as an escape.
      expect(await unserved(page)).toBe('the address asks for a run not served here: "<img src=x onerror=alert(1)>\\u202egnp"');
      expect(await page.locator('#unserved img').count()).toBe(0);
      // All asked for are served: no note.
      await page.goto(`${served.url()}?run=${encodeURIComponent(COMMA)}`);
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, null, { timeout: 30_000 });
      expect(await unserved(page)).toBeNull();
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );
});
