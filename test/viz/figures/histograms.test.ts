import { describe, expect, it } from 'vitest';
import { snapshots } from '../../../src/formats/run.ts';
import { binRows, compareHistogramsSpec, epochHistogramSpec, histogramGridSpec, layerHistogramSpec, spreadEpochs } from '../../../src/viz/figures/index.ts';
import { makeRunRecord, withScores } from '../../fixtures/run-record-fixture.ts';
import { headerLabels, plain } from './spec-helpers.ts';

const run = withScores(makeRunRecord({ epochs: 5, penalty: 'deadzone:1e-4,a=0.25' }), 3, { testLoss: 0.041234, testAcc: 0.987149 });

describe('epochHistogramSpec', () => {
  it('titles the chart epoch=E loss=L acc=A with 4 decimals', () => {
    const spec = plain(epochHistogramSpec(run, 3));
    expect(spec.title.text).toBe('epoch=3 loss=0.0412 acc=0.9871');
  });

  it('puts the penalty spec and the below/above/zero counts in the subtitle', () => {
    const s = run.epochs[2];
    const [penalty, counts] = plain(epochHistogramSpec(run, 3)).title.subtitle;
    expect(penalty).toContain('deadzone:1e-4,a=0.25');
    expect(counts).toContain(`below −1: ${s?.histogram.below}`);
    expect(counts).toContain(`above 1: ${s?.histogram.above}`);
    expect(counts).toContain(`exactly 0: ${s?.histogram.zeros.toLocaleString('en-US')}`);
  });

  it("draws one bar per bin with the record's densities, x over [lo, hi]", () => {
    const spec = plain(epochHistogramSpec(run, 3));
    const h = run.epochs[2]?.histogram;
    expect(spec.data.values.map((r: { density: number }) => r.density)).toEqual(h?.density);
    expect(spec.data.values[0]).toEqual({ bin: 0, x0: -1, x1: -0.98, density: h?.density[0] });
    expect(spec.data.values.at(-1).x1).toBeCloseTo(1, 12);
    expect(spec.encoding.x).toMatchObject({ field: 'x0', title: 'weight', scale: { domain: [-1, 1] } });
    expect(spec.encoding.y).toMatchObject({ field: 'density', title: 'density', scale: { type: 'linear' } });
    expect(spec.mark.type).toBe('bar');
  });

  it('uses the initial model for epoch 0 and refuses an epoch the run does not have', () => {
    expect(plain(epochHistogramSpec(run, 0)).data.values.map((r: { density: number }) => r.density)).toEqual(run.initial.histogram.density);
    expect(plain(epochHistogramSpec(run, 0)).title.text).toMatch(/^epoch=0 loss=\d\.\d{4} acc=\d\.\d{4}$/);
    expect(() => epochHistogramSpec(run, 6)).toThrow(/no epoch 6/);
  });

  it('takes a fixed y maximum and a log (symlog) scale', () => {
    expect(plain(epochHistogramSpec(run, 3, { yMax: 40 })).encoding.y.scale).toMatchObject({ domainMin: 0, domainMax: 40 });
    const log = plain(epochHistogramSpec(run, 3, { scale: 'log', yMax: 40 })).encoding.y;
    expect(log.scale).toMatchObject({ type: 'symlog', domainMax: 40 });
    // The symlog constant is one weight's density: bins / (range · count).
    expect(log.scale.constant).toBeCloseTo(100 / (2 * run.initial.histogram.count), 12);
    expect(log.axis.values).toEqual([0, 1e-4, 1e-3, 1e-2, 0.1, 1, 10]);
  });
});

describe('histogramGridSpec', () => {
  const spec = plain(histogramGridSpec(run));

  it('has one panel per snapshot, headed by its title, wrapped in columns', () => {
    expect(spec.facet.field).toBe('panel');
    expect(headerLabels(spec.facet.header)).toEqual(snapshots(run).map((s) => `epoch=${s.epoch} loss=${s.testLoss!.toFixed(4)} acc=${s.testAcc!.toFixed(4)}`));
    expect(headerLabels(spec.facet.header)[3]).toBe('epoch=3 loss=0.0412 acc=0.9871');
    expect(spec.columns).toBeGreaterThan(1);
  });

  it('shares x and y scales, with explicit domains', () => {
    expect(spec.resolve).toEqual({ scale: { x: 'shared', y: 'shared' } });
    expect(spec.spec.encoding.x.scale.domain).toEqual([-1, 1]);
    const top = Math.max(...snapshots(run).flatMap((s) => s.histogram.density));
    expect(spec.spec.encoding.y.scale.domainMax).toBeGreaterThanOrEqual(top);
    expect(spec.spec.encoding.y.scale.domainMax).toBeLessThan(top * 1.3);
  });

  it("holds every snapshot's densities", () => {
    for (const [panel, s] of snapshots(run).entries()) {
      const rows = spec.data.values.filter((r: { panel: number }) => r.panel === panel);
      expect(rows.map((r: { density: number }) => r.density)).toEqual(s.histogram.density);
      expect(rows[0].epoch).toBe(s.epoch);
    }
  });
});

