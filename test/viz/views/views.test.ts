/**
 * The views as data: what each figure draws and on which scales, from real records (`fit` on a
 * small model) — overlay, log10|w|, heatmaps, ridgeline, bands, curves, penalty shapes — and that
 * every view compiles to Vega; re-binning a record (`rebinRun`) and records without fine histograms.
 */
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EpochRecord, type RunRecord, snapshots } from '../../../src/formats/run.ts';
import { samplePenaltyCurve } from '../../../src/penalties/curve.ts';
import { penaltyCurves } from '../../../src/render/penalty-curves.ts';
import { renderSvg } from '../../../src/render/render.ts';
import { loadPenalty } from '../../../src/user-modules/loaders.ts';
import { accuracySpec, logAbsCounts, NO_PENALTY_TERM, NO_TEST_ACCURACY } from '../../../src/viz/figures/index.ts';
import {
  bandsSpec,
  batchesPerBand,
  binnedHistogram,
  curvesSpec,
  heatmapSpec,
  logAbsSpec,
  overlaySpec,
  penaltyShapesSpec,
  rebinRun,
  ridgelineSpec,
  runLabels,
  runPanels,
  selectionPercentiles,
  smooth,
  toVega,
  VIEWS,
  WRAP_WIDTH,
} from '../../../src/viz/index.ts';
import { viewCsv } from '../../../src/viz/report/csv.ts';
import { withOutputs } from '../../fixtures/run-record-fixture.ts';
import { plain } from '../figures/spec-helpers.ts';
import { fineRuns } from './fine-runs.ts';

let runs: RunRecord[] = [];
beforeAll(async () => {
  runs = await fineRuns(['none', 'l1:1e-2', 'l2:1e-2'], 3);
});

/** Strip fine histograms and percentiles: a record as written before they were recorded. */
function coarse(run: RunRecord): RunRecord {
  const strip = <S extends RunRecord['initial']>(s: S): S => ({
    ...s,
    percentiles: undefined,
    layers: s.layers.map((l) => ({
      ...l,
      percentiles: undefined,
      weights: l.weights?.map((w) => ({ ...w, fine: undefined, logAbs: undefined, percentiles: undefined })),
    })),
  });
  return JSON.parse(JSON.stringify({ ...run, initial: strip(run.initial), epochs: run.epochs.map(strip) }));
}

describe('overlay', () => {
  it('one step line per run at the epoch, on shared axes, linear or log density', () => {
    const spec = plain(overlaySpec(runs, { epoch: 2 }));
    const lines = spec.layer[0];
    expect(lines.mark).toMatchObject({ type: 'line', interpolate: 'step-after' });
    expect(lines.encoding.color.scale.domain).toEqual(runLabels(runs));
    expect(lines.encoding.x.scale.domain).toEqual([-1, 1]);
    const rows = spec.data.values.filter((r: { kind: string }) => r.kind === 'bin');
    expect(rows).toHaveLength(3 * 101); // 100 bins + the last edge, per run
    // The line's heights are the run's histogram at that epoch.
    const h = binnedHistogram(snapshots(runs[1] as RunRecord)[2]!);
    expect(
      rows
        .filter((r: { run: string }) => r.run === runs[1]!.config.penalty)
        .slice(0, 100)
        .map((r: { density: number }) => r.density),
    ).toEqual(h?.density);
    expect(plain(overlaySpec(runs, { scale: 'log' })).layer[0].encoding.y.scale.type).toBe('symlog');
    expect(spec.title.text).toBe('Runs overlaid at epoch 2');
  });

  it("draws each run's penalty faintly on its own axis when given, and re-bins", async () => {
    const { curves } = await penaltyCurves(runs);
    const spec = plain(overlaySpec(runs, { penalties: curves, bins: 40, range: [-0.5, 0.5] }));
    expect(spec.layer).toHaveLength(2);
    expect(spec.resolve.scale.y).toBe('independent');
    const faint = spec.data.values.filter((r: { kind: string }) => r.kind === 'penalty');
    expect(Math.min(...faint.map((r: { w: number }) => r.w))).toBeGreaterThanOrEqual(-0.5);
    expect(spec.data.values.filter((r: { kind: string; run: string }) => r.kind === 'bin' && r.run === 'none')).toHaveLength(41);
    // A dashed line per penalised run; none (λ·φ = 0 everywhere) gets none.
    expect([...new Set(faint.map((r: { run: string }) => r.run))]).toEqual(runLabels(runs).slice(1));
    expect(spec.title.subtitle[0]).toContain('40 bins over [−0.5, 0.5]');
  });

  it('names the runs that have not reached the epoch', () => {
    const short = { ...(runs[0] as RunRecord), epochs: (runs[0] as RunRecord).epochs.slice(0, 1) };
    const spec = plain(overlaySpec([short, runs[1] as RunRecord], { epoch: 3 }));
    expect(spec.title.subtitle.join(' ')).toContain('not reached by none');
  });
});

