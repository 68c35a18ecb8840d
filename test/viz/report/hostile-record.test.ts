/**
 * A report drawn from a record someone else wrote, opened from a file in Chromium: every string of
 * the record (run name, penalty formula, layer and weight names, a monitor's title) shows as text
 * and never runs, and a user monitor's view spec (data in the record) cannot make the offline page
 * load anything — its data URL and image marks point at a server here that counts every request.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue, RunRecord } from '../../../src/formats/run.ts';
import { vegaScript } from '../../../src/render/report-file.ts';
import { reportHtml } from '../../../src/viz/report/index.ts';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, hasChromium } from '../../chromium.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';

/** Strings that set `window.hit` when they run as markup or script. */
const PAYLOADS = [
  '<script>window.hit=1</script>',
  '"><img src=x onerror="window.hit=2">',
  "</script><script>window.hit=3</script>a'b\\c",
  "x'+(window.hit=4)+'.y[0]",
];

/** A monitor's name (fit allows letters, digits, `_` and `-`; a record written by hand may hold anything). */
const SPY = 'spy"><img src=x onerror="window.hit=5">';

let browser: Browser | undefined;
let dir = '';
/** The server elsewhere: it answers anything, and counts each request. */
const hits: string[] = [];
const server: Server = createServer((req, res) => {
  hits.push(req.url ?? '');
  res.setHeader('access-control-allow-origin', '*');
  res.end('[{"a":1}]');
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'penx-hostile-report-'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A record whose strings are PAYLOADS, with a monitor whose view spec loads data and images from `elsewhere`. */
function hostileRun(elsewhere: string): RunRecord {
  const run = makeRunRecord({ epochs: 2, penalty: 'l1:1e-4', layers: PAYLOADS });
  const spec: Record<string, JsonValue> = {
    layer: [
      { mark: 'line', encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } } },
      { data: { url: `${elsewhere}data.json` }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } },
      { mark: { type: 'image', url: `${elsewhere}image.png`, width: 9, height: 9 }, encoding: { x: { field: 'epoch', type: 'quantitative' } } },
    ],
  };
  const monitored = <S extends RunRecord['initial']>(s: S): S => ({ ...s, monitors: { [SPY]: s.epoch } });
  return {
    ...run,
    config: {
      ...run.config,
      name: PAYLOADS[1] as string,
      penaltyFormula: PAYLOADS[2] as string,
      monitors: [{ name: SPY, view: { title: PAYLOADS[0] as string, spec } }],
    },
    initial: monitored(run.initial),
    epochs: run.epochs.map(monitored),
  };
}

describe.skipIf(!hasChromium)('a report of a hostile record, in Chromium', () => {
  it('shows every string as text, runs none, and loads nothing from elsewhere', async () => {
    const elsewhere = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const file = join(dir, 'report.html');
    await writeFile(file, await reportHtml([hostileRun(elsewhere)], { vegaScript: await vegaScript() }));
    const page = await (browser as Browser).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1);
    // Every view drawn (the monitor's among them), so every load its spec asks for was tried.
    await page.waitForFunction(() => document.querySelectorAll('#views svg').length > 0 && !document.querySelector('#views .chart:empty'));
    const shown = await page.evaluate(() => ({ hit: (window as { hit?: number }).hit, text: document.body.innerText }));
    // The monitor's card has its name in its id, whole (not markup), and its chart drawn there.
    const charts = await page.evaluate((id) => document.getElementById(id)?.querySelectorAll('svg').length, `view-monitor-${SPY}`);
    const images = await page.evaluate(() => document.querySelectorAll('img').length);
    await page.close();
    expect(errors).toEqual([]);
    expect(shown.hit).toBeUndefined();
    for (const p of PAYLOADS) expect(shown.text).toContain(p);
    expect(hits).toEqual([]);
    expect(charts).toBe(1);
    expect(images).toBe(0);
  });
});