describe('compareHistogramsSpec', () => {
  const runs = [
    makeRunRecord({ epochs: 6, penalty: 'none' }),
    makeRunRecord({ epochs: 6, penalty: 'l1:1e-4', seed: 2 }),
    makeRunRecord({ epochs: 4, penalty: 'logsum:1e-4,eps=0.05', seed: 3 }),
  ];

  it('puts epochs in rows and runs in columns headed by their penalty specs, on shared scales', () => {
    const spec = plain(compareHistogramsSpec(runs, { epochs: [0, 2, 4] }));
    expect(spec.facet.row.field).toBe('row');
    expect(spec.facet.column.field).toBe('col');
    expect(headerLabels(spec.facet.column.header)).toEqual(['none', 'l1:1e-4', 'logsum:1e-4,eps=0.05']);
    expect(headerLabels(spec.facet.row.header)).toEqual(['epoch=0', 'epoch=2', 'epoch=4']);
    expect(spec.resolve).toEqual({ scale: { x: 'shared', y: 'shared' } });
    const bars = spec.spec.layer[0];
    expect(bars.encoding.x.scale.domain).toEqual([-1, 1]);
    expect(typeof bars.encoding.y.scale.domainMax).toBe('number');
  });

  it("places each run's densities at its epoch, with a loss/acc note", () => {
    const spec = plain(compareHistogramsSpec(runs, { epochs: [0, 2, 4] }));
    for (const [col, r] of runs.entries()) {
      const rows = spec.data.values.filter((v: { col: number; epoch: number }) => v.col === col && v.epoch === 2);
      const s = r.epochs[1];
      expect(rows.map((v: { density: number }) => v.density)).toEqual(s?.histogram.density);
      expect(rows[0].run).toBe(r.config.penalty);
      expect(rows[0].note).toBe(`loss=${s!.testLoss!.toFixed(4)} acc=${s!.testAcc!.toFixed(4)}`);
    }
  });

  it('marks a run without the epoch, and refuses epochs no run has', () => {
    const spec = plain(compareHistogramsSpec(runs, { epochs: [6] }));
    const missing = spec.data.values.filter((v: { col: number }) => v.col === 2);
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ density: null, note: 'no epoch 6 (last: 4)' });
    expect(() => compareHistogramsSpec(runs, { epochs: [7] })).toThrow(/no run has epoch 7/);
  });

  it('shows up to four epochs spread over the runs by default', () => {
    expect(spreadEpochs(12)).toEqual([0, 4, 8, 12]);
    expect(spreadEpochs(2)).toEqual([0, 1, 2]);
    expect(spreadEpochs(0)).toEqual([0]);
    expect(headerLabels(plain(compareHistogramsSpec(runs)).facet.row.header)).toEqual(['epoch=0', 'epoch=2', 'epoch=4', 'epoch=6']);
  });

  it('tells runs with the same penalty apart by name', () => {
    const twins = [makeRunRecord({ epochs: 1, seed: 1 }), makeRunRecord({ epochs: 1, seed: 2 })];
    expect(headerLabels(plain(compareHistogramsSpec(twins)).facet.column.header)).toEqual(['l1:1e-4 (l1_1e-4-seed1)', 'l1:1e-4 (l1_1e-4-seed2)']);
  });
});

describe('layerHistogramSpec', () => {
  it("has one panel per layer with that layer's densities, a shared x and the snapshot title", () => {
    const spec = plain(layerHistogramSpec(run, 3));
    const s = run.epochs[2];
    expect(spec.title.text).toBe('epoch=3 loss=0.0412 acc=0.9871');
    expect(headerLabels(spec.facet.header)).toEqual([
      'conv2d_1 · 320 weights',
      'conv2d_2 · 18,496 weights',
      'dense_1 · 1,179,776 weights',
      'dense_2 · 1,290 weights',
    ]);
    for (const [panel, layer] of (s?.layers ?? []).entries()) {
      const rows = spec.data.values.filter((v: { panel: number }) => v.panel === panel);
      expect(rows.map((v: { density: number }) => v.density)).toEqual(layer.histogram.density);
      expect(rows[0].layer).toBe(layer.name);
    }
    expect(spec.resolve.scale.x).toBe('shared');
    expect(spec.spec.encoding.x.scale.domain).toEqual([-1, 1]);
  });
});

describe('binRows', () => {
  it('splits [lo, hi] into equal bins', () => {
    const rows = binRows({ lo: -1, hi: 1, density: [0.25, 0.75] });
    expect(rows).toEqual([
      { bin: 0, x0: -1, x1: 0, density: 0.25 },
      { bin: 1, x0: 0, x1: 1, density: 0.75 },
    ]);
  });
});