describe('log10|w|', () => {
  it('shares per log bin and the share of exact zeros, per run', () => {
    const spec = plain(logAbsSpec(runs, { epoch: 0 }));
    const zeros = spec.data.values.filter((r: { kind: string }) => r.kind === 'zero');
    // Epoch 0: the biases (16 + 3 of 6·16 + 16 + 16·3 + 3 = 163 weights) are exactly 0.
    expect(zeros.map((r: { share: number }) => r.share)).toEqual([19 / 163, 19 / 163, 19 / 163]);
    const bins = spec.data.values.filter((r: { kind: string; run: string }) => r.kind === 'bin' && r.run === 'none');
    const inside = bins.slice(0, -1).reduce((s: number, r: { share: number }) => s + r.share, 0);
    expect(inside + 19 / 163).toBeCloseTo(1, 9); // every weight is a zero or in a bin
    const [zeroPanel, logPanel] = spec.concat;
    expect(zeroPanel.layer[0].mark.type).toBe('bar');
    expect(logPanel.mark).toMatchObject({ type: 'line', interpolate: 'step-after' });
    expect(logPanel.encoding.x.scale.domain[1]).toBeGreaterThan(logPanel.encoding.x.scale.domain[0]);
  });

  it("with no weight exactly 0: the zeros' axis shows 0–1 % and the subtitle says so", () => {
    // Kernels only, of the last epoch: nothing is exactly 0 (the biases are, at epoch 0).
    const layer = runs[0]!.initial.layers[0]!.name;
    const at0 = plain(logAbsSpec(runs, { epoch: 0 }));
    // 19 zeros of 163 (11.7 %): up to the round number above.
    expect(at0.concat[0].encoding.y.scale.domain).toEqual([0, 0.12]);
    expect(at0.title.subtitle.join(' ')).not.toContain('no weight is exactly 0');
    const spec = plain(logAbsSpec(runs, { epoch: 3, layer: `${layer}/kernel` }));
    expect(spec.data.values.filter((r: { kind: string }) => r.kind === 'zero').map((r: { zeros: number }) => r.zeros)).toEqual([0, 0, 0]);
    expect(spec.concat[0].encoding.y.scale.domain).toEqual([0, 0.01]);
    expect(spec.title.subtitle.join(' ')).toContain('no weight is exactly 0');
  });

  it("a few zeros among many weights: a low bar on the zeros' axis of 0–1 % (it was the panel's height), each bar's count above it", () => {
    // One weight of 163 exactly 0 in the first run (0.6 %), none in the second.
    const one = (s: EpochRecord): EpochRecord => ({
      ...s,
      layers: s.layers.map((l, i) => ({
        ...l,
        weights: l.weights?.map((w, j) => (i + j === 0 && w.logAbs ? { ...w, logAbs: { ...w.logAbs, zeros: 1 } } : w)),
      })),
    });
    const few = { ...(runs[0] as RunRecord), epochs: (runs[0] as RunRecord).epochs.map(one) };
    const spec = plain(logAbsSpec([few, runs[1] as RunRecord], { epoch: 3 }));
    expect(spec.data.values.filter((r: { kind: string }) => r.kind === 'zero').map((r: { zeros: number }) => r.zeros)).toEqual([1, 0]);
    const zeroPanel = spec.concat[0];
    expect(zeroPanel.encoding.y.scale).toEqual({ domain: [0, 0.01], nice: false });
    expect(zeroPanel.layer.map((l: { mark: { type: string } }) => l.mark.type)).toEqual(['bar', 'text']);
    expect(zeroPanel.layer[1].encoding.text).toEqual({ field: 'zeros', format: ',d' });
  });

  it('on a log axis: linear below one weight (1 of 163), ticks at 0 and the powers of ten above it, labelled as shares', () => {
    const spec = plain(logAbsSpec(runs, { epoch: 0, scale: 'log' }));
    const [zeroPanel, logPanel] = spec.concat;
    for (const y of [zeroPanel.encoding.y, logPanel.encoding.y]) {
      expect(y.scale).toMatchObject({ type: 'symlog', constant: 1 / 163, nice: false });
      expect(y.axis.values[0]).toBe(0);
      expect(y.axis.values[1]).toBe(0.01);
      expect(y.axis.labelExpr).toContain('* 100');
    }
    expect(zeroPanel.encoding.y.axis.values).toEqual([0, 0.01, 0.1]);
  });

  it("the zeros' tooltip counts the weights below and above the decades drawn (it gave those below the record's 1e-10, 0 here, under the title 0 < |w| < 1e-2)", () => {
    const decades: [number, number] = [-2, 0];
    const spec = plain(logAbsSpec(runs, { epoch: 3, decades }));
    expect(spec.concat[0].layer[0].encoding.tooltip.slice(-2)).toEqual([
      { field: 'tiny', title: '0 < |w| < 1e-2', format: ',d' },
      { field: 'huge', title: '|w| ≥ 1e0', format: ',d' },
    ]);
    runs.forEach((run, i) => {
      // The record's own counts, on its grid of 20 bins per decade from 1e-10: the weights below 1e-2 and from 1e0 up.
      const c = logAbsCounts(snapshots(run).find((s) => s.epoch === 3)!)!;
      const edge = (k: number) => c.lo + (k * (c.hi - c.lo)) / c.counts.length;
      const sum = (keep: (k: number) => boolean) => c.counts.reduce((t, n, k) => (keep(k) ? t + n : t), 0);
      const below = c.below + sum((k) => edge(k + 1) <= decades[0] + 1e-9);
      const above = c.above + sum((k) => edge(k) >= decades[1] - 1e-9);
      const label = runLabels(runs)[i];
      const zero = spec.data.values.find((r: { kind: string; run: string }) => r.kind === 'zero' && r.run === label);
      expect([label, zero.tiny, zero.huge]).toEqual([label, below, above]);
      // Every weight is a zero, in a bin drawn, or below or above them.
      const bins = spec.data.values.filter((r: { kind: string; run: string }) => r.kind === 'bin' && r.run === label);
      const inside = bins.slice(0, -1).reduce((t: number, r: { share: number }) => t + r.share, 0);
      expect(inside + (zero.zeros + zero.tiny + zero.huge) / c.count).toBeCloseTo(1, 9);
    });
    // Some weights of the L1 run lie below 1e-2: the field is not 0 by chance.
    expect(spec.data.values.some((r: { kind: string; tiny?: number }) => r.kind === 'zero' && (r.tiny ?? 0) > 0)).toBe(true);
  });

  it('says so for records without log10|w| histograms', () => {
    expect(plain(logAbsSpec(runs.map(coarse))).title.text).toContain('|w| on a log axis');
    expect(JSON.stringify(logAbsSpec(runs.map(coarse)))).toContain('no log10|w| histograms');
  });
});

