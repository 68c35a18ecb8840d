/**
 * The command line of the views: `penx plot --bins N --range lo,hi` re-bins a run's histograms from
 * its fine histograms without retraining (run.json untouched) and draws the views; the catalogue
 * commands' `--json`.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimFolder } from '../../src/folders/folder.ts';
import { penx } from '../cli/run-penx.ts';
import { embedded } from './report/embedded.ts';
import { fineRuns } from './views/fine-runs.ts';

const dir = mkdtempSync(join(tmpdir(), 'penx-plot-'));
const run = join(dir, 'l1');
let written = '';

beforeAll(async () => {
  const [record] = await fineRuns(['l1:1e-2'], 2);
  // A run folder of penx's (its marker), as fitToFolder would make it.
  claimFolder(run, {}, 'run').release();
  written = JSON.stringify(record);
  writeFileSync(join(run, 'run.json'), written);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('penx plot --bins --range', () => {
  it('re-binned figures and report, the views drawn, run.json untouched', async () => {
    const r = await penx('plot', run, '--bins', '30', '--range', '-0.6,0.6');
    expect(r.code, r.stderr).toBe(0);
    for (const f of [
      'epoch-002.png',
      'epoch-002.svg',
      'histograms.png',
      'heatmap.png',
      'heatmap.svg',
      'heatmap-log.png',
      'ridgeline.png',
      'bands.png',
      'curves.png',
      'penalty.png',
      'log-abs.png',
      'report.html',
    ]) {
      expect(existsSync(join(run, f)), f).toBe(true);
    }
    expect(readFileSync(join(run, 'run.json'), 'utf8')).toBe(written);
    // The per-epoch image's weight axis now ends at ±0.6; the report's histograms have 30 bins.
    expect(readFileSync(join(run, 'epoch-002.svg'), 'utf8')).toContain('−0.6');
    const model = await embedded(readFileSync(join(run, 'report.html'), 'utf8'), 'penx-model');
    expect(model.runs[0].hist.all[2].density).toHaveLength(30);
    expect([model.runs[0].hist.all[2].lo, model.runs[0].hist.all[2].hi]).toEqual([-0.6, 0.6]);
  }, 60_000);

  it('refuses bad bins and ranges with exit code 2', async () => {
    for (const args of [
      ['--bins', '0'],
      ['--bins', '2.5'],
      ['--range', '1,-1'],
      ['--range', 'a,b'],
      ['--range', '0.5'],
      ['--range', '-3,3'],
      ['--range', '-1,2.5'],
    ]) {
      const r = await penx('plot', run, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/penx: error: --(bins|range) must be/);
    }
  });
});

describe('catalogues as JSON', () => {
  it('penalties, constraints and optimizers --json: every entry with formula and parameters', async () => {
    const p = await penx('penalties', '--json');
    expect(p.code).toBe(0);
    const penalties = JSON.parse(p.stdout) as Array<{
      name: string;
      formula: string;
      params: Record<string, { default: number }>;
      strength?: { default: number };
    }>;
    const deadzone = penalties.find((e) => e.name === 'deadzone');
    expect(deadzone?.formula).toBe('λ·Σ max(0, |w| − a)');
    expect(deadzone?.params.a?.default).toBe(0.25);
    expect(deadzone?.strength?.default).toBe(1e-4);
    const c = JSON.parse((await penx('constraints', '--json')).stdout) as Array<{ name: string }>;
    expect(c.map((e) => e.name)).toContain('maxnorm');
    const o = JSON.parse((await penx('optimizers', '--json')).stdout) as Array<{ name: string; params: Record<string, unknown> }>;
    expect(o.find((e) => e.name === 'adamw')?.params).toHaveProperty('wd');
  });

  it("the README's Scripting section names every field of the catalogues' entries", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Scripting'), readme.indexOf('## Reliability'));
    const row = section.split('\n').find((line) => line.startsWith('| `penx penalties\\|constraints\\|optimizers --json`')) ?? '';
    const named = (k: string) => (row.match(/`[^`\n]+`/g) ?? []).some((span) => new RegExp(`\\b${k}\\b`).test(span));
    const keys = new Set<string>();
    for (const command of ['penalties', 'constraints', 'optimizers'])
      for (const entry of JSON.parse((await penx(command, '--json')).stdout) as object[]) for (const k of Object.keys(entry)) keys.add(k);
    expect(keys).toContain('strength');
    expect([...keys].filter((k) => !named(k))).toEqual([]);
  });

  it('specs --json: one object per spec, an error for a bad one (exit 2)', async () => {
    const r = await penx('penalties', '--json', 'l1:1e-4', 'nope:1', './mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05');
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as Array<{ input: string; spec?: string; formula?: string; from?: string; error?: string }>;
    expect(out[0]).toEqual({ input: 'l1:1e-4', spec: 'l1:1e-4', formula: 'λ·Σ|w|' });
    expect(out[1]?.error).toMatch(/nope/);
    expect(out[2]).toMatchObject({ spec: 'logsum:1e-4,eps=0.05', from: './mnist-demo/examples/logsum-penalty.ts' });
  });
});
