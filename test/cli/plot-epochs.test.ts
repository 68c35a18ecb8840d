/**
 * `penx plot` on a comparison folder with the reference study's epoch flags: `--epochs` (the rows
 * of histograms.png), `--overlay-epochs` (the runs overlaid at more epochs: linear, log density and
 * log10|w|), `--prune-epochs` (the prune curves after each epoch side by side), drawn from real
 * records (`fit` on a small model, prune curves after epochs 1 and 3). An epoch no run recorded
 * is refused with exit code 2, naming the flag, the epoch and the epochs there are, before
 * anything is drawn; the flags go with comparison folders only. And its check of what it writes over
 * (in this process): exactly the files the drawing writes are judged — one there that penx cannot
 * prove it wrote refuses the plot before anything is drawn, listed or not; a user's edit of a file
 * the plot does not write is left alone.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plot } from '../../mnist-demo/cli/actions/plot.ts';
import { IOError } from '../../src/errors.ts';
import { claimFolder } from '../../src/folders/folder.ts';
import { readRunJson, writeCompareJson, writeRunJson } from '../../src/folders/records.ts';
import { writeFileAtomic } from '../../src/io/atomic.ts';
import { writeFigure } from '../../src/render/render.ts';
import { compareHistogramsSpec, pruneCurveSpec } from '../../src/viz/figures/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';
import { fineRuns } from '../viz/views/fine-runs.ts';
import { penx } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-plot-epochs-'));
const cmp = join(root, 'cmp');
const NAMES = ['none', 'l1'];

/** Every file under `dir` with its size and modification time: what a refused command must leave as it was. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .map((p) => `${relative(dir, p)} ${statSync(p).size} ${statSync(p).mtimeMs}`)
    .sort();
}

beforeAll(async () => {
  const records = await fineRuns(['none', 'l1:1e-2'], 3, [1, 3]);
  // A comparison folder of penx's (its marker and compare.json), its runs in folders of their own.
  claimFolder(cmp, {}, 'comparison').release();
  for (const [i, name] of NAMES.entries()) {
    claimFolder(join(cmp, name), {}, 'run').release();
    await writeRunJson(join(cmp, name), records[i]!);
  }
  await writeCompareJson(cmp, NAMES);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('penx plot --epochs --overlay-epochs --prune-epochs', () => {
  it('refuses an epoch no run has (exit 2, flag, epoch and what there is named) and touches nothing', async () => {
    const before = tree(cmp);
    const hist = await penx('plot', cmp, '--epochs', '0,1,7', '--overlay-epochs', '1');
    expect(hist.code).toBe(2);
    expect(hist.stderr).toContain(`penx: error: ${cmp}: --epochs: no run has epoch 7; the runs have epochs 0–3`);
    const overlay = await penx('plot', cmp, '--overlay-epochs', '3,9,12');
    expect(overlay.stderr).toContain('--overlay-epochs: no run has epochs 9, 12; the runs have epochs 0–3');
    const prune = await penx('plot', cmp, '--prune-epochs', '2');
    expect(prune.code).toBe(2);
    expect(prune.stderr).toContain('--prune-epochs: no run measured a prune curve after epoch 2; the runs measured one after epochs 1, 3');
    const bad = await penx('plot', cmp, '--epochs', '1,x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--epochs must be a whole number ≥ 0, got 'x'/);
    const run = await penx('plot', join(cmp, 'none'), '--prune-epochs', '1');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--prune-epochs choose a comparison folder's epochs .*none is a run/);
    expect(tree(cmp)).toEqual(before);
  }, 120_000);

  it('draws the histogram rows, the overlays and the prune curves asked for', async () => {
    const r = await penx('plot', cmp, '--epochs', '3,0,1', '--overlay-epochs', '1,3', '--prune-epochs', '1,3');
    expect(r.code, r.stderr).toBe(0);
    // Progress on stderr, a line per run and one for the comparison's figures; stdout says only what was redrawn.
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `drawing ${join(cmp, 'none')} (run 1/2)`,
      `drawing ${join(cmp, 'l1')} (run 2/2)`,
      `drawing ${cmp}: the comparison's figures`,
    ]);
    expect(r.stdout).toBe(`redrew ${cmp} (2 runs)\n`);
    for (const e of ['001', '003'])
      for (const f of [`overlay-epoch-${e}`, `overlay-log-epoch-${e}`, `log-abs-epoch-${e}`])
        for (const ext of ['png', 'svg']) expect(existsSync(join(cmp, `${f}.${ext}`)), `${f}.${ext}`).toBe(true);
    expect(readFileSync(join(cmp, 'overlay-epoch-001.svg'), 'utf8')).toContain('Runs overlaid at epoch 1');
    expect(readFileSync(join(cmp, 'overlay-log-epoch-003.svg'), 'utf8')).toMatch(/Runs overlaid at epoch 3.*log density/s);
    expect(readFileSync(join(cmp, 'log-abs-epoch-003.svg'), 'utf8')).toContain('|w| on a log axis at epoch 3');
    // The defaults are still drawn: the last epoch's overlays.
    expect(readFileSync(join(cmp, 'overlay.svg'), 'utf8')).toContain('Runs overlaid at epoch 3');
    // histograms.png and prune-curve.png are the figures of these epochs (drawn here from the same records, byte for byte).
    const runs = NAMES.map((n) => readRunJson(join(cmp, n)));
    const here = mkdtempSync(join(root, 'here-'));
    await writeFigure(join(here, 'histograms'), compareHistogramsSpec(runs, { epochs: [0, 1, 3] }));
    await writeFigure(join(here, 'prune-curve'), pruneCurveSpec(runs, { epochs: [1, 3] }));
    for (const f of ['histograms.png', 'prune-curve.png']) expect(readFileSync(join(cmp, f)).equals(readFileSync(join(here, f))), f).toBe(true);
  }, 180_000);
});

describe('penx plot on a comparison that has not finished (no compare.json yet)', () => {
  it('draws the runs with a record so far, those its manifest lists as marked runs; a folder not its own stays refused', async () => {
    const records = NAMES.map((n) => readRunJson(join(cmp, n)));
    const live = join(root, 'live');
    claimFolder(live, {}, 'comparison').release();
    claimFolder(join(live, 'none'), {}, 'run').release();
    await writeRunJson(join(live, 'none'), records[0]!);
    // A run not started yet (marked, listed, no record), and a record in a folder that is no run of the tool's.
    claimFolder(join(live, 'l1'), {}, 'run').release();
    mkdirSync(join(live, 'stray'));
    writeFileSync(join(live, 'stray', 'run.json'), JSON.stringify(records[1]));
    const r = await penx('plot', live, '--epochs', '0,3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${live}: a comparison in progress (no compare.json yet): 1 run with a record so far`);
    expect(r.stdout).toContain(`redrew ${live} (1 run)`);
    const here = mkdtempSync(join(root, 'live-here-'));
    await writeFigure(join(here, 'histograms'), compareHistogramsSpec([records[0]!], { epochs: [0, 3] }));
    expect(readFileSync(join(live, 'histograms.png')).equals(readFileSync(join(here, 'histograms.png')))).toBe(true);
    expect(existsSync(join(live, 'compare.json'))).toBe(false);
    expect(readdirSync(join(live, 'stray'))).toEqual(['run.json']);

    const plain = join(root, 'plain');
    mkdirSync(join(plain, 'none'), { recursive: true });
    writeFileSync(join(plain, 'none', 'run.json'), JSON.stringify(records[0]));
    const before = tree(plain);
    const refused = await penx('plot', plain);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/neither run\.json nor compare\.json/);
    expect(tree(plain)).toEqual(before);
  }, 180_000);
});

/** A run folder as penx leaves one: run.json, and a file penx wrote that the redraw does not write (as an older layout's figure). */
async function runFolder(name: string): Promise<string> {
  const dir = join(root, name);
  const claimed = claimFolder(dir, {}, 'run');
  await writeRunJson(dir, makeRunRecord({ epochs: 1, layers: ['dense_2'] }));
  await writeFileAtomic(join(dir, 'old-figure.svg'), '<svg>penx</svg>');
  claimed.release();
  return dir;
}

describe('penx plot checks what it writes, and only that (in this process)', () => {
  it('a user’s edit of a file plot never writes passes; a user’s file under a name the drawing writes (unlisted) refuses it before anything is drawn', async () => {
    const edited = await runFolder('edited');
    writeFileSync(join(edited, 'old-figure.svg'), '<svg>my edit</svg>');
    const users = await runFolder('users');
    writeFileSync(join(users, 'heatmap.svg'), '<svg>mine</svg>');
    const before = [tree(edited), tree(users)];
    // Every folder is judged before the first is drawn: the refusal names only the second's file,
    // so the first passed its check (a refusal drawing nothing keeps this test cheap).
    await expect(plot([edited, users])).rejects.toThrow(IOError);
    await expect(plot([edited, users])).rejects.toThrow(
      new RegExp(
        `^refusing to write over ${join(users, 'heatmap.svg')} \\(not in the manifest: penalty-explorer did not write it\\): penalty-explorer writes over only what it can prove it wrote; nothing was touched`,
      ),
    );
    expect([tree(edited), tree(users)]).toEqual(before);
  });
});
