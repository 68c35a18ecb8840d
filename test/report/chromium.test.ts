/**
 * The report pages in headless Chromium (Debian's, at /usr/bin/chromium): no errors, no network,
 * and the controls work. Skipped when Chromium is missing, unless PENX_REQUIRE_CHROMIUM is set,
 * in which case the missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportHtml } from '../../mnist-demo/report/index.ts';
import type { RunRecord } from '../../mnist-demo/run-record.ts';
import { makeRunRecord, withScores } from '../fixtures/run-record-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const present = existsSync(CHROMIUM);
const required = Boolean(process.env.PENX_REQUIRE_CHROMIUM);

const one = [withScores(makeRunRecord({ epochs: 5, penalty: 'l1:1e-4' }), 2, { testLoss: 0.041234, testAcc: 0.987149 })];
const three = [
  makeRunRecord({ epochs: 5, penalty: 'none' }),
  makeRunRecord({ epochs: 5, penalty: 'deadzone:1e-4,a=0.25', seed: 2 }),
  makeRunRecord({ epochs: 4, penalty: 'logsum:1e-4,eps=0.05', seed: 3 }),
];

interface Opened {
  readonly page: Page;
  readonly url: string;
  readonly errors: string[];
  readonly requests: string[];
}

let browser: Browser | undefined;
let dir = '';

async function open(name: string, runs: RunRecord[]): Promise<Opened> {
  const file = join(dir, `${name}.html`);
  await writeFile(file, await reportHtml(runs));
  const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);
  return { page, url, errors, requests };
}

/** Runs `change` in the page and waits for the histograms to be redrawn. */
async function redraw(page: Page, change: () => Promise<unknown>): Promise<void> {
  const before = Number(await page.evaluate(() => document.body.dataset.drawn));
  await change();
  await page.waitForFunction((n) => Number(document.body.dataset.drawn) > n, before);
}

async function setEpoch(page: Page, epoch: number): Promise<void> {
  await redraw(page, () =>
    page.evaluate((value) => {
      const slider = document.querySelector<HTMLInputElement>('#epoch');
      if (!slider) throw new Error('no #epoch');
      slider.value = String(value);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      slider.dispatchEvent(new Event('change', { bubbles: true }));
    }, epoch),
  );
}

const selectedEpochs = (page: Page) => page.$$eval('#numbers tr.selected', (rows) => rows.map((r) => r.getAttribute('data-epoch')));
const barCount = (page: Page) => page.$$eval('#hist-0 svg path[aria-roledescription="bar"], #hist-0 svg .mark-rect path', (ps) => ps.length);

describe('report pages in headless Chromium', () => {
  it.runIf(!present && required)('needs Chromium (PENX_REQUIRE_CHROMIUM is set)', () => {
    throw new Error(`PENX_REQUIRE_CHROMIUM is set but ${CHROMIUM} does not exist: install it (apt-get install -y chromium)`);
  });

  beforeAll(async () => {
    if (!present) return;
    dir = await mkdtemp(join(tmpdir(), 'penx-report-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!present)('one run: epoch slider, log scale and layer choice work, with no errors or requests', async () => {
    const { page, url, errors, requests } = await open('one-run', one);
    expect(await page.textContent('#title')).toBe(`epoch=5 loss=${one[0]?.epochs[4]?.testLoss.toFixed(4)} acc=${one[0]?.epochs[4]?.testAcc.toFixed(4)}`);
    expect(await selectedEpochs(page)).toEqual(['5']);
    expect(await page.$$eval('#sparsity svg, #accuracy svg, #hist-0 svg', (svgs) => svgs.length)).toBe(3);
    expect(await barCount(page)).toBeGreaterThan(0);

    await setEpoch(page, 2);
    expect(await page.textContent('#title')).toBe('epoch=2 loss=0.0412 acc=0.9871');
    expect(await selectedEpochs(page)).toEqual(['2']);
    expect(await page.textContent('#epoch-value')).toBe('2');

    await redraw(page, () => page.check('input[name="scale"][value="log"]'));
    expect(await page.$$eval('#hist-0 svg text', (ts) => ts.some((t) => t.textContent === 'density (log)'))).toBe(true);
    await redraw(page, () => page.selectOption('#layer', 'conv2d_2'));
    await setEpoch(page, 0);
    expect(await page.textContent('#title')).toMatch(/^epoch=0 loss=\d\.\d{4} acc=\d\.\d{4}$/);
    await redraw(page, () => page.check('input[name="scale"][value="linear"]'));
    expect(await barCount(page)).toBeGreaterThan(0);

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it.skipIf(!present)('three runs: one title per run follows the slider, rows move in every table', async () => {
    const { page, url, errors, requests } = await open('three-runs', three);
    expect(await page.textContent('#title')).toBe('epoch=5');
    expect(await page.$$eval('.run-title', (els) => els.map((e) => e.textContent))).toEqual([
      expect.stringMatching(/^epoch=5 loss=/),
      expect.stringMatching(/^epoch=5 loss=/),
      'epoch=5: not reached (last epoch 4)',
    ]);
    expect(await selectedEpochs(page)).toEqual(['5', '5']);

    await setEpoch(page, 3);
    expect(await page.textContent('#title')).toBe('epoch=3');
    const titles = await page.$$eval('.run-title', (els) => els.map((e) => e.textContent));
    expect(titles).toEqual(three.map((r) => `epoch=3 loss=${r.epochs[2]?.testLoss.toFixed(4)} acc=${r.epochs[2]?.testAcc.toFixed(4)}`));
    expect(await selectedEpochs(page)).toEqual(['3', '3', '3']);

    await redraw(page, () => page.check('input[name="scale"][value="log"]'));
    await redraw(page, () => page.selectOption('#layer', 'dense_1'));
    await redraw(page, () => page.selectOption('#layer', 'all'));

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });
});
