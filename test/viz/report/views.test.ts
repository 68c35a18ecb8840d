/**
 * The report's views in headless Chromium (Debian's), from real records: overlay, log10|w|,
 * heatmaps, ridgeline, bands, curves and penalty shapes drawn (the heatmaps on canvas, a cell's numbers
 * in its tooltip); they follow the epoch, layer and scale controls; every chart downloads as PNG/SVG/CSV
 * and the numbers as CSV; still no network.
 * The charts in sight are drawn first, those below the window after the page has painted, a slice
 * of time at a time in page order (src/viz/pages/vega.ts, runSoon), those scrolled into sight
 * meanwhile first, a layer chosen while they are drawn taking over the rest, yet every chart shows
 * the newest layer when `data-drawn` moves. A chart's download pressed while its draw still waits
 * draws it first: its files are the choice the controls show.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/formats/run.ts';
import { penaltyCurves } from '../../../src/render/penalty-curves.ts';
import { vegaScript } from '../../../src/render/report-file.ts';
import { WRAP_MAX_WIDTH } from '../../../src/viz/figures/index.ts';
import { DRAW_SLICE_MS } from '../../../src/viz/pages/vega.ts';
import { reportHtml } from '../../../src/viz/report/index.ts';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, HEATMAP_TOOLTIP, hasChromium, heatmapCell } from '../../chromium.ts';
import { fineRuns } from '../views/fine-runs.ts';

const present = hasChromium;
if (!present && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

let browser: Browser | undefined;
let dir = '';
let runs: RunRecord[] = [];

beforeAll(async () => {
  runs = await fineRuns(['none', 'l1:1e-2', 'l2:1e-2'], 3);
  dir = await mkdtemp(join(tmpdir(), 'penx-report-views-'));
  if (present) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function redraw(page: Page, change: () => Promise<unknown>): Promise<void> {
  const before = Number(await page.evaluate(() => document.body.dataset.drawn));
  await change();
  await page.waitForFunction((n) => Number(document.body.dataset.drawn) > n, before);
}

/** The charts whose drawing follows the layer: the histograms and the views of `#views`. */
const CHARTS = ['hist-0', 'hist-1', 'hist-2', 'view-overlay', 'view-log-abs', 'view-heatmap', 'view-heatmap-log', 'view-ridgeline', 'view-bands'];

/** The charts drawn on canvas (their figure's `usermeta.renderer`: src/viz/figures/heatmap.ts): the others are SVG. */
const CANVAS = ['view-heatmap', 'view-heatmap-log'];

type Shows = (el: Element | null) => string;

/**
 * Defines `chartShows(el)` in the page: what chart `el` shows — its SVG's paths (shape and description)
 * and texts, sorted (Vega may reorder the elements), or its canvas's pixels (`canvas drawn …` when any
 * pixel differs from the first, `canvas blank …` else).
 */
function defineChartShows(): void {
  (window as unknown as { chartShows: Shows }).chartShows = (el) => {
    const canvas = el?.querySelector('canvas');
    if (canvas) {
      const px = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      const inked = px.some((v, i) => v !== px[i % 4]);
      return `canvas ${inked ? 'drawn' : 'blank'} ${canvas.toDataURL()}`;
    }
    const svg = el?.querySelector('svg');
    const paths = [...(svg?.querySelectorAll('path') ?? [])].map((p) => `${p.getAttribute('aria-label') ?? ''} ${p.getAttribute('d') ?? ''}`);
    const texts = [...(svg?.querySelectorAll('text') ?? [])].map((t) => t.textContent ?? '');
    return [...paths, ...texts].sort().join('\n');
  };
}

/** What each chart shows (`chartShows`). */
const drawn = (page: Page) =>
  page.evaluate(
    (ids) => Object.fromEntries(ids.map((id) => [id, (window as unknown as { chartShows: Shows }).chartShows(document.getElementById(id))])),
    CHARTS,
  );
