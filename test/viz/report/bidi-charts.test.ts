/**
 * report.html of records whose run names, penalties and layer names hold bidirectional and other
 * control characters, drawn by Vega in headless Chromium: every chart's SVG (legends, axis and
 * header labels, titles, the marks' descriptions) and the page's text show them as escapes
 * (`\u202e`), never raw — the charts too, not only the page's own text — after a change of layer too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/formats/run.ts';
import { vegaScript } from '../../../src/render/report-file.ts';
import { reportHtml } from '../../../src/viz/report/index.ts';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, hasChromium } from '../../chromium.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';

const present = hasChromium;
const required = Boolean(process.env.PENX_REQUIRE_CHROMIUM);
/** The source of a pattern matching a control or bidirectional character, as `visibleControls` escapes them. */
const HIDDEN = '[^\\P{Cc}\\n]|\\p{Bidi_Control}';
const LAYER = 'dense\u202e_1\u0007';

function hostileRun(seed: number): RunRecord {
  const run = makeRunRecord({ epochs: 3, seed, layers: ['conv2d_1', LAYER], batchNorms: 3, constraintBounds: { max: 2, axis: 0 } });
  return { ...run, config: { ...run.config, name: `l1\u202egnp.exe\u0007${seed}`, penalty: 'l1:1e-4\u2067x\u2069' } };
}

let browser: Browser | undefined;
let dir = '';

/** The markup of every chart's SVG, and the page's visible text (without the tabs innerText puts between table cells). */
const shown = (page: Page) =>
  page.evaluate(() => ({ svg: [...document.querySelectorAll('svg')].map((s) => s.outerHTML).join('\n'), text: document.body.innerText.replaceAll('\t', ' ') }));

/** The characters of `text` that `HIDDEN` matches, as code points (none expected). */
const hidden = (text: string) => [...text].filter((c) => new RegExp(HIDDEN, 'u').test(c)).map((c) => `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('report.html’s charts of a record whose strings hold control characters, in headless Chromium', () => {
  it.runIf(!present && required)('needs Chromium (PENX_REQUIRE_CHROMIUM is set)', () => {
    throw new Error(`PENX_REQUIRE_CHROMIUM is set but ${CHROMIUM} does not exist: install it (apt-get install -y chromium)`);
  });

  beforeAll(async () => {
    if (!present) return;
    dir = await mkdtemp(join(tmpdir(), 'penx-bidi-charts-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!present)('legends, labels, titles and mark descriptions show the escapes, before and after choosing the layer', async () => {
    const file = join(dir, 'report.html');
    await writeFile(file, await reportHtml([hostileRun(1), hostileRun(2)], { vegaScript: await vegaScript() }));
    const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);
    const before = await shown(page);
    expect(hidden(before.svg)).toEqual([]);
    expect(hidden(before.text)).toEqual([]);
    // The runs' labels in the legends (penalty and name, their controls as escapes).
    expect(before.svg).toContain('l1:1e-4\\u2067x\\u2069 (l1\\u202egnp.exe\\u00071)');
    expect(before.svg.match(/<svg/g)?.length).toBeGreaterThan(8);

    await page.selectOption('#layer', LAYER);
    await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 2);
    const after = await shown(page);
    expect(hidden(after.svg)).toEqual([]);
    expect(hidden(after.text)).toEqual([]);
    // The rows the page sets for the chosen layer are the legend's runs: the lines are drawn in their colours.
    const strokes = await page.$$eval('#view-overlay svg path[aria-roledescription="line mark"]', (ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(new Set(strokes).size).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});
