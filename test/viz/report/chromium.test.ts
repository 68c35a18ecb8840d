import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpochRecord, RunRecord } from '../../../src/formats/run.ts';
import { vegaScript } from '../../../src/render/report-file.ts';
import { epochTitle, shortPercent } from '../../../src/viz/figures/index.ts';
import { reportHtml } from '../../../src/viz/report/index.ts';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, hasChromium } from '../../chromium.ts';
import { makeRunRecord, REFERENCE_LAYERS, withOutputs, withoutNorms, withScores } from '../../fixtures/run-record-fixture.ts';

const present = hasChromium;
const required = Boolean(process.env.PENX_REQUIRE_CHROMIUM);

const one = [withScores(makeRunRecord({ epochs: 5, penalty: 'l1:1e-4' }), 2, { testLoss: 0.041234, testAcc: 0.987149 })];
/** Two outputs named 60 characters each: the titles shorten them in their middle, with the full names below. */
const LONG_OUTPUTS = ['mnist', 'emnist'].map((m) => `multitask_head_for_${m.padEnd(9, '_')}_classifier_output_layer_weights`);
const three = [
  makeRunRecord({ epochs: 5, penalty: 'none' }),
  withOutputs(makeRunRecord({ epochs: 5, penalty: 'deadzone:1e-4,a=0.25', seed: 2 }), LONG_OUTPUTS),
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
  await writeFile(file, await reportHtml(runs, { vegaScript: await vegaScript() }));
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

const bounded = [
  makeRunRecord({
    epochs: 5,
    penalty: 'none',
    layers: REFERENCE_LAYERS,
    constraintBounds: { max: 2, axis: 0 },
    batchNorms: 8,
    optimizer: 'adamw:lr=0.001,wd=1e-4',
  }),
];
const mixed = [
  makeRunRecord({ epochs: 5, penalty: 'l2:1e-4', layers: REFERENCE_LAYERS, optimizer: 'adam:lr=0.001' }),
  makeRunRecord({ epochs: 4, penalty: 'none', layers: REFERENCE_LAYERS, optimizer: 'adamw:lr=0.001,wd=1e-4', seed: 2 }),
  withoutNorms(makeRunRecord({ epochs: 3, penalty: 'l1:1e-4', seed: 3 })),
];

/** The bars of run i's norm histograms (their path data, so a change of epoch shows). */
const normBars = (page: Page, i: number) => page.$$eval(`#norms-${i} svg .mark-rect path`, (ps) => ps.map((p) => p.getAttribute('d') ?? ''));
const normTexts = (page: Page, i: number) => page.$$eval(`#norms-${i} svg text`, (ts) => ts.map((t) => t.textContent ?? ''));

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

  it.skipIf(!present)(
    'in a narrow window (420 px): no sideways page, every download button in view, the views fit their cards; wide tables scroll in their box',
    async () => {
      const { page, errors } = await open('narrow', three);
      await page.setViewportSize({ width: 420, height: 900 });
      // Before, the histogram cards, the sparsity and accuracy charts and the tables widened the page to 1062 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
      const rights = await page.$$eval('button.download', (bs) => bs.map((b) => [b.closest('[id]')?.id ?? '', b.getBoundingClientRect().right] as const));
      expect(rights.length).toBeGreaterThan(10);
      for (const [where, right] of rights) expect(right, where).toBeLessThanOrEqual(420);
      // The numbers table, wider than the window, scrolls in its own box.
      const table = await page.$eval('table.numbers', (t) => ({ client: t.clientWidth, scroll: t.scrollWidth }));
      expect(table.client).toBeLessThanOrEqual(420);
      expect(table.scroll).toBeGreaterThan(table.client);
      // The histograms, the overlay, |w|, the curves and the penalty shapes fit their cards (redrawn for the new width as
      // they come due): before, the histograms (340 px), the overlay (560) and the penalty shapes at 0.4 scrolled in them.
      const boxes =
        '#histograms .chart, #sparsity, #accuracy, #view-overlay, #view-log-abs, #view-curves, #view-penalty, [id^="norms-"].chart, #norm-curves, #prune-curve';
      const scrolling = () =>
        page.$$eval(boxes, (els) =>
          els.filter((e) => !e.querySelector('svg, canvas') || e.scrollWidth > e.clientWidth).map((e) => `${e.id} ${e.scrollWidth} > ${e.clientWidth}`),
        );
      const fitted = (sel: string) =>
        [...document.querySelectorAll<HTMLElement>(sel)].every((e) => e.querySelector('svg, canvas') && e.scrollWidth <= e.clientWidth);
      await page.waitForFunction(fitted, boxes).catch(() => undefined);
      // (This report has no |w| view, penalty shapes or prune curve: views.test fits those at 374 px.) The norms grids'
      // four cells wrap to the card (723 px in a row, scrolling before); so do the norm curves' four layers (one row of
      // 894 px before), and the accuracy narrows as the sparsity beside it does (607 px before).
      expect(await page.$$eval(boxes, (els) => els.map((e) => e.id))).toEqual([
        'hist-0',
        'hist-1',
        'hist-2',
        'view-overlay',
        'view-curves',
        'sparsity',
        'accuracy',
        'norms-0',
        'norms-1',
        'norms-2',
        'norm-curves',
      ]);
      expect(await scrolling()).toEqual([]);
      // Jumping to a section (an anchor link) or a card (scrollIntoView, as focus does) stops below the sticky
      // controls, which wrap onto two lines here: each had stopped at the window's top, under them.
      const under = (how: 'hash' | 'into-view', id: string) =>
        page.evaluate(
          ([how, id]) => {
            const el = document.getElementById(id) as HTMLElement;
            if (how === 'hash') location.hash = id;
            else el.scrollIntoView();
            const bar = (document.getElementById('controls') as HTMLElement).getBoundingClientRect().bottom;
            const top = el.getBoundingClientRect().top;
            return top >= bar ? 'clear' : `${how} ${id}: top ${top} under the controls' bottom ${bar}`;
          },
          [how, id] as const,
        );
      for (const id of ['norms', 'views', 'numbers']) expect(await under('hash', id)).toBe('clear');
      for (const id of ['hist-2', 'accuracy', 'norm-curves']) expect(await under('into-view', id)).toBe('clear');
      // The cards' row narrowed with no window resize (as when a scrollbar comes): the views fit it again. Before, they
      // followed the window's resize event only, and scrolled in their cards.
      await page.evaluate(() => {
        document.body.style.paddingRight = '60px';
      });
      await page.waitForFunction(fitted, boxes).catch(() => undefined);
      expect(await scrolling()).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it.skipIf(!present)('one run: epoch slider, log scale and layer choice work, with no errors or requests', async () => {
    const { page, url, errors, requests } = await open('one-run', one);
    expect(await page.textContent('#title')).toBe(`epoch=5 loss=${one[0]!.epochs[4]!.testLoss!.toFixed(4)} acc=${one[0]!.epochs[4]!.testAcc!.toFixed(4)}`);
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
    expect(titles[0]).toBe(`epoch=3 loss=${three[0]!.epochs[2]!.testLoss!.toFixed(4)} acc=${three[0]!.epochs[2]!.testAcc!.toFixed(4)}`);
    // Each title as its epoch-NNN.png writes it (lines of 56 characters, long output names shortened), the full names below.
    const written = three.map((r) => epochTitle(r.epochs[2] as EpochRecord));
    expect(titles).toEqual(written.map((t) => t.lines.join('\n')));
    // Below the histograms' titles and the Weight norms cards' alike.
    for (const section of ['#histograms', '#norms'])
      expect(await page.$$eval(`${section} .full-names`, (els) => els.map((e) => e.textContent))).toEqual(written.map((t) => t.fullNames.join('\n')));
    expect(written[1]?.fullNames).toEqual(expect.arrayContaining(LONG_OUTPUTS));
    expect(await selectedEpochs(page)).toEqual(['3', '3', '3']);

    await redraw(page, () => page.check('input[name="scale"][value="log"]'));
    await redraw(page, () => page.selectOption('#layer', 'dense_1'));
    await redraw(page, () => page.selectOption('#layer', 'all'));

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it.skipIf(!present)('the norms section follows the slider: histograms, projected notes, titles and table rows', async () => {
    const { page, url, errors, requests } = await open('norms', bounded);
    const run = bounded[0] as RunRecord;
    expect(await page.$$eval('#norms-0 svg, #norm-curves svg', (svgs) => svgs.length)).toBe(2);
    expect(await page.getAttribute('#norms', 'data-epoch')).toBe('5');
    expect(await page.textContent('.norms-title')).toBe(await page.textContent('#title'));
    const last = await normBars(page, 0);
    expect(last.length).toBeGreaterThan(0);
    const note = (epoch: number, layer: number) => `projected ${shortPercent(run.epochs[epoch - 1]?.norms[layer]?.projected ?? NaN)}`;
    expect(await normTexts(page, 0)).toEqual(expect.arrayContaining([note(5, 3), 'conv2d_1 · 32 ch', 'dense_2 · 10 ch']));
    expect(await page.$$eval('#norms tr.selected', (rows) => rows.map((r) => r.getAttribute('data-epoch')))).toEqual(['5']);

    await setEpoch(page, 2);
    expect(await page.getAttribute('#norms', 'data-epoch')).toBe('2');
    expect(await page.textContent('.norms-title')).toBe(await page.textContent('#title'));
    expect(await page.textContent('.norms-title')).toMatch(/^epoch=2 loss=/);
    expect(await normBars(page, 0)).not.toEqual(last);
    expect(await normTexts(page, 0)).toEqual(expect.arrayContaining([note(2, 3), note(2, 4)]));
    expect(await page.$$eval('#norms tr.selected', (rows) => rows.map((r) => r.getAttribute('data-epoch')))).toEqual(['2']);
    expect(await selectedEpochs(page)).toEqual(['2']);

    await setEpoch(page, 0);
    expect((await normTexts(page, 0)).some((t) => t.startsWith('projected'))).toBe(false);
    expect((await normBars(page, 0)).length).toBeGreaterThan(0);
    expect(await page.$$eval('#norms tr.selected', (rows) => rows.length)).toBe(0);
    // The other controls still work alongside.
    await redraw(page, () => page.check('input[name="scale"][value="log"]'));
    await redraw(page, () => page.selectOption('#layer', 'dense_1'));

    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it.skipIf(!present)('a comparison with an old record: one norms chart per run with norms, no errors', async () => {
    const { page, url, errors, requests } = await open('norms-mixed', mixed);
    expect(await page.$$eval('#norms .card', (cards) => cards.length)).toBe(3);
    expect(await page.$('#norms-2')).toBeNull();
    expect((await normBars(page, 0)).length).toBeGreaterThan(0);
    // The second run has no epoch 5: no bars, and its title says so.
    expect(await normBars(page, 1)).toEqual([]);
    expect(await page.$$eval('.norms-title', (els) => els.map((e) => e.textContent))).toEqual([
      expect.stringMatching(/^epoch=5 loss=/),
      'epoch=5: not reached (last epoch 4)',
    ]);
    await setEpoch(page, 3);
    expect((await normBars(page, 1)).length).toBeGreaterThan(0);
    expect(await page.$$eval('.norms-title', (els) => els.map((e) => e.textContent))).toEqual([
      expect.stringMatching(/^epoch=3 loss=/),
      expect.stringMatching(/^epoch=3 loss=/),
    ]);
    expect(await page.$$eval('#norm-curves svg text', (ts) => ts.map((t) => t.textContent))).toEqual(
      expect.arrayContaining(['l2:1e-4 · adam:lr=0.001', 'none · adamw:lr=0.001,wd=1e-4']),
    );
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });
});