describe('over epochs', () => {
  it('heatmap: a column per run, epochs down the y axis, colour the share of weights (log)', () => {
    const spec = plain(heatmapSpec(runs));
    expect(spec.spec.mark.type).toBe('rect');
    expect(spec.spec.encoding.y.scale.reverse).toBe(true);
    expect(spec.spec.encoding.color.scale.type).toBe('log');
    expect(spec.resolve.scale).toMatchObject({ x: 'shared', y: 'shared', color: 'shared' });
    const rows = spec.data.values as Array<{ col: number; epoch: number; share: number }>;
    expect(new Set(rows.map((r) => r.col))).toEqual(new Set([0, 1, 2]));
    expect(rows.every((r) => r.share > 0)).toBe(true);
    // Each run's epoch: the shares add up to the share of weights inside [−1, 1].
    const h = binnedHistogram(snapshots(runs[0] as RunRecord)[1]!)!;
    const sum = rows.filter((r) => r.col === 0 && r.epoch === 1).reduce((s, r) => s + r.share, 0);
    expect(sum).toBeCloseTo(1 - (h.below + h.above) / h.count, 9);
    expect(plain(heatmapSpec(runs, { color: 'linear' })).spec.encoding.color.scale.type).toBeUndefined();
    expect(spec.spec.mark.aria).toBe(false); // thousands of cells: no ARIA label each in the SVG
  });

  it('heatmap of log10|w| has a column for exact zeros left of the decades', () => {
    const spec = plain(heatmapSpec(runs, { axis: 'logabs' }));
    const [lo] = spec.spec.encoding.x.scale.domain;
    const zeros = spec.data.values.filter((r: { x0: number }) => r.x0 === lo);
    expect(zeros.length).toBeGreaterThan(0);
    expect(spec.spec.encoding.x.title).toContain('w = 0');
  });

  it('ridgeline: one ridge per epoch, offset by epoch, heights on one scale for all runs', () => {
    const spec = plain(ridgelineSpec(runs));
    expect(spec.spec.mark).toMatchObject({ type: 'area', interpolate: 'step-after' });
    const rows = spec.data.values as Array<{ epoch: number; base: number; ridge: number }>;
    expect(rows.every((r) => r.base === r.epoch && r.ridge <= r.epoch)).toBe(true);
    expect(Math.min(...rows.map((r) => r.ridge - r.epoch))).toBeCloseTo(-2.5, 9); // the tallest bin spans 2.5 rows
  });

  it('heatmap, ridgeline and bands lay out their panels alike (runPanels): 260 px for one or two runs, 190 from three, three in one row of a 720-px file', () => {
    for (const [n, width] of [
      [2, 260],
      [3, 190],
    ] as const) {
      const some = runs.slice(0, n);
      const panels = runPanels(runLabels(some), { tall: 360 });
      expect(panels.width).toBe(width);
      for (const [name, spec] of [
        ['heatmap', heatmapSpec(some)],
        ['ridgeline', ridgelineSpec(some)],
        ['bands', bandsSpec(some)],
      ] as const) {
        const p = plain(spec);
        // Three runs of the ridgeline and bands were 260 px, in rows of 2 and 1.
        expect([p.spec.width, p.columns], `${name} of ${n} runs`).toEqual([width, n]);
        // The same facet and signals; `wrap_height` holds each figure's own heights, `wrap_subtitle` its own subtitle.
        const own = new Set(['wrap_height', 'wrap_subtitle']);
        const shared = (params: { name: string }[]) => params.filter((q) => !own.has(q.name));
        expect({ facet: p.facet, params: shared(p.params) }, name).toEqual(plain({ facet: panels.facet.facet, params: shared(panels.facet.params) }));
        expect(
          p.params.map((q: { name: string }) => q.name).filter((q: string) => own.has(q)),
          name,
        ).toEqual(['wrap_height', 'wrap_subtitle']);
        expect(p.resolve, name).toMatchObject(panels.facet.resolve);
      }
    }
  });

  it("bands: the recorded percentiles per run and epoch, TensorBoard's bands", () => {
    const spec = plain(bandsSpec(runs));
    const row = spec.data.values.find((r: { col: number; epoch: number }) => r.col === 1 && r.epoch === 3);
    const p = snapshots(runs[1] as RunRecord)[3]!.percentiles!;
    expect([row.p0, row.p7, row.p16, row.p31, row.p50, row.p69, row.p84, row.p93, row.p100]).toEqual(p);
    expect(spec.spec.layer.filter((l: { mark: { type: string } }) => l.mark.type === 'area')).toHaveLength(4);
    // Without recorded percentiles they are read off the histogram, and the subtitle says so.
    const est = selectionPercentiles(snapshots(coarse(runs[1] as RunRecord))[3]!)!;
    expect(est.estimated).toBe(true);
    expect(est.values[4]).toBeCloseTo(p[4] as number, 1);
    expect(plain(bandsSpec(runs.map(coarse))).title.subtitle.join(' ')).toContain('read off the 100-bin histograms');
  });
});

