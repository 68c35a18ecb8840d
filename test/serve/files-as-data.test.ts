/**
 * The dashboard serves the files under its folder as data: a run folder someone handed over may
 * hold an HTML page and a script next to its run.json, and opening that page through the
 * dashboard (any web site can link to it) must not run the script in the dashboard's origin,
 * where it could read every file and run served. Checked in Chromium: the script would set a flag
 * (and read a file of the user's).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { CHROMIUM_ARGS as ARGS, CHROMIUM, hasChromium } from '../chromium.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-files-'));
let dashboard: Dashboard | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(join(root, 'run'));
  writeFileSync(join(root, 'run', 'secret.txt'), 'a file of the user');
  writeFileSync(join(root, 'run', 'page.html'), '<!doctype html><title>page</title><script src="evil.js"></script><p>shown</p>');
  writeFileSync(join(root, 'run', 'evil.js'), 'window.ran = true; fetch("/files/run/secret.txt").then((r) => r.text()).then((t) => { window.read = t; });');
  writeFileSync(join(root, 'run', 'figure.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script href="evil.js"/><text y="20">shown</text></svg>');
  dashboard = await serveDashboard({ dir: root });
  if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('files under the served folder are data', () => {
  it('are answered sandboxed, with nothing to load', async () => {
    const res = await fetch(`${dashboard?.url}files/run/page.html`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp.split(/;\s*/)).toContain('sandbox');
    expect(csp).toContain("default-src 'none'");
  });

  it.skipIf(!hasChromium)('an HTML page or SVG file from a run folder shows, and its script does not run', async () => {
    const page = await (browser as Browser).newPage();
    for (const file of ['page.html', 'figure.svg']) {
      await page.goto(`${dashboard?.url}files/run/${file}`);
      expect(await page.locator('text=shown').count()).toBe(1);
      // The script, had it run, set the flag before the page's load event (which goto waits for).
      expect(await page.evaluate(() => (window as { ran?: boolean }).ran)).toBeUndefined();
    }
    await page.close();
  });
});