/** Whether a chart's `chartShows` is of a drawing: an SVG path, or a canvas not blank. */
const inked = (shows: string | undefined) => / M|^canvas drawn /.test(shows ?? '');

/** The report of `runs` written as `name` and opened in a 1400×700 window, drawn once; `errors` collects the page's errors. */
async function opened(name: string): Promise<{ page: Page; errors: string[] }> {
  const file = join(dir, name);
  await writeFile(file, await reportHtml(runs, { vegaScript: await vegaScript(), penalties: await penaltyCurves(runs) }));
  const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 700 } });
  await page.addInitScript(defineChartShows);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);
  return { page, errors };
}

/**
 * Vega's runAsync wrapped in `page`: each finished draw calls the page's `afterDraw(el, on)` (`el` its
 * chart, `on` whether on screen when asked), where a test logs it and posts its own tasks. A chart
 * below the window takes a whole slice (DRAW_SLICE_MS) to draw, as the reference report's heatmaps
 * and ridgeline do: the page then gets its turn after each (these small charts would share a task).
 */
const watchDraws = (page: Page) =>
  page.evaluate((slice) => {
    type Run = (this: { container(): HTMLElement | null }, ...a: unknown[]) => Promise<unknown>;
    const w = window as unknown as { vega: { View: { prototype: { runAsync: Run } } }; afterDraw?: (el: HTMLElement, on: boolean) => void };
    const proto = w.vega.View.prototype;
    const run = proto.runAsync;
    proto.runAsync = function (...a) {
      const el = this.container() as HTMLElement;
      const box = el.getBoundingClientRect();
      const on = box.bottom >= 0 && box.top <= innerHeight;
      const until = performance.now() + slice;
      return run.apply(this, a).then((r) => {
        while (!on && performance.now() < until) {
          // busy: a big chart's drawing
        }
        w.afterDraw?.(el, on);
        return r;
      });
    };
  }, DRAW_SLICE_MS);

