/**
 * The playground as a user runs it: `penx playground` serving the built page (npm run build), the
 * page in headless Chromium (Debian's), one page load doing the checks in the order a user would:
 *
 *   ?penalty=l1:1e-4&epochs=1&train=512&backend=wasm&autostart=1 ─► the run finishes ("— done"),
 *   on wasm, its speed shown ─► run.json exported: a valid run record (the library's schema), its
 *   histograms counting every weight of the model ─► the overlay exported as PNG and SVG ─► kept;
 *   the same run started again ─► its record bit-identical but for the run's name and clock times,
 *   both runs overlaid ─► `penx plot` draws the export into a new run folder, `penx serve`'s index
 *   lists it ─► a broken penalty in the code box: its error shown, the page keeps working ─► a
 *   working one: in the record and the penalty-shapes view
 *
 * and all along: no request leaves the page's origin, no console errors.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_CSP, playgroundDir } from '../../mnist-demo/cli/actions/playground.ts';
import { initialWords, type RunRecord, RunsIndex, readRunRecord, serveStatic } from '../../src/node.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../chromium.ts';
import { spawnInGroup } from '../cli/process-group.ts';
import { penx, stopped } from '../cli/run-penx.ts';

if (!hasChromium && process.env.PENX_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and PENX_REQUIRE_CHROMIUM is set`);

const out = mkdtempSync(join(tmpdir(), 'penx-playground-'));
let server: ChildProcess | undefined;
let url = '';
let browser: Browser | undefined;

/** Starts `penx playground --port 0 --json` and resolves with the address it prints. */
function startPlayground(): Promise<string> {
  const child = spawnInGroup(process.execPath, ['mnist-demo/dist/cli.mjs', 'playground', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  let text = '';
  child.stdout?.on('data', (d) => (text += String(d)));
  child.stderr?.on('data', (d) => (text += String(d)));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', () => {
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`penx playground exited with ${code}: ${text}`)));
  });
}

beforeAll(async () => {
  url = await startPlayground();
  if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (server) await stopped(server);
  rmSync(out, { recursive: true, force: true });
});

/** The file a click downloads, saved under `out`. */
async function download(page: Page, click: () => Promise<unknown>, name: string): Promise<string> {
  const [d] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, unknown];
  const path = join(out, name);
  await d.saveAs(path);
  return path;
}

const readRecord = (path: string): RunRecord => readRunRecord(JSON.parse(readFileSync(path, 'utf8')));

/** The record without what differs between two runs of the same settings: its name and clock times. */
function timeless(r: RunRecord): unknown {
  return { ...r, config: { ...r.config, name: '', startedAt: '' }, epochs: r.epochs.map((e) => ({ ...e, seconds: 0 })) };
}

/** Waits until the status line says the current run is done (or stopped, or not started), and returns it. */
async function finished(page: Page): Promise<string> {
  await page.waitForFunction(() => /^(done|stopped|not started)/.test(document.getElementById('state')?.textContent ?? ''), null, { timeout: 240_000 });
  return page.locator('#state').innerText();
}

