/**
 * `penx serve DIR` started before `penx train --out DIR` made DIR: it waits (it was refused, "is not
 * a folder"). The server answers `waiting` until a run penx writes appears there, then shows it; for
 * as long as it serves, only what penx's markers prove its own is read: a run.json in a folder
 * without a marker is named, not read, and no file of such a folder is served. The page says it
 * waits and shows the run once it is there, with no reload.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { markFolder } from '../../src/folders/index.ts';
import { type Dashboard, serveDashboard } from '../../src/serve/index.ts';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../chromium.ts';
import { spawnInGroup } from '../cli/process-group.ts';
import { penx, stopped } from '../cli/run-penx.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const base = mkdtempSync(join(tmpdir(), 'penx-serve-waiting-'));
const dashboards: Dashboard[] = [];

afterAll(async () => {
  await Promise.all(dashboards.map((d) => d.close()));
  rmSync(base, { recursive: true, force: true });
});

type Runs = { runs: Array<{ id: string }>; skipped: Array<{ path: string; reason: string }>; waiting?: string };

/** A run folder as penx writes it: its marker first, then its run.json. */
function penxRun(dir: string): void {
  mkdirSync(dir, { recursive: true });
  markFolder(dir, 'run');
  writeFileSync(join(dir, 'run.json'), JSON.stringify(makeRunRecord({ epochs: 1, penalty: 'l1:1e-4' })));
}

describe('a served folder that does not exist yet', () => {
  it('is waited for; then only runs with penx’s marker are read, and only their files served', async () => {
    const dir = join(base, 'later', 'runs');
    const dashboard = await serveDashboard({ dir });
    dashboards.push(dashboard);
    const runs = async () => {
      const res = await fetch(`${dashboard.url}api/runs`);
      expect(res.status).toBe(200);
      return (await res.json()) as Runs;
    };
    const waiting = `waiting for a run in ${dir}: shown once penx writes one there (its folder's marker, then its first run.json)`;
    expect(await runs()).toEqual({ runs: [], skipped: [], views: [], waiting });

    // A folder made by hand, with a run.json and a file but no marker: not read, named; its file not served.
    mkdirSync(join(dir, 'hand'), { recursive: true });
    writeFileSync(join(dir, 'hand', 'run.json'), JSON.stringify(makeRunRecord({ epochs: 1, penalty: 'none' })));
    writeFileSync(join(dir, 'hand', 'notes.txt'), 'mine');
    const unproven = await runs();
    expect([unproven.runs, unproven.waiting]).toEqual([[], waiting]);
    expect(unproven.skipped.map((s) => s.path)).toEqual(['hand/run.json']);
    expect(unproven.skipped[0]?.reason).toMatch(/^not read: its folder has no marker of penx \(\.penx-folder\.jsonl\)/);
    expect((await fetch(`${dashboard.url}files/hand/notes.txt`)).status).toBe(403);
    expect((await fetch(`${dashboard.url}api/view/overlay?run=hand`)).status).toBe(400);

    // The run penx writes: shown, its files served.
    penxRun(join(dir, 'l1'));
    const shown = await runs();
    expect([shown.runs.map((r) => r.id), shown.waiting]).toEqual([['l1'], undefined]);
    expect((await fetch(`${dashboard.url}files/l1/run.json`)).status).toBe(200);
    expect((await fetch(`${dashboard.url}api/view/overlay?run=l1`)).status).toBe(200);
  });

  it.runIf(hasChromium)('the page says it waits, and shows the run once penx has written it, without reload', async () => {
    const dir = join(base, 'page-runs');
    const dashboard = await serveDashboard({ dir, pollMs: 200 });
    dashboards.push(dashboard);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(dashboard.url);
      await page.waitForFunction(() => /^waiting for a run in /.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 30_000 });
      penxRun(join(dir, 'l1'));
      await page.waitForFunction(() => Number(document.body.dataset.drawn) >= 1, undefined, { timeout: 30_000 });
      expect(await page.textContent('#status')).toBe('1 run · epoch 1 · live');
      expect(await page.isChecked('input[type=checkbox][value="l1"]')).toBe(true);
      await page.close();
    } finally {
      await browser.close();
    }
  });

  it('penx serve says it waits; a folder under a file, which can never be one, is refused (exit 2)', async () => {
    const dir = join(base, 'cli', 'runs');
    const child = spawnInGroup(process.execPath, ['mnist-demo/dist/cli.mjs', 'serve', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    await new Promise<void>((resolve, reject) => {
      const seen = (d: unknown) => {
        text += String(d);
        if (/dashboard: http/.test(text)) resolve();
      };
      child.stdout?.on('data', seen);
      child.stderr?.on('data', seen);
      child.once('exit', (code) => reject(new Error(`penx serve exited with ${code}: ${text}`)));
    });
    // Its answer while waiting (and a moment for its Ctrl-C handler, set once the address is printed).
    const address = /dashboard: (http:\S+)/.exec(text)?.[1] as string;
    expect(((await fetch(`${address}api/runs`).then((r) => r.json())) as Runs).waiting).toMatch(/^waiting for a run in /);
    await stopped(child, 'SIGINT');
    expect(text).toContain(`waiting for a run in ${dir}: the dashboard shows it once penx writes one there`);

    writeFileSync(join(base, 'a-file'), '');
    const refused = await penx('serve', join(base, 'a-file', 'runs'), '--port', '0');
    expect([refused.code, refused.stderr.trim()]).toEqual([
      2,
      `penx: error: ${join(base, 'a-file', 'runs')} can never be a folder: ${join(base, 'a-file')} is not a folder; give the folder of your runs (default figures/runs)`,
    ]);
  });
});