/** A curves panel as read here, and its title (a text mark, its last layer, over the plot). */
type Panel = { layer: Array<{ mark: { text?: string } }> };
const panelTitle = (p: Panel) => p.layer.at(-1)?.mark.text;

describe('curves', () => {
  it('train loss, test loss, penalty term and accuracy per epoch, runs overlaid, losses on log axes', () => {
    const spec = plain(curvesSpec(runs));
    expect(spec.concat.map(panelTitle)).toEqual(['train loss', 'test loss', 'penalty term', 'test accuracy']);
    expect(spec.concat.map((c: { encoding: { y: { scale: { type?: string } } } }) => c.encoding.y.scale.type ?? 'linear')).toEqual([
      'log',
      'log',
      'log',
      'linear',
    ]);
    const rows = spec.data.values as Array<{ run: string; metric: string; epoch: number; value: number }>;
    expect(rows.find((r) => r.run === runs[1]!.config.penalty && r.metric === 'train loss' && r.epoch === 2)?.value).toBe(
      (runs[1]!.epochs[1] as EpochRecord).trainLoss,
    );
    expect(rows.some((r) => r.run === 'none' && r.metric === 'penalty term')).toBe(false); // 0 has no place on a log axis
    expect(rows.filter((r) => r.metric === 'test loss' && r.run === 'none').map((r) => r.epoch)).toEqual([0, 1, 2, 3]);
  });

  it('every panel on one x axis, 0 to the last epoch, though the accuracy and the train loss start at 1 (the untrained ~10 % would squeeze the trained range)', () => {
    /** The epochs of run `none`'s per-epoch values of `metric`. */
    const epochsOf = (spec: { data: { values: Array<{ metric: string; run: string; epoch: number; kind: string }> } }, metric: string) =>
      spec.data.values.filter((r) => r.metric === metric && r.run === 'none' && r.kind === 'epoch').map((r) => r.epoch);
    const domains = (spec: { concat: Array<{ encoding: { x: { scale: { domain?: number[] } } } }> }) => spec.concat.map((c) => c.encoding.x.scale.domain);
    const spec = plain(curvesSpec(runs));
    // The accuracy panel's plot started at epoch 1 beside the loss panels' at 0: their epochs stood apart.
    expect(runs[0]?.initial.testAcc).not.toBeNull();
    expect(epochsOf(spec, 'test accuracy')).toEqual([1, 2, 3]);
    expect(epochsOf(spec, 'test loss')).toEqual([0, 1, 2, 3]);
    expect(domains(spec)).toEqual([
      [0, 3],
      [0, 3],
      [0, 3],
      [0, 3],
    ]);
  });

  it('no empty accuracy panel for runs with no test accuracy (a model of several outputs: one per output, in testMetrics)', () => {
    const run = runs[1] as RunRecord;
    const noAcc: RunRecord = { ...run, initial: { ...run.initial, testAcc: null }, epochs: run.epochs.map((e) => ({ ...e, testAcc: null })) };
    const spec = plain(curvesSpec([noAcc]));
    expect(spec.concat.map(panelTitle)).toEqual(['train loss', 'test loss', 'penalty term']);
    expect(spec.title.subtitle.join(' ')).toContain(NO_TEST_ACCURACY);
    expect(plain(accuracySpec([noAcc])).title.subtitle).toEqual(['after each epoch', NO_TEST_ACCURACY]);
    expect(plain(accuracySpec([runs[0] as RunRecord])).title.subtitle).toBe('after each epoch');
    // With another run that has one, the panel is drawn (its rows those of that run).
    const both = plain(curvesSpec([noAcc, runs[0] as RunRecord]));
    expect(both.concat.map(panelTitle)).toContain('test accuracy');
    expect(both.title.subtitle.join(' ')).not.toContain('no test accuracy');
  });

  it('no empty penalty panel for runs with no penalty (none alone), and the subtitle says why', () => {
    const none = runs[0] as RunRecord;
    expect(none.config.penalty).toBe('none');
    const spec = plain(curvesSpec([none]));
    expect(spec.concat.map(panelTitle)).toEqual(['train loss', 'test loss', 'test accuracy']);
    expect(spec.title.subtitle).toContain(NO_PENALTY_TERM);
    // Beside a run with a penalty, the panel is drawn.
    const both = plain(curvesSpec([none, runs[1] as RunRecord]));
    expect(both.concat.map(panelTitle)).toContain('penalty term');
    expect(both.title.subtitle).not.toContain(NO_PENALTY_TERM);
  });

  it('per-batch losses, when recorded, drawn raw and smoothed as TensorBoard does', () => {
    const run = runs[1] as RunRecord;
    const withBatches = {
      ...run,
      epochs: run.epochs.map((e, i) => ({ ...e, batchLosses: { data: [4, 2, 1, 1].map((x) => x + i), penalty: [0.1, 0.1, 0.1, 0.1] } })),
    };
    const rows = plain(curvesSpec([withBatches], { smoothing: 0.5 })).data.values as Array<{ metric: string; kind: string; epoch: number; value: number }>;
    const raw = rows.filter((r) => r.metric === 'train loss' && r.kind === 'batch');
    expect(raw.map((r) => r.epoch).slice(0, 4)).toEqual([0.25, 0.5, 0.75, 1]);
    const smoothed = rows.filter((r) => r.metric === 'train loss' && r.kind === 'smoothed').map((r) => r.value);
    // s1 = 4; s2 = (0.5·0.5·4 + 0.5·2)/(1 − 0.25) = (1 + 1)/0.75
    expect(smoothed[0]).toBeCloseTo(4, 12);
    expect(smoothed[1]).toBeCloseTo(2 / 0.75, 12);
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
    // Epoch means: points only under the per-batch lines, a line where there are none.
    const spec = plain(curvesSpec([withBatches], { smoothing: 0.5 }));
    const epochStroke = (title: string) => spec.concat.find((p: Panel) => panelTitle(p) === title).layer[2].mark.strokeWidth;
    expect([epochStroke('train loss'), epochStroke('test loss'), epochStroke('test accuracy')]).toEqual([0, 2, 2]);
  });

  it('a long record: k batches to a band from their lowest to their highest loss, the moving average at each band end', () => {
    const run = runs[1] as RunRecord;
    // 3 epochs × 500 batches = 1 500 points a series; at most 600 drawn → bands of k = 3 batches.
    const loss = (epoch: number, i: number) => 1 + ((epoch * 500 + i) % 7) / 10 + epoch;
    const long = {
      ...run,
      epochs: run.epochs.map((e, n) => ({ ...e, batchLosses: { data: Array.from({ length: 500 }, (_, i) => loss(n, i)), penalty: Array(500).fill(0.1) } })),
    };
    expect(batchesPerBand([long], 600)).toBe(3);
    const spec = plain(curvesSpec([long], { smoothing: 0.5, maxBatchPoints: 600 }));
    const rows = spec.data.values as Array<{ metric: string; kind: string; epoch: number; value: number; high?: number }>;
    const bands = rows.filter((r) => r.metric === 'train loss' && r.kind === 'batch');
    expect(bands).toHaveLength(500);
    const all = [0, 1, 2].flatMap((n) => Array.from({ length: 500 }, (_, i) => loss(n, i)));
    // Band 10 holds batches 30, 31, 32; it ends at batch 33 of 500 in epoch 1.
    expect(bands[10]).toMatchObject({ value: Math.min(...all.slice(30, 33)), high: Math.max(...all.slice(30, 33)) });
    expect(bands[10]!.epoch).toBeCloseTo(33 / 500, 12);
    const smoothed = rows.filter((r) => r.metric === 'train loss' && r.kind === 'smoothed');
    expect(smoothed).toHaveLength(500);
    expect(smoothed[10]!.value).toBeCloseTo(smooth(all, 0.5)[32] as number, 12);
    // Drawn as an area from `value` to `high`, the note saying how many batches a band holds.
    const panel = spec.concat.find((p: Panel) => panelTitle(p) === 'train loss');
    expect(panel.layer[0].mark.type).toBe('area');
    expect(panel.layer[0].encoding.y2).toEqual({ field: 'high' });
    expect(spec.title.subtitle.join(' ')).toContain('lowest to highest of each 3 batches');
    // A short record keeps one point a batch and a line.
    expect(plain(curvesSpec([long], { maxBatchPoints: 1500 })).concat[0].layer[0].mark.type).toBe('line');
  });
});