describe.skipIf(!present)('report views in Chromium', () => {
  it('draws every view, follows the controls, and downloads charts and numbers', async () => {
    const file = join(dir, 'report.html');
    await writeFile(file, await reportHtml(runs, { vegaScript: await vegaScript(), penalties: await penaltyCurves(runs) }));
    const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url);
    await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);

    for (const id of ['overlay', 'log-abs', 'heatmap', 'heatmap-log', 'ridgeline', 'bands', 'curves', 'penalty']) {
      const kind = CANVAS.includes(`view-${id}`) ? 'canvas' : 'svg';
      expect(await page.locator(`#view-${id} > ${kind}`).count(), id).toBe(1);
      expect(await page.locator(`#view-${id} > :is(svg, canvas)`).count(), id).toBe(1);
    }
    const lines = () => page.locator('#view-overlay g.mark-line path').count();
    expect(await lines()).toBe(3);
    // The zeros' counts above their bars are the files' (the page's rows carry shares only): none drawn, no "NaN".
    expect(await page.locator('#view-log-abs g.mark-text.role-mark text').allTextContents()).toEqual([]);
    expect(await page.locator('#view-log-abs').textContent()).not.toContain('NaN');
    expect(await page.locator('.view-epoch').first().textContent()).toBe('3');
    // A heatmap cell under the mouse (the leftmost coloured pixel: the first run's cells; the legend is on the
    // right) tells its numbers: Vega's tooltip handler sets its chart's title, on canvas as on SVG.
    await page.locator('#view-heatmap').scrollIntoViewIfNeeded();
    const cell = await heatmapCell(page, '#view-heatmap');
    expect(cell).not.toBeNull();
    await page.mouse.move(cell!.x, cell!.y);
    await expect.poll(() => page.getAttribute('#view-heatmap', 'title')).toMatch(HEATMAP_TOOLTIP);

    await redraw(page, () => page.locator('#layer').selectOption('hidden'));
    expect(await page.locator('.view-layer').first().textContent()).toBe('hidden');
    await redraw(page, () => page.locator('#epoch').fill('1'));
    expect(await page.locator('.view-epoch').first().textContent()).toBe('1');
    await redraw(page, () => page.locator('input[name="scale"][value="log"]').check());
    expect(await lines()).toBe(3);

    const save = async (box: string, which: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#dl-${box} button[data-download="${which}"]`).click()]);
      return readFileSync((await download.path()) as string).toString('latin1');
    };
    const csv = (await save('view-overlay', 'csv')).split('\n');
    expect(csv[0]).toBe('run,x,density');
    expect(csv.filter((l) => l.startsWith('l2')).length).toBe(101);
    expect((await save('view-heatmap', 'png')).slice(1, 4)).toBe('PNG');
    // The heatmap's cells (its data via the View API, as its CSV holds them), and its SVG file as on any chart.
    const cells = (await save('view-heatmap', 'csv')).split('\n');
    expect(cells[0]).toBe('col,epoch,x0,x1,share');
    expect(cells.length).toBeGreaterThan(100);
    expect((await save('view-heatmap', 'svg')).match(/<path /g)?.length).toBeGreaterThan(100);
    expect(await save('view-bands', 'svg')).toContain('<svg');
    expect((await save('hist-0', 'csv')).split('\n')[0]).toContain('density');
    expect((await save('sparsity', 'csv')).split('\n').length).toBeGreaterThan(10);
    const numbers = (await save('numbers', 'csv')).split('\n');
    expect(numbers[0]).toBe('run,epoch,train loss,penalty loss,test loss,test acc,|w| < 1e-3,|w| < 1e-2,seconds');
    expect(numbers.length).toBe(1 + 3 * 4 + 1);

    expect(errors).toEqual([]);
    expect(requests.filter((r) => r !== url && !/^(blob|data):/.test(r))).toEqual([]);
    await page.close();
  }, 60_000);

  it('draws the charts in sight first, and every chart by data-drawn', async () => {
    const { page, errors } = await opened('order.html');
    const below = (id: string) => page.evaluate((id) => (document.getElementById(id)?.getBoundingClientRect().top ?? 0) > innerHeight, id);
    expect(await below('hist-0')).toBe(false);
    expect(await below('view-heatmap')).toBe(true);
    const first = await drawn(page);
    expect(CHARTS.filter((id) => !inked(first[id]))).toEqual([]);

    // Right after the change (a task later, before the next frame's task): the histogram on screen
    // shows the new layer, the heatmap below the window still the old one.
    const soon = await page.evaluate(async () => {
      const shows = (id: string) => (window as unknown as { chartShows: Shows }).chartShows(document.getElementById(id));
      const before = { hist: shows('hist-0'), heat: shows('view-heatmap') };
      const layer = document.getElementById('layer') as HTMLSelectElement;
      layer.value = 'hidden';
      layer.dispatchEvent(new Event('change'));
      await new Promise((resolve) => setTimeout(resolve, 0));
      return { hist: shows('hist-0') !== before.hist, heat: shows('view-heatmap') !== before.heat };
    });
    expect(soon).toEqual({ hist: true, heat: false });
    await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 2);
    const hidden = await drawn(page);
    expect(CHARTS.filter((id) => hidden[id] === first[id])).toEqual([]);

    await redraw(page, () => page.locator('#layer').selectOption('all'));
    const again = await drawn(page);
    expect(CHARTS.filter((id) => again[id] !== first[id])).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('draws the charts below the window a slice at a time, in page order, and a layer chosen mid-way wins', async () => {
    const { page, errors } = await opened('tasks.html');
    // What each chart shows for each layer, drawn the plain way.
    await redraw(page, () => page.locator('#layer').selectOption('hidden'));
    const hidden = await drawn(page);
    await redraw(page, () => page.locator('#layer').selectOption('out'));
    const out = await drawn(page);
    await redraw(page, () => page.locator('#layer').selectOption('all'));
    const changing = CHARTS.filter((id) => hidden[id] !== out[id]);
    expect(changing).toContain('view-ridgeline');

    // Every draw logged as done (chart, what it shows, whether on screen when asked), and the first
    // draw below the window asks for layer 'out' in a task before any other (as input would be).
    await watchDraws(page);
    const log = await page.evaluate(
      (ids) =>
        new Promise<Array<{ id: string; shows: string; on: boolean; second: boolean }>>((resolve) => {
          const shows = (window as unknown as { chartShows: Shows }).chartShows;
          const entries: Array<{ id: string; shows: string; on: boolean; second: boolean }> = [];
          let second = false;
          const layer = document.getElementById('layer') as HTMLSelectElement;
          const w = window as unknown as {
            afterDraw: (el: HTMLElement, on: boolean) => void;
            scheduler: { postTask(fn: () => void, o: object): Promise<void> };
          };
          w.afterDraw = (el, on) => {
            entries.push({ id: el.id, shows: ids.includes(el.id) ? shows(el) : '', on, second });
            if (on || second) return;
            void w.scheduler.postTask(
              () => {
                second = true;
                const before = Number(document.body.dataset.drawn);
                new MutationObserver((_m, o) => {
                  if (Number(document.body.dataset.drawn) > before) {
                    o.disconnect();
                    resolve(entries);
                  }
                }).observe(document.body, { attributes: true, attributeFilter: ['data-drawn'] });
                layer.value = 'out';
                layer.dispatchEvent(new Event('change'));
              },
              { priority: 'user-blocking' },
            );
          };
          layer.value = 'hidden';
          layer.dispatchEvent(new Event('change'));
        }),
      CHARTS,
    );
    const below = log.filter((e) => !e.on);
    const asked = below.findIndex((e) => e.second);
    // The page took the second choice right after the first chart below the window (a slice's worth), not after them all.
    expect(below.slice(0, asked).map((e) => e.id)).toHaveLength(1);
    const after = below.slice(asked).map((e) => e.id);
    // After it, every chart below the window drawn once, in page order, and none for layer 'hidden'.
    const order = await page.evaluate((ids) => {
      const els = ids.map((id) => document.getElementById(id) as HTMLElement);
      return [...els].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1)).map((el) => el.id);
    }, after);
    expect(after).toEqual(order);
    expect(new Set(after).size).toBe(after.length);
    const late = log.filter((e) => e.second && changing.includes(e.id));
    expect(late.filter((e) => e.shows !== out[e.id]).map((e) => e.id)).toEqual([]);
    const now = await drawn(page);
    expect(CHARTS.filter((id) => now[id] !== out[id])).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('draws a chart scrolled into sight while the charts below the window are drawn before the others', async () => {
    const { page, errors } = await opened('scroll.html');
    // Every draw logged as done (chart, whether on screen when asked, whether after the scroll); after the
    // first chart below the window, a task before any other scrolls the bands into sight (as the user would).
    await watchDraws(page);
    const log = await page.evaluate(
      () =>
        new Promise<Array<{ id: string; on: boolean; scrolled: boolean }>>((resolve) => {
          const entries: Array<{ id: string; on: boolean; scrolled: boolean }> = [];
          let scrolled = false;
          let done = false;
          const finish = () => scrolled && done && resolve(entries);
          const before = Number(document.body.dataset.drawn);
          new MutationObserver((_m, o) => {
            if (Number(document.body.dataset.drawn) > before) {
              o.disconnect();
              done = true;
              finish();
            }
          }).observe(document.body, { attributes: true, attributeFilter: ['data-drawn'] });
          const w = window as unknown as {
            afterDraw: (el: HTMLElement, on: boolean) => void;
            scheduler: { postTask(fn: () => void, o: object): Promise<void> };
          };
          w.afterDraw = (el, on) => {
            entries.push({ id: el.id, on, scrolled });
            if (on || scrolled) return;
            void w.scheduler.postTask(
              () => {
                document.getElementById('view-bands')?.scrollIntoView();
                scrolled = true;
                finish();
              },
              { priority: 'user-blocking' },
            );
          };
          const layer = document.getElementById('layer') as HTMLSelectElement;
          layer.value = 'hidden';
          layer.dispatchEvent(new Event('change'));
        }),
    );
    const after = log.filter((e) => e.scrolled);
    // After the scroll: the charts then in sight (the bands among them) first, then those out of it.
    expect(after.filter((e) => e.on).map((e) => e.id)).toContain('view-bands');
    expect(after.map((e) => e.on)).toEqual([...after.map((e) => e.on)].sort((a, b) => Number(b) - Number(a)));
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
  it('downloads a chart whose draw still waits as the choice the controls show, not the one it showed', async () => {
    const { page, errors } = await opened('download.html');
    const files: Download[] = [];
    page.on('download', (d) => files.push(d));
    const text = async (d: Download) => readFileSync((await d.path()) as string).toString('latin1');
    const save = async (box: string, which: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#dl-${box} button[data-download="${which}"]`).click()]);
      return text(download);
    };
    // What the bands (CSV) and the ridgeline (SVG) download for layer 'hidden', drawn the plain way.
    await redraw(page, () => page.locator('#layer').selectOption('hidden'));
    const want = { csv: await save('view-bands', 'csv'), svg: await save('view-ridgeline', 'svg') };
    await redraw(page, () => page.locator('#layer').selectOption('all'));
    expect(await save('view-bands', 'csv')).not.toBe(want.csv);
    expect(await save('view-ridgeline', 'svg')).not.toBe(want.svg);
    files.length = 0;
    // Back at the top (the clicks scrolled to the charts): the bands and the ridgeline below the window.
    await page.evaluate(() => scrollTo(0, 0));
    const below = (id: string) => page.evaluate((id) => (document.getElementById(id)?.getBoundingClientRect().top ?? 0) > innerHeight, id);
    expect([await below('view-bands'), await below('view-ridgeline')]).toEqual([true, true]);

    // Layer 'hidden' chosen; after the first chart below the window is drawn (a slice), a task before
    // any other presses the bands' CSV and the ridgeline's SVG, both still showing layer 'all'.
    await watchDraws(page);
    const waited = await page.evaluate(
      () =>
        new Promise<{ layer: string; bands: boolean; ridge: boolean }>((resolve) => {
          const svg = (id: string) => document.querySelector(`#${id} svg`)?.outerHTML ?? '';
          const before = { bands: svg('view-bands'), ridge: svg('view-ridgeline') };
          let pressed = false;
          const w = window as unknown as {
            afterDraw: (el: HTMLElement, on: boolean) => void;
            scheduler: { postTask(fn: () => void, o: object): Promise<void> };
          };
          w.afterDraw = (_el, on) => {
            if (on || pressed) return;
            pressed = true;
            void w.scheduler.postTask(
              () => {
                const still = { bands: svg('view-bands') === before.bands, ridge: svg('view-ridgeline') === before.ridge };
                document.querySelector<HTMLElement>('#dl-view-bands button[data-download="csv"]')?.click();
                document.querySelector<HTMLElement>('#dl-view-ridgeline button[data-download="svg"]')?.click();
                resolve({ layer: layer.value, ...still });
              },
              { priority: 'user-blocking' },
            );
          };
          const layer = document.getElementById('layer') as HTMLSelectElement;
          layer.value = 'hidden';
          layer.dispatchEvent(new Event('change'));
        }),
    );
    expect(waited).toEqual({ layer: 'hidden', bands: true, ridge: true });
    await expect.poll(() => files.length).toBe(2);
    const got = Object.fromEntries(await Promise.all(files.map(async (d) => [d.suggestedFilename(), await text(d)] as const)));
    expect(got['bands.csv']).toBe(want.csv);
    expect(got['ridgeline.svg']).toBe(want.svg);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("wraps the heatmaps, ridgeline, bands and curves of 7 runs to their cards' width at 1400×900, and again at 800 and 500 px when the window narrows, nothing cut off; the curves' panel titles of a row at one height", async () => {
    // The first with 700 losses an epoch: the curves' subtitle then has its longest line (bands of k batches), ~510 px.
    const batches = (i: number) => ({ data: Array.from({ length: 700 }, (_, b) => 0.5 + 0.1 * Math.sin(b + i)), penalty: Array(700).fill(0.01) });
    const seven = Array.from({ length: 7 }, (_, i) => {
      const r = runs[i % runs.length] as RunRecord;
      return { ...r, config: { ...r.config, name: `run-${i}` }, epochs: i ? r.epochs : r.epochs.map((e, k) => ({ ...e, batchLosses: batches(k) })) };
    });
    const file = join(dir, 'seven.html');
    await writeFile(file, await reportHtml(seven, { vegaScript: await vegaScript(), penalties: await penaltyCurves(seven) }));
    const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);
    /** The chart's and its card's left and right edges, and the window's width. */
    const edges = (id: string) =>
      page.$eval(`#${id}`, (el) => {
        const [chart, card] = [el.querySelector(':scope > :is(canvas, svg)'), el.closest('.card')].map((e) => (e as Element).getBoundingClientRect());
        return { chart: [chart!.left, chart!.right], card: [card!.left, card!.right], window: innerWidth };
      });
    /** The tops of the curves' panel titles (not their y axes' rotated titles of the same words), each once: one a row of panels. */
    const titleRows = () =>
      page.$$eval('#view-curves svg text', (texts) => {
        const titles = texts.filter(
          (t) => /^(train loss|test loss|penalty term|test accuracy)$/.test(t.textContent ?? '') && !/rotate/.test(t.getAttribute('transform') ?? ''),
        );
        return [titles.length, [...new Set(titles.map((t) => Math.round(t.getBoundingClientRect().top)))].length];
      });
    for (const width of [1400, 800, 500]) {
      await page.setViewportSize({ width, height: 900 });
      // The curves were 896 px wide at 800 px, past their 744-px card and the window; at 500 px their
      // subtitle was wider than their one column, past the card.
      for (const id of [...CANVAS, 'view-ridgeline', 'view-bands', 'view-curves']) {
        await page.locator(`#${id}`).scrollIntoViewIfNeeded();
        await page.waitForFunction((id) => (document.querySelector(`#${id} > :is(canvas, svg)`)?.getBoundingClientRect().width ?? 0) > 0, id);
        // Within its card, the card within the window (after the resize, once the chart is drawn again).
        await expect
          .poll(async () => {
            const e = await edges(id);
            return e.chart[0]! >= e.card[0]! && e.chart[1]! <= e.card[1]! && e.card[1]! <= e.window ? 'fits' : `${id} at ${width}: ${JSON.stringify(e)}`;
          })
          .toBe('fits');
        // The wide window takes more panels a row than a file's 720 px (rows of 3): about the card's width.
        const e = await edges(id);
        if (width === 1400) expect(e.chart[1]! - e.chart[0]!, id).toBeGreaterThan(WRAP_MAX_WIDTH);
      }
      // Four titles in one row of the 1 322-px card (2 by 2 before: a row of four needed 1 404 px), in two
      // rows at 800 px, each row's at one height (the right column's had stood lower), one a row at 500.
      expect(await titleRows(), `at ${width}`).toEqual([4, { 1400: 1, 800: 2, 500: 4 }[width]]);
    }
    await page.close();
  }, 60_000);
});
