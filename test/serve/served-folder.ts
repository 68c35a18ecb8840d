/**
 * A folder of runs served by the dashboard (in-process) for one test file, with headless Chromium
 * when it is installed: the folder is made at once, filled and served before the file's tests,
 * and the server, the browser and the folder are gone after them.
 *
 *   const served = servedFolder('penx-x-', (dir) => writeRuns(dir));
 *   await fetch(`${served.url()}api/runs`);   const page = await served.browser().newPage();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../chromium.ts';

export interface ServedFolder {
  /** The served folder (made when servedFolder is called, filled before the tests). */
  readonly dir: string;
  /** The dashboard's address, ending in `/`. */
  url(): string;
  /** The browser (only where Chromium is installed: tests using it are skipped elsewhere). */
  browser(): Browser;
}

/** Serve a new folder (`prefix` + random) filled by `fill`, for the tests of the calling file. */
export function servedFolder(prefix: string, fill: (dir: string) => void): ServedFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let dashboard: Dashboard | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    fill(dir);
    dashboard = await serveDashboard({ dir });
    if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    url: () => (dashboard as Dashboard).url,
    browser: () => browser as Browser,
  };
}