describe('penalty shapes', () => {
  it('λ·φ(w) and its slope, sampled through the catalogue: closed forms for L1 and L2', async () => {
    const { curves, missing } = await penaltyCurves(runs, { range: [-1, 1], points: 21 });
    expect(missing).toEqual([]);
    const [l1, l2] = [curves.find((c) => c.spec === runs[1]!.config.penalty)!, curves.find((c) => c.spec === runs[2]!.config.penalty)!];
    for (const p of l1.points) {
      expect(p.value).toBeCloseTo(1e-2 * Math.abs(p.w), 7);
      expect(p.slope).toBeCloseTo(1e-2 * Math.sign(p.w), 7); // 0 at w = 0
    }
    for (const p of l2.points) {
      expect(p.value).toBeCloseTo(1e-2 * p.w * p.w, 7);
      expect(p.slope).toBeCloseTo(2e-2 * p.w, 6);
    }
    const spec = plain(penaltyShapesSpec(curves));
    expect(spec.concat.map((h: { encoding: { y: { field: string } } }) => h.encoding.y.field)).toEqual(['value', 'slope']);
    expect(spec.concat[0].encoding.color.scale.domain).toEqual(runs.map((r) => r.config.penalty));
    // Each penalty's formula in the subtitle, three a line (wide titles would widen the figure).
    expect(spec.title.subtitle.slice(1)).toEqual(['none = 0 · l1:0.01 = λ·Σ|w| · l2:0.01 = λ·Σw²']);
  });

  it('a user penalty is drawn from the curve its record stores; one whose record has none is named (its module never imported)', async () => {
    const logsum = await loadPenalty('./mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05');
    const stored = samplePenaltyCurve(logsum)!;
    // A run whose kernels carry a user penalty, as its record names it (a module that is not there: never imported).
    const withUser = (run: RunRecord, spec: string, curves: RunRecord['config']['penaltyCurves']): RunRecord => ({
      ...run,
      config: {
        ...run.config,
        penalty: spec,
        penaltyModule: './no/such/module.ts',
        penaltyCurves: curves ?? [],
        weights: run.config.weights.map((w) =>
          w.kind === 'kernel' ? { ...w, penalty: { spec, strength: 1e-4, formula: 'λ·Σ φ(w)', source: 'user' as const } } : w,
        ),
      },
    });
    const user = withUser(runs[0] as RunRecord, 'logsum:1e-4,eps=0.05', [stored]);
    const gone = withUser(user, 'gone:1e-4', []);
    const { curves, missing } = await penaltyCurves([user, gone]);
    expect(curves[0]!.points.map((p) => p.w)).toEqual(stored.points.filter((p) => Math.abs(p.w) <= 1).map((p) => p.w));
    const at = (w: number) => curves[0]!.points.find((p) => Math.abs(p.w - w) < 1e-12)!;
    expect(at(0.6).value).toBeCloseTo(1e-4 * Math.log1p(0.6 / 0.05), 9);
    expect(at(0.6).slope).toBeCloseTo(1e-4 / (0.05 + 0.6), 9);
    expect(missing).toEqual(['gone:1e-4']);
    expect(JSON.stringify(penaltyShapesSpec(curves, { missing }))).toContain('not evaluated: gone:1e-4');
  });
});