describe('penx playground', () => {
  it('has --help and serves the built page on loopback', async () => {
    const help = await penx('playground', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--port');
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("'wasm-unsafe-eval'");
    // Cross-origin isolated, so the page may share memory with wasm's threads.
    expect([page.headers.get('cross-origin-opener-policy'), page.headers.get('cross-origin-embedder-policy')]).toEqual(['same-origin', 'require-corp']);
  });

  it("bundles none of the library's record schemas, nor zod (neither the page nor its worker reads a record)", async () => {
    for (const script of ['page.js', 'worker.js']) {
      const text = await (await fetch(new URL(script, url))).text();
      expect(text.length, script).toBeGreaterThan(100_000);
      // zod's marks in any build of it (its classes' internals).
      expect(text.includes('_zod') || text.includes('$ZodType'), script).toBe(false);
    }
  });

  // One page load for both window widths: the page laid out at 400 px, then the same page resized to 1400 px.
  it.skipIf(!hasChromium)(
    'in a narrow window (400 px): the controls above the views and not over them scrolled down, each as wide as the window, the page not sideways; in a wide one (1400 px): every select shows its longest option whole, and the ,prox label reads as one phrase',
    async () => {
      const page = await (browser as Browser).newPage({ viewport: { width: 400, height: 900 } });
      await page.goto(url);
      const box = (selector: string) => page.locator(selector).first().boundingBox() as Promise<{ x: number; y: number; width: number; height: number }>;
      const [controls, main] = await Promise.all([box('#controls'), box('main')]);
      expect(controls.y + controls.height).toBeLessThanOrEqual(main.y);
      // Beside the 310 px controls, the views had what was left of the window and overflowed it.
      expect(main.width).toBeGreaterThanOrEqual(360);
      expect(main.x + main.width).toBeLessThanOrEqual(400);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
      // Scrolled down to the views (as tall as drawn ones), the controls (static here) are not over them: #controls' own
      // rule, after the narrow window's, had kept them sticky, over the views.
      await page.evaluate(() => {
        const main = document.querySelector('main') as HTMLElement;
        main.style.minHeight = '3000px';
        main.scrollIntoView();
      });
      const [bar, views] = await Promise.all([box('#controls'), box('main')]);
      expect(bar.y + bar.height).toBeLessThanOrEqual(views.y);

      await page.setViewportSize({ width: 1400, height: 900 });
      await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready');
      const selects = await page.evaluate(() =>
        [...document.querySelectorAll('select')].map((s) => {
          // The width it would take to show every option whole: a copy, unbounded, beside it (same font).
          const copy = s.cloneNode(true) as HTMLSelectElement;
          copy.removeAttribute('id');
          copy.style.cssText = 'position: absolute; max-width: none; width: auto';
          s.after(copy);
          const needs = copy.offsetWidth;
          copy.remove();
          const box = s.getBoundingClientRect();
          const fieldset = s.closest('fieldset')?.getBoundingClientRect();
          return { id: s.id, options: s.options.length, width: box.width, needs, inside: box.right <= (fieldset?.right ?? 0) };
        }),
      );
      expect(selects.map((s) => s.id)).toEqual(['model', 'penalty', 'constraint', 'optimizer', 'backend']);
      // The backend's first option, 'auto (WebGPU › WebGL › wasm)', was cut to 'auto (WebGPU › WebGL › w'.
      for (const s of selects) expect({ id: s.id, whole: s.width >= s.needs, inside: s.inside }).toEqual({ id: s.id, whole: true, inside: true });
      expect(selects.every((s) => s.options > 1)).toBe(true);
      // The label is a flex box: its text and <code> were items 8 px apart, 'proximal step ( ,prox )'.
      const gaps = await page.evaluate(() => {
        const code = document.querySelector('label.check code') as HTMLElement;
        const [before, after] = [document.createRange(), document.createRange()];
        before.selectNodeContents(code.previousSibling as Node);
        after.selectNodeContents(code.nextSibling as Node);
        const c = code.getBoundingClientRect();
        return [c.left - before.getBoundingClientRect().right, after.getBoundingClientRect().left - c.right];
      });
      for (const gap of gaps) expect(Math.abs(gap)).toBeLessThanOrEqual(1);
      await page.close();
    },
  );

  it.skipIf(!hasChromium)(
    'from file://, an autostarted link cannot start the worker: the page says why, the title ends with "— failed", no error thrown',
    async () => {
      const page = await browser!.newPage();
      const errors: string[] = [];
      const outside: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!/^(file|blob|data):/.test(r.url())) outside.push(r.url());
      });
      try {
        await page.goto(`${pathToFileURL(join(playgroundDir(), 'index.html')).href}?epochs=1&autostart=1`);
        await page.waitForFunction(() => document.getElementById('state')?.textContent === 'cannot start');
        expect(await page.locator('#error').innerText()).toContain('open the page over http, e.g. with npx penx playground');
        await page.waitForFunction(() => document.title.endsWith('— failed'), null, { timeout: 5_000 });
        expect(errors).toEqual([]);
        expect(outside).toEqual([]);
      } finally {
        await page.close();
      }
    },
    60_000,
  );

  it.skipIf(!hasChromium)('a link with parameters the controls cannot hold: each reported, nothing started', async () => {
    const page = await (browser as Browser).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const bad = 'model=foo&seed=abc&optimizer=momentum:lr=0.1,m=0.9&lr=0.5&penalty=l1:1e-4,5&epoch=1&backend=cpu&autostart=1';
    await page.goto(`${url}?${bad}`);
    await page.waitForFunction(() => document.title.endsWith('— done') || document.title.endsWith('— failed'));
    // Before, a CNN trained with seed 0 and plain sgd, its record silent about what the link asked for.
    expect(await page.locator('#state').innerText()).toBe('not started: refused');
    const error = await page.locator('#error').innerText();
    for (const said of [
      "model: 'foo' is not one of cnn, mlp",
      "seed: give a number, got 'abc'",
      // What would be right too (it said only 'not m=0.9').
      'not m=0.9; leave it out (momentum then takes its defaults), or train with penx train --optimizer momentum:lr=0.1,m=0.9',
      "'5' is not key=value",
      "unknown parameter 'epoch'",
      'give one learning rate',
    ])
      expect(error).toContain(said);
    expect(await page.locator('#backend-info').innerText()).toBe('');
    expect(await page.isEnabled('#start')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.skipIf(!hasChromium)(
    'a penalty link read as penx reads it: no strength with parameters and ,prox set the controls, and the page writes it back',
    async () => {
      const page = await (browser as Browser).newPage();
      await page.goto(`${url}?model=mlp&backend=cpu&penalty=deadzone,prox,a=0.3`);
      await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready');
      // Before, the text before a first ':' was the name: a penalty 'deadzone,prox,a=0.3' added to the list.
      const controls = await page.evaluate(() => {
        const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value;
        return [value('penalty'), value('strength'), value('params'), (document.getElementById('prox') as HTMLInputElement).checked];
      });
      expect(controls).toEqual(['deadzone', '', 'a=0.3', true]);
      expect(await page.locator('#penalty option[value="deadzone,prox,a=0.3"]').count()).toBe(0);
      // No strength and the proximal step: before, the page wrote 'l1:prox' ('prox' read as the strength).
      await page.selectOption('#penalty', 'l1');
      await page.fill('#strength', '');
      await page.fill('#params', '');
      await page.check('#prox');
      await page.dispatchEvent('#controls', 'change');
      expect(new URL(page.url()).searchParams.get('penalty')).toBe('l1,prox');
      await page.close();
    },
  );

  it.skipIf(!hasChromium)('an emptied number control, a bad learning rate: refused, nothing started, an autostarted link says failed', async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(`${url}?model=mlp&backend=cpu&train=64&test=10&epochs=1`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready');
    await page.fill('#seed', '');
    await page.click('#start');
    // Before, Number('') made it seed 0, and the run started.
    expect(await page.locator('#error').innerText()).toBe('seed: give a number');
    expect(await page.locator('#state').innerText()).toBe('not started: refused');
    // Refused from a link with autostart=1: the title says so (before, it stayed as it was, and a script waited for ever).
    await page.goto(`${url}?model=mlp&backend=cpu&lr=abc&autostart=1`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent !== 'loading…');
    expect([await page.locator('#state').innerText(), await page.title()]).toEqual(['not started: refused', 'penalty-explorer playground — failed']);
    await page.close();
  });

  it.skipIf(!hasChromium)("a link's code with autostart=1 waits for the user's Start, then trains", async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(`${url}?model=mlp&backend=cpu&train=64&test=10&epochs=1&every=0&penalty=mine:1e-4&code=tf.sum(tf.square(w))&autostart=1`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent !== 'loading…');
    // Before, the link's JavaScript ran at once, with no one having read it.
    await page.waitForTimeout(1000);
    expect(await page.locator('#state').innerText()).toMatch(/^ready: this link carries code for the penalty mine/);
    expect(await page.inputValue('#code')).toBe('tf.sum(tf.square(w))');
    await page.click('#start');
    expect(await finished(page)).toMatch(/^done/);
    expect(await page.locator('#backend-info').innerText()).toBe('backend: cpu');
    // Reset clears what was said of the run (before, its backend line stayed).
    await page.click('#reset');
    expect([await page.locator('#state').innerText(), await page.locator('#backend-info').innerText()]).toEqual(['ready', '']);
    await page.close();
  });

  it.skipIf(!hasChromium)(
    "the code box: an element-wise penalty's formula with the Σ it is; a NaN one refused as not finite, one ignoring w as such; an endless one said, a change during it said to be for the next run",
    async () => {
      const context = await (browser as Browser).newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(`${url}?model=mlp&backend=cpu&train=64&test=10&epochs=1&every=0&penalty=mine:1e-4`);
      await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready');
      // Before, TF.js's "Cannot compute gradient of y=f(x) with respect to x…".
      await page.fill('#code', 'tf.scalar(NaN)');
      await page.click('#start');
      expect(await finished(page)).toBe('not started: refused');
      expect(await page.locator('#code-error').innerText()).toMatch(/penalty mine returned NaN on a probe tensor of shape \[4,4\]; a penalty must be finite/);
      await page.fill('#code', 'tf.scalar(1)');
      await page.click('#start');
      expect(await finished(page)).toBe('not started: refused');
      expect(await page.locator('#code-error').innerText()).toMatch(
        /penalty mine has no gradient with respect to the weights w: its value does not depend on w .* e\.g\. tf\.sum\(abs\(w\)\)/,
      );
      // Ignoring w with a gradient (0 everywhere): before, it trained, and the penalty moved nothing.
      await page.fill('#code', 'tf.onesLike(w)');
      await page.click('#start');
      expect(await finished(page)).toBe('not started: refused');
      expect(await page.locator('#code-error').innerText()).toMatch(/^penalty mine does not depend on the weights w: .*e\.g\. tf\.sum\(abs\(w\)\)$/);
      // A group lasso per unit, not smoothed: it passes the probe tensors (an L1 on a rank-1 one) and is NaN where a unit's
      // kernel is 0; refused at the code box naming the kernel and its shape (before, it trained).
      await page.fill('#code', 'w.rank === 1 ? abs(w) : tf.sum(tf.sqrt(tf.sum(tf.square(w), 0)))');
      await page.click('#start');
      expect(await finished(page)).toBe('not started: refused');
      expect(await page.locator('#code-error').innerText()).toMatch(
        /^penalty mine:[\d.e-]+ on \S+\/kernel \(shape \[784,\d+\]\) has gradient NaN where all its weights are 0 /,
      );
      // Code that never returns: the page says where it is and that Reset stops it (before, 'starting…' for ever).
      await page.fill('#code', 'while (true) {}');
      await page.click('#start');
      await page.waitForFunction(() => document.getElementById('state')?.textContent?.startsWith('checking'), null, { timeout: 120_000 });
      expect(await page.locator('#state').innerText()).toBe(
        "checking your penalty's code on probe weights… (if this line stays, the code may never return, e.g. an endless loop: Reset stops it)",
      );
      // No batch to finish: Pause waits for training (before, it said 'pausing… (the batch under way finishes first)' for ever).
      expect([await page.isEnabled('#pause'), await page.isEnabled('#reset')]).toEqual([false, true]);
      // A control changed while a run is under way: the page says the change is for the next run (before, nothing said so).
      expect(await page.isVisible('#next-note')).toBe(false);
      await page.selectOption('#model', 'cnn');
      expect(await page.locator('#next-note').innerText()).toMatch(
        /^The run under way keeps the settings it started with: your changes apply to the next Start/,
      );
      await page.click('#reset');
      expect([await page.locator('#state').innerText(), await page.isVisible('#next-note'), await page.isEnabled('#start')]).toEqual(['ready', false, true]);
      await page.selectOption('#model', 'mlp');
      expect(await page.isVisible('#next-note')).toBe(false);
      // Before, λ·tf.square(w): the sum the library takes of it was not said.
      await page.fill('#code', 'tf.square(w)');
      await page.click('#start');
      expect(await finished(page)).toMatch(/^done/);
      const record = readRecord(await download(page, () => page.click('#export'), 'square.json'));
      expect(record.config.penaltyFormula).toBe('λ·Σ tf.square(w)');
      await context.close();
    },
    240_000,
  );

  it.skipIf(!hasChromium)("wasm's threads: the MLP keeps one; from a server that does not isolate the page, the CNN has one and says why", async () => {
    const context = await (browser as Browser).newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await page.goto(`${url}?model=mlp&backend=wasm&train=64&test=10&epochs=1&every=0&autostart=1`);
    expect(await finished(page)).toMatch(/^done/);
    // Its small products train faster on one thread than across the pool.
    expect(await page.locator('#backend-info').innerText()).toBe('backend: wasm');
    const mlp = readRecord(await download(page, () => page.click('#export'), 'mlp-threads.json'));
    expect([mlp.config.threads, mlp.config.parallel]).toEqual([1, undefined]);
    await context.close();
    // The same files from a server without the isolation headers: no shared memory, one thread, said.
    const plain = await serveStatic({ dir: playgroundDir(), port: 0, csp: PLAYGROUND_CSP });
    const other = await (browser as Browser).newPage();
    try {
      await other.goto(`${plain.url}?model=cnn&backend=wasm&train=64&test=10&epochs=1&every=0&autostart=1`);
      expect(await finished(other)).toMatch(/^done/);
      expect(await other.evaluate(() => self.crossOriginIsolated)).toBe(false);
      const line = await other.locator('#backend-info').innerText();
      expect(line).toBe(
        cores > 1
          ? 'backend: wasm, one thread: the page is not cross-origin isolated (its server sends no Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp; npx penx playground does)'
          : 'backend: wasm',
      );
    } finally {
      await other.close();
      await plain.close();
    }
  });

  it.skipIf(!hasChromium)(
    "SwiftShader's WebGPU, whose dataSync reads wrong numbers: auto passes it over saying why and trains on the next; asked for, it is refused",
    async () => {
      // TF.js 4.22's dataSync there (a read through a canvas) returns zeros; the library reads losses and penalties so.
      const gpu = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'] });
      try {
        const page = await gpu.newPage();
        const settings = 'model=mlp&train=64&test=10&epochs=1&every=0&autostart=1';
        await page.goto(`${url}?${settings}&backend=auto`);
        // Before, auto trained on webgpu, its record's losses and accuracies wrong.
        expect(await finished(page)).toMatch(/^done/);
        const line = await page.locator('#backend-info').innerText();
        // WebGL either does not start in the worker or starts on SwiftShader, a software renderer, and is
        // passed over as one: which, Chromium decides run to run (seen both ways in CI).
        expect(line).toMatch(
          /^backend: wasm \(passed over: webgpu: its synchronous read-back returned wrong values \(0 for 7, 0 for 10, 0 for 15 and 6 more of 9\); webgl( on a software renderer)?\)$/,
        );
        await page.goto(`${url}?${settings}&backend=webgpu`);
        expect(await finished(page)).toBe('not started: refused');
        expect(await page.locator('#error').innerText()).toMatch(
          /^backend webgpu cannot train here: its synchronous read-back returned wrong values \(0 for 7, .*\), and the library reads its losses, penalties and evaluation that way, so the run would record wrong numbers; try backend auto$/,
        );
        expect(await page.locator('#backend-info').innerText()).toBe('');
      } finally {
        await gpu.close();
      }
    },
    240_000,
  );

  it.skipIf(!hasChromium)('a run that diverges: its exported record says where it stopped and why', async () => {
    const context = await (browser as Browser).newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${url}?model=mlp&backend=cpu&train=64&test=10&epochs=3&optimizer=sgd&lr=1e30&every=0&autostart=1`);
    expect(await finished(page)).toBe('stopped: failed after 1 epoch');
    const record = readRecord(await download(page, () => page.click('#export'), 'diverged.json'));
    // Before, the export was the last epoch's record: 1 of 3 epochs, nothing saying the run had stopped.
    expect(record.epochs).toHaveLength(1);
    expect(record.stopped).toEqual({ epoch: 2, batch: 1, reason: await page.locator('#error').innerText() });
    await context.close();
  });

  it.skipIf(!hasChromium)(
    "a link's penalty without a strength: the penalty's own default, as penx takes it; its optimizer=momentum&lr=0.1: m at its default",
    async () => {
      const context = await (browser as Browser).newContext({ acceptDownloads: true });
      const page = await context.newPage();
      // The optimiser as controls.ts's comment says a link gives it: its learning rate, m at its default.
      await page.goto(`${url}?model=mlp&backend=cpu&train=64&test=10&epochs=1&every=0&penalty=l1l2&optimizer=momentum&lr=0.1&autostart=1`);
      expect(await finished(page)).toMatch(/^done/);
      const record = readRecord(await download(page, () => page.click('#export'), 'l1l2.json'));
      // Before, the strength box's 1e-4 stood in for l1l2's default strength 1.
      expect(record.config.weights?.find((w) => w.kind === 'kernel')?.penalty?.strength).toBe(1);
      expect(record.config.optimizer).toBe('momentum:lr=0.1,m=0.9');
      await context.close();
    },
  );

  it.skipIf(!hasChromium)(
    'trains in the browser from a link, exports a valid record that repeats from its seed, keeps runs, and checks a typed penalty',
    async () => {
      const context = await (browser as Browser).newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
      const errors: string[] = [];
      const outside: string[] = [];
      const origin = new URL(url).origin;
      context.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:')) outside.push(u);
      });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));

      // A link that starts a run: it finishes on wasm, its speed shown.
      await page.goto(`${url}?penalty=l1:1e-4&epochs=1&train=512&test=200&backend=wasm&every=4&autostart=1`);
      await page.waitForFunction(() => document.title.endsWith('— done') || document.title.endsWith('— failed'), null, { timeout: 240_000 });
      expect(await page.title()).toBe('penalty-explorer playground — done');
      // On every core: `penx playground` isolates the page, so TF.js's threaded wasm build starts.
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
      expect(await page.locator('#backend-info').innerText()).toBe(`backend: wasm${cores > 1 ? `, ${cores} threads` : ''}`);
      expect(await page.locator('#speed').innerText()).toMatch(/^[\d,]+ images\/s$/);
      expect(await page.locator('#progress').innerText()).toBe('epoch 1, batch 8/8');
      // The weights drawn while the epoch ran (every 4 batches: after batch 4 of 8).
      expect(await page.evaluate(() => Number(document.body.dataset.liveDraws))).toBe(1);

      // run.json: a valid record of this run; every weight of the model counted in every histogram.
      const first = readRecord(await download(page, () => page.click('#export'), 'first.json'));
      expect([first.config.penalty, first.config.backend, first.config.trainSize, first.config.testSize, first.config.seed]).toEqual([
        'l1:1e-4',
        'wasm',
        512,
        200,
        42,
      ]);
      expect([first.config.threads, first.config.parallel]).toEqual(cores > 1 ? [cores, 'threads'] : [1, undefined]);
      expect(first.epochs).toHaveLength(1);
      expect(first.config.model?.weights).toBeGreaterThan(400_000);
      // Built here from the seed: epoch 0 is untrained (it was called "before training", as a module's model that may come trained).
      expect([first.config.model?.name, initialWords(first.config)]).toEqual(['reference_cnn', 'untrained']);
      for (const s of [first.initial, ...first.epochs]) expect(s.histogram.count).toBe(first.config.model?.weights);
      expect(first.epochs[0]?.testAcc).toBeGreaterThan(0.1);

      // Figures: the overlay as PNG and SVG.
      const overlay = page.locator('.card[data-view="overlay"]');
      const png = readFileSync(await download(page, () => overlay.getByRole('button', { name: 'PNG' }).click(), 'overlay.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const svg = readFileSync(await download(page, () => overlay.getByRole('button', { name: 'SVG' }).click(), 'overlay.svg'), 'utf8');
      expect(svg).toContain('<svg');
      expect(svg).toContain('l1:1e-4');

      // Kept, then the same run again: bit-identical but for its name and clock times; both overlaid.
      await page.click('#keep');
      expect(await page.locator('#kept-list li').count()).toBe(1);
      await page.click('#start');
      // Paused: no batch runs until it resumes (and the record is the same all the same).
      await page.waitForFunction(() => /^epoch 1, batch [1-5]\//.test(document.getElementById('progress')?.textContent ?? ''));
      await page.click('#pause');
      // The batch running when the pause arrived finishes, and the worker says so; then nothing moves.
      expect(await page.locator('#state').innerText()).toMatch(/^pausing… \(the batch under way finishes first\)$|^paused$/);
      await page.waitForFunction(() => document.getElementById('state')?.textContent === 'paused');
      const at = await page.locator('#progress').innerText();
      await page.waitForTimeout(1500);
      expect(await page.locator('#progress').innerText()).toBe(at);
      await page.click('#pause');
      expect(await finished(page)).toMatch(/^done/);
      const again = readRecord(await download(page, () => page.click('#export'), 'run.json'));
      expect(again.config.name).not.toBe(first.config.name);
      expect(timeless(again)).toEqual(timeless(first));
      await page.waitForFunction(() => (document.querySelector('.card[data-view="overlay"] svg')?.textContent ?? '').includes('run 2'));
      expect(await overlay.locator('svg').textContent()).toContain('run 1');

      // penx plot draws the export into a new run folder; penx serve's index lists it.
      const plotted = await penx('plot', join(out, 'run.json'), '--out', join(out, 'runs', 'from-playground'));
      expect(plotted.code, plotted.stderr).toBe(0);
      expect(existsSync(join(out, 'runs', 'from-playground', 'run.json'))).toBe(true);
      expect(readFileSync(join(out, 'runs', 'from-playground', 'report.html'), 'utf8')).toContain('Epoch 0 is the untrained model.');
      expect(new RunsIndex(join(out, 'runs')).list().map((r) => [r.id, r.epochs])).toEqual([['from-playground', 1]]);
      // …into a new folder only: the same --out again is refused, and --out goes with a record file only.
      const twice = await penx('plot', join(out, 'run.json'), '--out', join(out, 'runs', 'from-playground'));
      expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('from-playground')]);
      expect((await penx('plot', join(out, 'runs', 'from-playground'), '--out', join(out, 'elsewhere'))).code).toBe(2);

      // A broken penalty in the code box: its error in the page, which keeps working.
      await page.selectOption('#model', 'mlp');
      await page.fill('#train', '256');
      await page.selectOption('#penalty', 'mine');
      await page.fill('#code', 'tf.log(abs(w))');
      await page.click('#start');
      expect(await finished(page)).toBe('not started: refused');
      expect(await page.locator('#code-error').isVisible()).toBe(true);
      expect(await page.locator('#code-error').innerText()).toMatch(/penalty mine returned -Infinity .*must be finite/);
      expect(await page.locator('#kept-list li').count()).toBe(1);
      expect(await page.isEnabled('#start')).toBe(true);

      // A working one: in the record (spec, formula, curve) and in the penalty-shapes view.
      await page.fill('#code', 'tf.sqrt(tf.add(tf.square(w), 1e-4))');
      await page.click('#start');
      expect(await finished(page)).toMatch(/^done/);
      expect(await page.locator('#code-error').isVisible()).toBe(false);
      const mine = readRecord(await download(page, () => page.click('#export'), 'mine.json'));
      expect(mine.config.penalty).toBe('mine:1e-4');
      expect(mine.config.penaltyFormula).toBe('λ·Σ tf.sqrt(tf.add(tf.square(w), 1e-4))');
      expect(mine.config.penaltyCurves?.map((c) => c.spec)).toEqual(['mine:1e-4']);
      expect(await page.locator('.card[data-view="penalty"] svg').textContent()).toContain('mine:1e-4');
      expect(new URL(page.url()).searchParams.get('code')).toBe('tf.sqrt(tf.add(tf.square(w), 1e-4))');

      // From file://, Chromium refuses the worker: the test of it above.

      // The same page in a 420-px window: each figure drawn at its card's width, its text at its size. Before, each
      // SVG was drawn at its file's width and scaled down to the card (the penalty shapes' 744 px at 378: text at half size).
      await page.screenshot({ path: join(out, 'playground.png') });
      await page.setViewportSize({ width: 420, height: 1000 });
      const scaled = () =>
        page.$$eval('.card[data-view]', (cards) =>
          cards.flatMap((c) => {
            const svg = c.querySelector('svg');
            const drawn = svg?.getBoundingClientRect().width ?? 0;
            const width = Number(svg?.getAttribute('width'));
            const room = (c.lastElementChild as HTMLElement).clientWidth;
            return Math.abs(drawn - width) > 0.5 || width > room ? [`${(c as HTMLElement).dataset.view} ${width} drawn at ${drawn} in ${room}`] : [];
          }),
        );
      await page.waitForFunction(() => document.querySelectorAll('.card[data-view] svg').length === 6);
      await expect.poll(scaled, { timeout: 20_000 }).toEqual([]);
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
      await context.close();
    },
    600_000,
  );
});
