/**
 * The dashboard and folder names with a bidirectional control (U+202E shows `l1\u202egnp.exe` as
 * `l1exe.png`). A compare.json naming such a run folder is a record penx never writes: not
 * half-used (its order not taken), named in the skipped list with why, the name escaped; the runs
 * are listed in folder order. A folder made by hand with such a name, found on disk (no record
 * claims it), is listed — it is the user's run — and shown escaped: in the page (the run list's
 * groups, the skipped list), and as JSON escapes in the server's answers, so `curl` of /api/runs
 * cannot reorder a terminal either; the page reads the name back exactly and draws the run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from '../chromium.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { servedFolder } from './served-folder.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

const RLO = 'l1\u202egnp.exe';
/** A group folder made by hand, its name with an isolate (U+2067 … U+2069). */
const GROUP = 'hand\u2067made\u2069';
/** A control character (but the line end) or a bidirectional control. */
const HIDDEN = /[^\P{Cc}\n]|\p{Bidi_Control}/u;

const served = servedFolder('penx-serve-names-', fill);
const dir = served.dir;

/** `rel/run.json`: a run of `epochs` epochs named `name`. */
function run(rel: string, name: string, epochs = 2): void {
  mkdirSync(join(dir, rel), { recursive: true });
  const r = makeRunRecord({ epochs });
  writeFileSync(join(dir, rel, 'run.json'), JSON.stringify({ ...r, config: { ...r.config, name } }));
}

/** The runs (and records) the dashboard serves. */
function fill(): void {
  // The comparison's record lists none first: were it used, none would be listed before RLO (folder order: l1… before none).
  run('cmp/none', 'none');
  run(`cmp/${RLO}`, 'hidden');
  writeFileSync(join(dir, 'cmp', 'compare.json'), JSON.stringify({ format: 'penalty-explorer/compare@1', runs: ['none', RLO] }));
  run(`${GROUP}/${RLO}`, 'by hand');
}

interface Listing {
  runs: Array<{ id: string; comparison: string }>;
  skipped: Array<{ id: string; path: string; reason: string }>;
}

describe('folder names with a bidirectional control on the dashboard', () => {
  it('/api/runs: the folders found on disk listed, as JSON escapes; the compare.json naming one refused and named', async () => {
    const answer = await fetch(`${served.url()}api/runs`);
    const body = await answer.text();
    // Before, the names went out raw (and the bad compare.json was used for the order, unsaid).
    expect(body).not.toMatch(HIDDEN);
    expect(body).toContain('"cmp/l1\\u202egnp.exe"');
    const listing = JSON.parse(body) as Listing;
    expect(listing.runs.map((r) => [r.id, r.comparison])).toEqual([
      [`cmp/${RLO}`, 'cmp'],
      ['cmp/none', 'cmp'],
      [`${GROUP}/${RLO}`, ''],
    ]);
    expect(listing.skipped).toEqual([
      {
        id: 'cmp',
        path: 'cmp/compare.json',
        reason:
          "not a valid penalty-explorer/compare@1 record: runs[1]: 'l1\\u202egnp.exe' contains the bidirectional control U+202E, which shows the name reordered: expected one plain folder name, e.g. l1_1e-4; its runs are listed in folder order",
      },
    ]);
  });

  it('a view of the run in the folder made by hand is drawn; an error naming an id comes back escaped', async () => {
    const ok = await fetch(`${served.url()}api/view/curves?runs=${encodeURIComponent(`${GROUP}/${RLO}`)}`);
    expect(ok.status).toBe(200);
    const missing = await fetch(`${served.url()}api/view/curves?runs=${encodeURIComponent(`${GROUP}/x\u202e`)}`);
    expect(missing.status).toBe(400);
    const text = await missing.text();
    expect(text).not.toMatch(HIDDEN);
    expect(JSON.parse(text)).toEqual({ error: `no run ${JSON.stringify(`${GROUP}/x\u202e`)} under the served folder` });
  });

  it.skipIf(!hasChromium)(
    'in Chromium: the groups and the skipped record shown as escapes, the run made by hand chosen and drawn',
    async () => {
      const page = await served.browser().newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${served.url()}?runs=${encodeURIComponent(`${GROUP}/${RLO}`)}`);
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, null, { timeout: 30_000 });
      expect(await page.locator('#run-list').innerText()).not.toMatch(HIDDEN);
      expect(await page.locator('#skipped').innerText()).not.toMatch(HIDDEN);
      expect(await page.$$eval('#run-list fieldset > legend', (els) => els.map((e) => e.textContent))).toEqual(['cmp', 'hand\\u2067made\\u2069']);
      expect(await page.locator('#skipped li').allTextContents()).toEqual([
        expect.stringMatching(/^cmp\/compare\.json — not a valid .*runs\[1\]: 'l1\\u202egnp\.exe' contains the bidirectional control U\+202E/),
      ]);
      // The checkbox's value is the folder's real name: the run made by hand is the one chosen.
      expect(await page.$$eval('#run-list input:checked', (els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([`${GROUP}/${RLO}`]);
      expect(await page.locator('#views .card svg').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
    },
    60_000,
  );
});