describe('every view', () => {
  it('compiles to Vega for one run and for several, and its numbers export as CSV', async () => {
    const { curves } = await penaltyCurves(runs);
    for (const view of VIEWS) {
      for (const set of [[runs[0] as RunRecord], runs]) {
        const spec = view.spec(set, { epoch: 1, layer: 'hidden' }, { penalties: curves });
        const vega = await toVega(spec);
        expect(vega.marks?.length ?? 0, view.id).toBeGreaterThan(0);
        const csv = viewCsv(spec);
        expect(csv.split('\n').length, view.id).toBeGreaterThan(2);
      }
    }
  });

  it("of one row of plots fit a page's card of 454 px (a 500-px window) and of 374 (a 420-px window's narrowest: they scrolled in it), and draw a file as before", async () => {
    const { curves } = await penaltyCurves(runs);
    await renderSvg(overlaySpec(runs)); // Vega then measures text with DejaVu Sans, as files and pages do
    for (const id of ['overlay', 'log-abs', 'penalty', 'sparsity', 'prune-curve', 'strength-sparsity']) {
      const spec = await toVega(VIEWS.find((v) => v.id === id)?.spec(runs, {}, { penalties: curves }) as TopLevelSpec);
      const view = new vega.View(vega.parse(spec), { renderer: 'none' });
      try {
        // A file (the page's width at its default): each plot as wide as the figure says, the subtitle as given.
        await view.runAsync();
        expect(view.signal('wrap_fit'), id).toBe(1);
        // A card's: the plots narrower (the penalty shapes' and log10|w|'s one under the other), the subtitle in shorter lines (its longest line alone ~700 px in some).
        for (const card of [454, 374]) {
          view.signal(WRAP_WIDTH, card).resize(); // as a page does when its card narrows
          const svg = await view.toSVG();
          expect(Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]), `${id} in ${card} px`).toBeLessThanOrEqual(card);
        }
        if (id === 'penalty') expect(view.signal('wrap_columns')).toBe(1);
      } finally {
        view.finalize();
      }
    }
  });

  it("cut their legends' labels to what the card leaves them: 320 px in a file, 180 in a card of 300", async () => {
    const long = runs.map((r, i) => ({ ...r, config: { ...r.config, penalty: `${r.config.penalty}${'x'.repeat(60 + i)}` } }));
    const view = new vega.View(vega.parse(await toVega(curvesSpec(long))), { renderer: 'none' });
    const limits = () => {
      const found: number[] = [];
      // The scenegraph: marks (a role, their items) and items (a group's marks), one within the other.
      type Node = { items?: Node[]; role?: string; limit?: number };
      const walk = (node: Node) => {
        if (node.role === 'legend-label') found.push(...(node.items ?? []).map((t) => t.limit ?? NaN));
        for (const child of node.items ?? []) walk(child);
      };
      walk((view.scenegraph() as unknown as { root: Node }).root);
      return [...new Set(found)];
    };
    try {
      await view.runAsync();
      expect(limits()).toEqual([320]);
      await view.signal(WRAP_WIDTH, 300).runAsync();
      expect(limits()).toEqual([180]);
    } finally {
      view.finalize();
    }
  });

  it('stack two legends at the bottom where side by side they would not fit the card (the curves of a two-output run: penalty and output)', async () => {
    const names = ['mnist', 'emnist'].map((m) => `multitask_head_for_${m.padEnd(9, '_')}_classifier_output_layer_weights`);
    const two = [runs[0] as RunRecord, withOutputs(runs[1] as RunRecord, names)];
    await renderSvg(overlaySpec(runs)); // Vega then measures text with DejaVu Sans, as files and pages do
    const view = new vega.View(vega.parse(await toVega(curvesSpec(two))), { renderer: 'none' });
    /** Where each legend stands: [x, y] of the scenegraph's legend groups, one per legend. */
    const legends = async (card: number) => {
      view.signal(WRAP_WIDTH, card).resize(); // as a page does when its card narrows
      await view.runAsync();
      const found: Array<[number, number]> = [];
      type Node = { items?: Node[]; role?: string; x?: number; y?: number };
      const walk = (node: Node) => {
        if (node.role === 'legend') found.push(...(node.items ?? []).map((l): [number, number] => [l.x ?? NaN, l.y ?? NaN]));
        for (const child of node.items ?? []) walk(child);
      };
      walk((view.scenegraph() as unknown as { root: Node }).root);
      return found;
    };
    try {
      await view.runAsync();
      const own = view.signal(WRAP_WIDTH) as number;
      // In a file, side by side (one row); in a 386-px card one under the other (side by side they took 575 px of it).
      const [file, card] = [await legends(own), await legends(386)];
      expect(file).toHaveLength(2);
      expect(file[0]?.[1]).toBe(file[1]?.[1]);
      expect(card[0]?.[0]).toBe(card[1]?.[0]);
      expect(card[1]?.[1]).toBeGreaterThan(card[0]?.[1] as number);
    } finally {
      view.finalize();
    }
  });

  it('selections: a layer, one weight tensor, kernels or biases', () => {
    const s = snapshots(runs[0] as RunRecord)[1]!;
    const count = (layer: string) => {
      const h = binnedHistogram(s, { layer, range: [-5, 5], bins: 10 })!;
      return h.count;
    };
    expect([count('all'), count('hidden'), count('hidden/kernel'), count('kernels'), count('biases'), count('out')]).toEqual([163, 112, 96, 144, 19, 51]);
    expect(binnedHistogram(s, { layer: 'nope' })).toBeUndefined();
  });
});

