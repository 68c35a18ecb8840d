/**
 * The committed reference study (figures/reference/): finished runs without checkpoints, the pages'
 * tables equal to what `penx summary` reads from the records now, every image or file a README
 * points to present in the tree, and a drawing of the study brought back with only what it holds
 * (`bring-back.mjs`, run-study.sh's last step).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { bringBack } from '../figures/reference/bring-back.mjs';
import { checkWrites, MARKER_FILE, openFolder, writeFileAtomic } from '../src/node.ts';
import { penx } from './cli/run-penx.ts';

const STUDY = 'figures/reference';
const RUNS: readonly (readonly [folder: string, epochs: number])[] = [
  ...['none', 'l1_1e-4', 'l2_1e-4', 'l3_1e-4', 'l4_1e-4', 'deadzone_1e-4_a=0.25', 'l1_1e-4_prox'].map((name) => [`penalties/${name}`, 40] as const),
  ...['seed-43', 'seed-44'].flatMap((seed) => ['none', 'l1_1e-4'].map((name) => [`${seed}/${name}`, 10] as const)),
];

describe('the reference study', () => {
  it.each(RUNS)('%s: finished on all 60 000 images, its record and marker only (no checkpoints)', (folder, epochs) => {
    const dir = join(STUDY, folder);
    expect(readdirSync(dir).sort()).toEqual(['.penx-folder.jsonl', 'run.json']);
    const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as {
      config: { trainSize: number; testSize: number; batchSize: number; epochs: number };
      epochs: { epoch: number; testAcc: number }[];
    };
    expect(record.config).toMatchObject({ trainSize: 60000, testSize: 10000, batchSize: 128, epochs });
    expect(record.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
  });

  it('its page holds the tables penx summary reads from the records, row for row', async () => {
    const run = await penx('summary', `${STUDY}/penalties`, '--epochs', '1,10,20,30,40', '--markdown');
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    expect(rows).toHaveLength(7 * 5);
    const page = readFileSync(`${STUDY}/README.md`, 'utf8');
    for (const row of rows) expect(page).toContain(row);
  });
});

/** Relative targets of Markdown images and links: `![alt](path)` and `[text](path)`. */
function relativeTargets(markdown: string): string[] {
  const targets = [...markdown.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
  return targets.filter((t) => !/^[a-z]+:|^#/.test(t)).map((t) => decodeURI(t.split('#')[0] as string));
}

describe('every README', () => {
  const pages = ['README.md', 'CONTRIBUTING.md', ...readdirSync('figures').map((d) => `figures/${d}/README.md`)].filter((p) => existsSync(p));

  it.each(pages)('%s: every image and file it points to is in the tree', (page) => {
    const targets = relativeTargets(readFileSync(page, 'utf8'));
    const missing = targets.filter((t) => !existsSync(join(dirname(page), t)));
    expect(missing).toEqual([]);
  });

  it('the study page names each figure of the comparison that is in the tree', () => {
    const page = readFileSync(`${STUDY}/README.md`, 'utf8');
    const named = [...page.matchAll(/`([\w-]+\.png)`/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(10);
    for (const png of named) expect(existsSync(`${STUDY}/penalties/${png}`), png).toBe(true);
  });
});

describe('run-study.sh’s drawing, brought back (bring-back.mjs)', () => {
  it('brings back only the files the folders hold that the drawing changed, and the manifest lines proving them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'penx-bring-back-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    /** Write `files` (name ─► content) into `dir`, a folder of penx's of `kind`, as penx writes (each listed with its proof). */
    const written = async (dir: string, kind: 'comparison' | 'run', files: Record<string, string>) => {
      const stop = openFolder(dir, kind);
      for (const [name, content] of Object.entries(files)) await writeFileAtomic(join(dir, name), content);
      stop();
    };
    // The study as committed: a comparison's report and its run's record.
    const study = join(root, 'study', 'cmp');
    await written(study, 'comparison', { 'report.html': 'v1' });
    await written(join(study, 'r1'), 'run', { 'run.json': '{}' });
    const manifest = (dir: string) => readFileSync(join(dir, MARKER_FILE), 'utf8');
    const proof = (name: string, content: string) =>
      `${JSON.stringify({ name, size: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') })}\n`;
    const [was, runWas] = [manifest(study), manifest(join(study, 'r1'))];
    // Drawn in a copy: the report changed, and what is not committed (an SVG, the run's report).
    const drawn = join(root, 'drawn', 'cmp');
    cpSync(study, drawn, { recursive: true });
    await written(drawn, 'comparison', { 'report.html': 'v2', 'sparsity.svg': '<svg/>' });
    await written(join(drawn, 'r1'), 'run', { 'report.html': 'the run', 'run.json': '{}' });
    expect(bringBack(drawn, study)).toEqual({ lines: 1, files: ['report.html'] });
    expect(readdirSync(study).sort()).toEqual([MARKER_FILE, 'r1', 'report.html']);
    expect(readdirSync(join(study, 'r1')).sort()).toEqual([MARKER_FILE, 'run.json']);
    expect(readFileSync(join(study, 'report.html'), 'utf8')).toBe('v2');
    expect(manifest(study)).toBe(was + proof('report.html', 'v2'));
    expect(manifest(join(study, 'r1'))).toBe(runWas);
    // Penx's own by its manifest, and brought back again: nothing more.
    expect(() => checkWrites(study, ['report.html', 'r1/run.json'])).not.toThrow();
    expect(bringBack(drawn, study)).toEqual({ lines: 0, files: [] });
    expect(manifest(study)).toBe(was + proof('report.html', 'v2'));
  });
});
