/**
 * `penx serve` as a user runs it, over runs that `penx compare` and `penx train` really wrote:
 * loopback only by default, nothing outside its folder (path traversal refused over raw HTTP),
 * and the page in headless Chromium (Debian's): no console errors, no request leaving the server,
 * runs overlaid, downloads, and a new epoch written by a running `penx train` shown without reload.
 * `penx train --serve` starts the same dashboard next to training and keeps it until Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, HEATMAP_TOOLTIP, hasChromium, heatmapCell } from '../chromium.ts';
import { spawnInGroup } from '../cli/process-group.ts';
import { DRAWN, penx, stopped, TINY } from '../cli/run-penx.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);
// With the prune curve after the last epoch: the dashboard draws it.
const SMALL = [...TINY, '--prune-epochs', 'last'];
const DRAWN_SMALL = [...DRAWN, '--prune-epochs', 'last'];

const out = mkdtempSync(join(tmpdir(), 'penx-serve-'));
const children: ChildProcess[] = [];
let url = '';
let browser: Browser | undefined;

/** A `penx ARGS…` in the background: its dashboard's address, what it printed so far, and `printed(pattern)`. */
interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves once the output (stdout and stderr) matches `pattern`; rejects if the process exits first. */
  printed: (pattern: RegExp) => Promise<RegExpExecArray>;
}

/** Starts `penx ARGS…` and resolves once it prints its dashboard's address (a signal: its output, not a poll). */
async function startPenx(args: string[]): Promise<Started> {
  const child = spawnInGroup(process.execPath, ['mnist-demo/dist/cli.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout?.on('data', (d) => (text += String(d)));
  child.stderr?.on('data', (d) => (text += String(d)));
  const printed = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(text);
        if (m) done(() => resolve(m));
      };
      const exited = (code: number | null) => done(() => reject(new Error(`penx ${args.join(' ')} exited with ${code} before printing ${pattern}: ${text}`)));
      const done = (settle: () => void) => {
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
        child.off('exit', exited);
        settle();
      };
      // After the listeners above: `text` holds each chunk before it is checked.
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      child.on('exit', exited);
      check();
    });
  const url = (await printed(/dashboard: (http:\/\/\S+)/))[1] as string;
  return { child, url, output: () => text, printed };
}

/** A raw GET (the path sent as is, no URL folding), with an optional Host header. */
function rawGet(path: string, host?: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const c = await penx('compare', '--penalties', 'none,l1:1e-4', '--epochs', '1', ...SMALL, '--out', out, '--name', 'cmp');
  expect(c.code, c.stderr).toBe(0);
  // Drawn: its files are served below.
  const t = await penx('train', '--penalty', 'l2:1e-4', '--epochs', '1', ...DRAWN_SMALL, '--out', out, '--name', 'live');
  expect(t.code, t.stderr).toBe(0);
  symlinkSync('/etc', join(out, 'outside'));
  url = (await startPenx(['serve', out, '--port', '0'])).url;
  if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  // Ended before their folder goes: a penx train still running would write into it after.
  await Promise.all(children.map((c) => stopped(c)));
  rmSync(out, { recursive: true, force: true });
});