describe('re-binning a record', () => {
  it('every histogram of the record at the bins and range asked for, from the fine histograms', () => {
    const r = rebinRun(runs[1] as RunRecord, { bins: 30, range: [-0.6, 0.6] });
    const s = r.epochs[2]!;
    expect([s.histogram.lo, s.histogram.hi, s.histogram.density.length]).toEqual([-0.6, 0.6, 30]);
    expect(s.layers[0]?.histogram.density).toHaveLength(30);
    expect(s.layers[0]?.weights?.[0]?.histogram.density).toHaveLength(30);
    // Bins of 0.04 are 10 fine bins each: counts are whole numbers.
    const counts = s.histogram.density.map((d) => d * 0.04 * s.histogram.count);
    for (const c of counts) expect(Math.abs(c - Math.round(c))).toBeLessThan(1e-9);
    expect(counts.reduce((a, c) => a + c, 0) + s.histogram.below + s.histogram.above).toBeCloseTo(s.histogram.count, 6);
  });

  it('records without fine histograms re-bin their 100 bins in proportion', () => {
    const r = rebinRun(coarse(runs[1] as RunRecord), { bins: 50 });
    const before = (runs[1] as RunRecord).epochs[0]!.histogram.density;
    const after = r.epochs[0]!.histogram.density;
    expect(after).toHaveLength(50);
    after.forEach((d, i) => expect(d).toBeCloseTo(((before[2 * i] as number) + (before[2 * i + 1] as number)) / 2, 9));
  });
});
