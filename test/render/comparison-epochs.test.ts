/**
 * A comparison drawn at the reference study's size — seven runs (none, L1–L4, the dead zone, L1
 * with its proximal step) of 40 epochs, synthetic records — with the epochs the study shows: its
 * figures stay a size one can read (each fits 1 800 × 1 200 px before the PNG's 2× scale), the
 * histogram grid has the eight rows asked for, and an epoch no run recorded is refused, named with
 * the epochs there are, before anything is written.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import type { RunRecord } from '../../src/formats/run.ts';
import { drawComparison, epochGaps, epochGapText } from '../../src/render/draw.ts';
import { renderSvg } from '../../src/render/render.ts';
import {
  accuracySpec,
  bandsSpec,
  compareHistogramsSpec,
  curvesSpec,
  heatmapSpec,
  ridgelineSpec,
  sparsitySpec,
  WRAP_MAX_WIDTH,
  wrapColumns,
} from '../../src/viz/figures/index.ts';
import { makeRunRecord, REFERENCE_LAYERS } from '../fixtures/run-record-fixture.ts';
import { headerLabels, plain } from '../viz/figures/spec-helpers.ts';

const PENALTIES = ['none', 'l1:1e-4', 'l2:1e-4', 'l3:1e-4', 'l4:1e-4', 'deadzone:1e-4,a=0.25', 'l1:1e-4,prox'];
const STUDY_EPOCHS = [0, 1, 2, 5, 10, 20, 30, 40];
const runs: RunRecord[] = PENALTIES.map((penalty, i) => makeRunRecord({ epochs: 40, penalty, seed: i + 1, layers: REFERENCE_LAYERS }));

/** The SVG's size in pixels (the PNG is twice that). */
async function svgSize(spec: Parameters<typeof renderSvg>[0]): Promise<{ width: number; height: number }> {
  const svg = await renderSvg(spec);
  const [, width, height] = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg) ?? [];
  return { width: Number(width), height: Number(height) };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the study’s comparison: 7 runs × 40 epochs', () => {
  it('draws the histogram grid with one row per epoch asked for and a column per run, at a readable size', async () => {
    const spec = compareHistogramsSpec(runs, { epochs: STUDY_EPOCHS });
    const p = plain(spec);
    expect(headerLabels(p.facet.row.header)).toEqual(STUDY_EPOCHS.map((e) => `epoch=${e}`));
    expect(headerLabels(p.facet.column.header)).toEqual(PENALTIES);
    expect(p.spec.width).toBeGreaterThanOrEqual(200);
    const size = await svgSize(spec);
    expect(size.width).toBeLessThanOrEqual(1800);
    expect(size.height).toBeLessThanOrEqual(1200);
  });

  it('keeps the views over all 40 epochs (heatmap, sparsity, accuracy, curves) within 1 800 × 1 200 px', async () => {
    for (const [name, spec] of [
      ['heatmap', heatmapSpec(runs)],
      ['sparsity', sparsitySpec(runs)],
      ['accuracy', accuracySpec(runs)],
      ['curves', curvesSpec(runs)],
    ] as const) {
      const size = await svgSize(spec);
      expect(size.width, name).toBeLessThanOrEqual(1800);
      expect(size.height, name).toBeLessThanOrEqual(1200);
      expect(size.height, name).toBeGreaterThan(250);
      // The curves in two columns, within a report card at 800 px (their subtitle made them 896 px wide).
      if (name === 'curves') expect(size.width, name).toBeLessThanOrEqual(WRAP_MAX_WIDTH);
    }
  }, 120_000);

  it('draws the ridgeline lower when its panels wrap (240 px, was 360: 7 runs 1 300 px high at 800 px), every epoch still a ridge', () => {
    const spec = plain(ridgelineSpec(runs));
    expect(spec.columns).toBeLessThan(runs.length);
    expect(spec.spec.height).toBe(240);
    for (let col = 0; col < runs.length; col++) {
      const epochs = new Set(spec.data.values.filter((r: { col: number }) => r.col === col).map((r: { epoch: number }) => r.epoch));
      expect(epochs.size, PENALTIES[col]).toBe(41);
    }
    // In one row (two runs) as tall as before.
    expect(plain(ridgelineSpec(runs.slice(0, 2))).spec.height).toBe(360);
  });

  it('wraps the heatmaps into rows within the width given: 7 runs and 12 (7 ran off an 800-px window)', async () => {
    const twelve = Array.from({ length: 12 }, (_, i) => makeRunRecord({ epochs: 2, penalty: `l1:${i + 1}e-4`, seed: i + 1 }));
    for (const [what, rs] of [
      ['7 runs', runs],
      ['12 runs', twelve],
    ] as const) {
      expect(plain(heatmapSpec([...rs])).columns, what).toBeLessThan(rs.length);
      const size = await svgSize(heatmapSpec([...rs]));
      expect(size.width, what).toBeLessThanOrEqual(WRAP_MAX_WIDTH);
      expect(size.width, what).toBeGreaterThan(WRAP_MAX_WIDTH / 2);
      expect((await svgSize(heatmapSpec([...rs], { maxWidth: 1400 }))).width, what).toBeLessThanOrEqual(1400);
    }
    expect(wrapColumns(7, { panel: 190 }, 720)).toBe(3);
    expect(wrapColumns(2, { panel: 260 }, 1400)).toBe(2);
    expect(wrapColumns(12, { panel: 190 }, 100)).toBe(1);
    // Rows filled evenly: 6 runs where 5 fit are rows of 3 and 3, not 5 and 1; 7 are 4 and 3.
    expect([wrapColumns(6, { panel: 190 }, 1300), wrapColumns(7, { panel: 190 }, 1300)]).toEqual([3, 4]);
  }, 120_000);

  it('wraps the ridgeline and bands too, and draws an x axis under each panel, none under the empty cells of the last row', async () => {
    // Seven runs of 2 epochs: the layout is the study's, the drawing cheaper.
    const seven = PENALTIES.map((penalty, i) => makeRunRecord({ epochs: 2, penalty, seed: i + 1 }));
    for (const [name, spec] of [
      ['heatmap', heatmapSpec(seven)],
      ['ridgeline', ridgelineSpec(seven)],
      ['bands', bandsSpec(seven)],
    ] as const) {
      expect(plain(spec).columns, name).toBe(3);
      const svg = await renderSvg(spec);
      // Rows of 3, 3, 1: seven x axes (three under the grid's columns drew two under empty cells).
      expect(svg.match(/aria-label="X-axis/g)?.length, name).toBe(seven.length);
      expect(Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]), name).toBeLessThanOrEqual(WRAP_MAX_WIDTH);
    }
  }, 120_000);

  it('finds the epochs no run recorded, per option, and says which there are', () => {
    expect(epochGaps(runs, { histogramEpochs: STUDY_EPOCHS, overlayEpochs: [1, 10, 40] })).toEqual([]);
    const gaps = epochGaps(runs, { histogramEpochs: [0, 41, 50], overlayEpochs: [40], pruneEpochs: [10] });
    expect(gaps).toEqual([
      { option: 'histogramEpochs', missing: [41, 50], recorded: Array.from({ length: 41 }, (_, e) => e) },
      { option: 'pruneEpochs', missing: [10], recorded: [] },
    ]);
    expect(epochGapText(gaps[0]!, '--epochs')).toBe('--epochs: no run has epochs 41, 50; the runs have epochs 0–40');
    expect(epochGapText(gaps[1]!, '--prune-epochs')).toBe('--prune-epochs: no run measured a prune curve after epoch 10; no run measured one');
    // `all` prune curves are whatever was measured: never missing.
    expect(epochGaps(runs, { pruneEpochs: 'all' })).toEqual([]);
  });

  it('refuses an epoch no run recorded, or an empty list, before writing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'penx-epochs-'));
    dirs.push(dir);
    await expect(drawComparison(dir, runs, { overlayEpochs: [1, 41] })).rejects.toThrow(UsageError);
    await expect(drawComparison(dir, runs, { overlayEpochs: [1, 41] })).rejects.toThrow('overlayEpochs: no run has epoch 41; the runs have epochs 0–40');
    await expect(drawComparison(dir, runs, { histogramEpochs: [] })).rejects.toThrow(/histogramEpochs: give at least one epoch/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