describe('penx serve over HTTP', () => {
  it("listens on loopback and lists the runs, a comparison's in its order", async () => {
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const { status, body } = await rawGet('/api/runs');
    expect(status).toBe(200);
    const runs = (JSON.parse(body) as { runs: Array<{ id: string; comparison: string; epochs: number }> }).runs;
    expect(runs.map((r) => [r.id, r.comparison, r.epochs])).toEqual([
      ['cmp/none', 'cmp', 1],
      ['cmp/l1_1e-4', 'cmp', 1],
      ['live', '', 1],
    ]);
  });

  it('--json prints its address as one JSON object on stdout, nothing else there', async () => {
    // Given relative to the working folder: printed as an absolute path, as penx playground prints its own.
    const child = spawnInGroup(process.execPath, ['mnist-demo/dist/cli.mjs', 'serve', relative(process.cwd(), out), '--port', '0', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    // Its first line, or its exit (then the parse below fails with what it printed).
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (d) => {
        stdout += String(d);
        if (stdout.includes('\n')) resolve();
      });
      child.once('exit', () => resolve());
    });
    const printed = JSON.parse(stdout) as { url: string; dir: string };
    expect(printed.dir).toBe(out);
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(printed.url)).status).toBe(200);
    await stopped(child, 'SIGINT');
  });

  it('serves files under its folder and refuses every way out of it', async () => {
    expect((await rawGet('/files/cmp/compare.json')).status).toBe(200);
    expect((await rawGet('/files/live/curves.png')).status).toBe(200);
    for (const path of [
      '/files/../../../../etc/passwd',
      '/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/files/cmp%2f..%2f..%2f..%2fetc%2fpasswd',
      '/files/outside/passwd',
      '/files/cmp/..%5c..%5cetc',
    ]) {
      const r = await rawGet(path);
      expect(r.status, path).toBe(403);
      expect(r.body, path).not.toContain('root:');
    }
    expect((await rawGet('/files/cmp/nothing.png')).status).toBe(404);
  });

  it('answers only to its own address (no DNS rebinding) and refuses bad view queries', async () => {
    expect((await rawGet('/api/runs', 'evil.example:80')).status).toBe(403);
    expect((await rawGet('/api/view/overlay?runs=cmp/none&bins=0')).status).toBe(400);
    // Past the fine histograms' [−2, 2] the weights are counted, not placed: refused, not drawn as none.
    const wide = await rawGet('/api/view/overlay?runs=cmp/none&range=-3,3');
    expect([wide.status, JSON.parse(wide.body).error]).toEqual([
      400,
      'range must be within -2,2, the range of the recorded fine histograms (weights beyond it are counted, not placed); got -3,3',
    ]);
    const unknown = await rawGet('/api/view/overlay?runs=../../etc');
    expect([unknown.status, JSON.parse(unknown.body).error]).toEqual([400, 'no run "../../etc" under the served folder']);
    expect((await rawGet('/api/view/nope?runs=cmp/none')).status).toBe(400);
    const csv = await rawGet('/api/csv/overlay?runs=cmp/none,live&epoch=1&bins=20&range=-0.5,0.5');
    expect(csv.status).toBe(200);
    expect(csv.body.split('\n')[0]).toBe('kind,run,x,density,w,value');
    expect(csv.body.split('\n').filter((l) => l.startsWith('bin,')).length).toBe(2 * 21);
  });
});

