/**
 * report.html of records whose run names, penalties and layer names hold bidirectional and other
 * control characters, drawn by Vega in headless Chromium: every chart's SVG (legends, axis and
 * header labels, titles, the marks' descriptions) and the page's text show them as escapes
 * (`\u202e`), never raw — the charts too, not only the page's own text — after a change of layer too;
 * and a user monitor's view over fields named with them (kept as they are in the data) draws every row.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue, RunRecord } from '../../../src/formats/run.ts';
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

/** A run whose user monitor's section has fields named with controls, a dot and brackets, and a view drawing them. */
function monitorRun(seed: number): RunRecord {
  const run = hostileRun(seed);
  const section: JsonValue = [
    { 'dead\u0007': 0.25, 'share.of[0]\u202e': 0.5, layer: LAYER },
    { 'dead\u0007': 0.75, 'share.of[0]\u202e': 1, layer: 'out' },
  ];
  const spec = {
    mark: 'point',
    encoding: {
      x: { field: 'epoch', type: 'quantitative' },
      y: { field: 'dead\u0007', type: 'quantitative' },
      color: { field: 'layer', type: 'nominal' },
      size: { field: 'share\\.of\\[0\\]\u202e', type: 'quantitative' },
    },
  };
  return {
    ...run,
    config: { ...run.config, monitors: [{ name: 'fields', view: { title: 'Fields\u202e', spec } }] },
    initial: { ...run.initial, monitors: { fields: section } },
    epochs: run.epochs.map((e) => ({ ...e, monitors: { fields: section } })),
  };
}

let browser: Browser | undefined;
let dir = '';

/** The markup of every chart's SVG, and the page's visible text (without the tabs innerText puts between table cells). */
const shown = (page: Page) =>
  page.evaluate(() => ({ svg: [...document.querySelectorAll('svg')].map((s) => s.outerHTML).join('\n'), text: document.body.innerText.replaceAll('\t', ' ') }));

/** report.html of `runs` written as `name` and opened in Chromium, drawn once; `errors` collects the page's errors. */
async function opened(name: string, runs: RunRecord[]): Promise<{ page: Page; errors: string[] }> {
  const file = join(dir, name);
  await writeFile(file, await reportHtml(runs, { vegaScript: await vegaScript() }));
  const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);
  return { page, errors };
}

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
    const { page, errors } = await opened('report.html', [hostileRun(1), hostileRun(2)]);
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

  it.skipIf(!present)('a user monitor’s view draws every row from fields whose names hold controls, showing them as escapes', async () => {
    const runs = [monitorRun(1), monitorRun(2)];
    const { page, errors } = await opened('monitor.html', runs);
    await page.waitForSelector('#view-monitor-fields svg [aria-roledescription="axis"]');
    const chart = await page.$eval('#view-monitor-fields svg', (s) => s.outerHTML);
    expect(hidden(chart)).toEqual([]);
    // A point per row (2 per snapshot and run), at its value: the y axis spans the field's values.
    const rows = 2 * runs.length * ((runs[0] as RunRecord).epochs.length + 1);
    const points = await page.$$eval('#view-monitor-fields svg path[aria-roledescription="point"]', (ps) => ps.map((p) => p.getAttribute('transform')));
    expect(points).toHaveLength(rows);
    expect(new Set(points.map((t) => t?.split(',')[1])).size).toBe(2);
    expect(chart).toContain("Y-axis titled 'dead\\u0007' for a linear scale with values from 0.0 to 0.8");
    expect(chart).toContain('>dense\\u202e_1\\u0007</text>');
    expect(chart).toContain('share\\.of\\[0\\]\\u202e');
    expect(errors).toEqual([]);
    await page.close();
  });
});