describe('the dashboard in Chromium, and penx train --serve', () => {
  it.runIf(hasChromium)(
    "in a narrow window (420 px) puts the run list above the views, each as wide as the window, a run's figures within, a card scrolled to below the controls",
    async () => {
      const page = await (browser as Browser).newPage({ viewport: { width: 420, height: 900 } });
      await page.goto(`${url}?runs=cmp/none`);
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, undefined, { timeout: 30_000 });
      const box = (selector: string) => page.locator(selector).first().boundingBox() as Promise<{ x: number; y: number; width: number; height: number }>;
      const [runs, main, card] = await Promise.all([box('#runs'), box('main'), box('#views .card')]);
      expect(runs.y + runs.height).toBeLessThanOrEqual(main.y);
      // Beside a 280 px run list the views had 80 px of the window's 420.
      expect(main.width).toBeGreaterThanOrEqual(380);
      // The overlay's card within it (the figure narrowed to it: its card no longer takes the whole width).
      expect(card.x + card.width).toBeLessThanOrEqual(main.x + main.width);
      // A figure wider than that scrolls in its card; the page itself does not.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
      // The one run's heatmaps, ridgeline and bands within their cards: their subtitle broken to the card's width (one
      // line of ~700 px had made each scroll, its end out of sight).
      const scrolling = await page.$$eval('#view-heatmap, #view-heatmap-log, #view-ridgeline, #view-bands', (cards) =>
        cards.map((card) => `${card.id} ${card.scrollWidth > card.clientWidth ? `scrolls ${card.scrollWidth} in ${card.clientWidth}` : 'fits'}`),
      );
      expect(scrolling).toEqual(['view-heatmap fits', 'view-heatmap-log fits', 'view-ridgeline fits', 'view-bands fits']);
      // A card scrolled to (scrollIntoView; anchor links and focus alike) stops below the sticky controls: it stopped at the
      // window's top, under them.
      const clear = await page.evaluate(() => {
        const card = document.querySelectorAll<HTMLElement>('#views .card')[2] as HTMLElement;
        card.scrollIntoView();
        const [top, bar] = [card.getBoundingClientRect().top, (document.getElementById('controls') as HTMLElement).getBoundingClientRect().bottom];
        return top >= bar ? 'clear' : `${card.id}: top ${top} under the controls' bottom ${bar}`;
      });
      expect(clear).toBe('clear');
      await page.close();
    },
  );

  it.runIf(hasChromium)(
    'fits the training curves to their card at 1400 px and, the window narrowed, at 800 and 500 px (they scrolled in it), and every card at 500 px',
    async () => {
      const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${url}?runs=cmp/none,cmp/l1_1e-4`);
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, undefined, { timeout: 30_000 });
      // At 500 px one column, within the card too (these runs record no per-batch losses: their subtitle is short;
      // the report views test draws the longest one).
      for (const width of [1400, 800, 500]) {
        await page.setViewportSize({ width, height: 900 });
        await page.locator('#view-curves').scrollIntoViewIfNeeded();
        // Within its card, nothing to scroll (after the resize, once the chart is drawn again).
        await expect
          .poll(() =>
            page.$eval('#view-curves', (card) => {
              const chart = card.querySelector('.chart > svg')?.getBoundingClientRect();
              const box = card.getBoundingClientRect();
              const fits = chart && chart.width > 0 && chart.right <= box.right && card.scrollWidth <= card.clientWidth;
              return fits
                ? 'fits'
                : `at ${innerWidth}: chart ${chart?.left}–${chart?.right}, card ${box.left}–${box.right}, scrolls ${card.scrollWidth} in ${card.clientWidth}`;
            }),
          )
          .toBe('fits');
      }
      // At 500 px (cards of 474 px) no card scrolls sideways: the overlay, log10|w|, penalty shapes, sparsity, prune curve and
      // the sweep's figures narrow to it too (their fixed widths, 600–770 px, had made each scroll).
      await expect
        .poll(() =>
          page.$$eval('#views .card', (cards) =>
            cards.filter((card) => card.scrollWidth > card.clientWidth).map((card) => `${card.id} scrolls ${card.scrollWidth} in ${card.clientWidth}`),
          ),
        )
        .toEqual([]);
      await page.close();
    },
  );

  it.runIf(hasChromium)('downloads a card pressed while its redraw waits as the choice the controls show', async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}?runs=cmp/none,cmp/l1_1e-4`);
    await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, undefined, { timeout: 30_000 });
    const overlaid = () => page.locator('#view-overlay svg').first().textContent();
    expect(await overlaid()).toContain('Runs overlaid at epoch 1');
    // In one task: the slider moved to epoch 0 (its redraw waits 120 ms), then the overlay's SVG pressed.
    const [download, shown] = await Promise.all([
      page.waitForEvent('download'),
      page.evaluate(() => {
        const slider = document.getElementById('epoch') as HTMLInputElement;
        slider.value = '0';
        slider.dispatchEvent(new Event('input'));
        document.querySelector<HTMLElement>('#view-overlay button[data-download="svg"]')?.click();
        return document.querySelector('#view-overlay svg')?.textContent ?? '';
      }),
    ]);
    // Pressed while the card still showed epoch 1; saved as epoch 0, as the slider says.
    expect(shown).toContain('Runs overlaid at epoch 1');
    const svg = readFileSync((await download.path()) as string).toString();
    expect(svg).toContain('Runs overlaid at epoch 0');
    expect(await overlaid()).toContain('Runs overlaid at epoch 0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it.runIf(hasChromium)(
    "names in its status line the slider's epoch: drawing while its redraw waits or is under way, live once the cards show it",
    async () => {
      const page = await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${url}?runs=cmp/none,cmp/l1_1e-4`);
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, undefined, { timeout: 30_000 });
      // The status line and the slider, each time either changes (after the page's own handlers).
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { seen: string[] }).seen = seen;
        const slider = document.getElementById('epoch') as HTMLInputElement;
        const status = document.getElementById('status') as HTMLElement;
        const note = () => seen.push(`slider ${slider.value} | ${status.textContent}`);
        slider.addEventListener('input', note);
        new MutationObserver(note).observe(status, { childList: true, characterData: true, subtree: true });
      });
      // To epoch 0, then back to 1 while that redraw waits, then to 0 again; each drawn.
      for (const epoch of ['0', '1', '0']) {
        const drawn = Number(await page.evaluate(() => document.body.dataset.drawn));
        await page.evaluate((e) => {
          const slider = document.getElementById('epoch') as HTMLInputElement;
          slider.value = e;
          slider.dispatchEvent(new Event('input'));
        }, epoch);
        if (epoch !== '1') await page.waitForFunction((n) => Number(document.body.dataset.drawn) > n, drawn, { timeout: 30_000 });
      }
      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      // Every line names the slider's epoch (it said `epoch 1 · live` while the slider showed 0, until the redraw was done).
      expect(seen.filter((line) => !/^slider (\d+) \| 2 runs · epoch \1 · (drawing…|live)$/.test(line))).toEqual([]);
      expect(seen[0]).toBe('slider 0 | 2 runs · epoch 0 · drawing…');
      expect(seen.at(-1)).toBe('slider 0 | 2 runs · epoch 0 · live');
      expect(await page.locator('#view-overlay svg').first().textContent()).toContain('Runs overlaid at epoch 0');
      await page.close();
    },
  );

  it('loads without errors or outside requests, overlays runs, downloads; a new epoch of a running penx train --serve shows without reload', async () => {
    const page = hasChromium ? await (browser as Browser).newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true }) : undefined;
    const errors: string[] = [];
    const outside: string[] = [];
    if (page) {
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith(url) && !/^(blob|data):/.test(r.url())) outside.push(r.url());
      });
      await page.goto(`${url}?runs=cmp/none,cmp/l1_1e-4`);
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, undefined, { timeout: 30_000 });
      const legend = () => page.locator('#view-overlay svg').first().textContent();
      expect(await legend()).toContain('l1:1e-4');
      expect(await legend()).not.toContain('l2:1e-4');
      expect(await page.locator('#views .card').count()).toBeGreaterThanOrEqual(8);
      // The prune curve penx compare measured after the last epoch, one line per run.
      const prune = await page.locator('#view-prune-curve svg').first().textContent();
      expect(prune).toContain('Prune curve');
      expect(prune).toContain('after epoch 1');
      expect(prune).toContain('l1:1e-4');
      // The heatmaps on canvas, as in the report (their figure chooses), a cell's numbers in its tooltip.
      for (const id of ['heatmap', 'heatmap-log']) expect(await page.locator(`#view-${id} .chart > canvas`).count(), id).toBe(1);
      await page.locator('#view-heatmap').scrollIntoViewIfNeeded();
      const cell = await heatmapCell(page, '#view-heatmap .chart');
      expect(cell).not.toBeNull();
      await page.mouse.move(cell!.x, cell!.y);
      await expect.poll(() => page.getAttribute('#view-heatmap .chart', 'title')).toMatch(HEATMAP_TOOLTIP);

      // Overlay a run from another folder.
      const drawn = Number(await page.evaluate(() => document.body.dataset.drawn));
      await page.locator('input[type=checkbox][value="live"]').check();
      await page.waitForFunction((n) => Number(document.body.dataset.drawn) > n, drawn);
      expect(await legend()).toContain('l2:1e-4');

      // Downloads: the chart as PNG and SVG, its numbers as CSV.
      const save = async (which: string) => {
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#view-overlay button[data-download="${which}"]`).click()]);
        return readFileSync((await download.path()) as string);
      };
      expect((await save('png')).subarray(1, 4).toString()).toBe('PNG');
      expect((await save('svg')).toString()).toContain('<svg');
      expect((await save('csv')).toString().split('\n')[0]).toBe('kind,run,x,density,w,value');
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    }

    // penx train --serve continues `live` to epoch 2, with a dashboard of its own over the same folder.
    const training = await startPenx(['train', '--penalty', 'l2:1e-4', '--epochs', '2', ...SMALL, '--out', out, '--name', 'live', '--resume', '--serve', '0']);
    expect(new URL(training.url).hostname).toBe('127.0.0.1');
    await training.printed(/training finished/);
    const listed = await fetch(new URL('/api/runs', training.url)).then((r) => r.json() as Promise<{ runs: Array<{ id: string; epochs: number }> }>);
    expect(listed.runs.map((r) => [r.id, r.epochs])).toEqual([
      ['cmp/none', 1],
      ['cmp/l1_1e-4', 1],
      ['live', 2],
    ]);

    if (page) {
      // The first page, never reloaded, shows epoch 2.
      await page.waitForFunction(() => document.querySelector('.epochs[data-run="live"]')?.textContent === '2/2', undefined, { timeout: 20_000 });
      await page.waitForFunction(
        () => document.getElementById('epoch')?.getAttribute('max') === '2' && document.getElementById('epoch-value')?.textContent === '2',
      );
      await page.waitForFunction(() => /Runs overlaid at epoch 2/.test(document.querySelector('#view-overlay svg')?.textContent ?? ''));
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
      // The same page on the dashboard of penx train --serve: live, until that server stops.
      await page.goto(training.url);
      await page.waitForFunction(() => / · live$/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    }

    // Ctrl-C ends the dashboard that outlived the training: a normal end.
    const exited = new Promise<number | null>((resolve) => training.child.on('exit', resolve));
    training.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(training.output()).toContain('done: 2 epochs');
    if (page) {
      // Its page no longer says `live`: that nothing will update is said.
      await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('not live: the server does not answer'));
      expect(await page.getAttribute('#status', 'class')).toBe('error');
      await page.close();
    }
  }, 150_000);
});
