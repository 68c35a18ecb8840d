import { describe, expect, it } from 'vitest';
import { type RunRecord, snapshots } from '../../../src/formats/run.ts';
import { constraint, fit, tf } from '../../../src/index.ts';
import { renderSvg } from '../../../src/render/render.ts';
import {
  compareNormsGridSpec,
  constraintLines,
  constraintText,
  hasNorms,
  layerBounds,
  normBins,
  normCurve,
  normCurvesSpec,
  normLayerLabel,
  normsGridSpec,
  normsLimits,
  normTicks,
  projectedSpec,
  runLabels,
  shortPercent,
  spreadEpochs,
} from '../../../src/viz/figures/index.ts';
import { pageModel } from '../../../src/viz/report/index.ts';
import { makeRunRecord, REFERENCE_LAYERS, withoutNorms } from '../../fixtures/run-record-fixture.ts';
import { headerLabels, plain } from './spec-helpers.ts';

const rowsOf = (spec: any, kind: string): any[] => spec.data.values.filter((v: { kind: string }) => v.kind === kind);
const layerOf = (spec: any, kind: string): any => spec.spec.layer.find((l: any) => l.transform?.[0]?.filter === `datum.kind === '${kind}'`);

const LAYERS = REFERENCE_LAYERS;
const normLayerLabelOf = (run: RunRecord, layer: string) => normLayerLabel([run], layer);
const run = makeRunRecord({ epochs: 4, penalty: 'l1:1e-4', layers: LAYERS });
const bounded = makeRunRecord({ epochs: 4, penalty: 'none', layers: LAYERS, constraintBounds: { max: 2, axis: 0 } });

/** `run` with its constraint on the first layer's kernel only. */
function onFirst(run: RunRecord): RunRecord {
  const first = run.config.weights[0]!.layer;
  return { ...run, config: { ...run.config, weights: run.config.weights.map((w) => (w.layer === first ? w : (({ constraint: _, ...rest }) => rest)(w))) } };
}

describe("the fixture's channel norms", () => {
  it("has norms per layer with the reference CNN's channel counts, mean and max", () => {
    expect(run.config.trackNorms).toBe('epoch');
    for (const s of snapshots(run)) {
      expect(s.norms.map((n) => [n.layer, n.norms.length])).toEqual([
        ['conv2d_1', 32],
        ['conv2d_2', 64],
        ['conv2d_3', 128],
        ['dense_1', 128],
        ['dense_2', 10],
      ]);
      for (const n of s.norms) {
        expect(n.mean).toBeCloseTo(n.norms.reduce((a, x) => a + x, 0) / n.norms.length, 12);
        expect(n.max).toBe(Math.max(...n.norms));
        expect(n.projected).toBeUndefined();
      }
    }
    expect(run.epochs[0]?.batchNorms).toBeUndefined();
  });

  it("clips norms to a constraint's bounds and records the projected share after epoch 0", () => {
    expect(bounded.config.constraint).toBe('maxnorm:m=2,axis=0');
    for (const w of bounded.config.weights)
      expect(w.constraint).toEqual(w.kind === 'kernel' ? { spec: 'maxnorm:m=2,axis=0', source: 'builtin', bounds: { max: 2, axis: 0 } } : undefined);
    expect(bounded.initial.norms.every((n) => n.projected === undefined)).toBe(true);
    for (const e of bounded.epochs)
      for (const n of e.norms) {
        expect(n.max).toBeLessThanOrEqual(2);
        expect(n.projected).toBeGreaterThanOrEqual(0);
        expect(n.projected).toBeLessThanOrEqual(1);
      }
    expect(bounded.epochs.at(-1)?.norms.some((n) => (n.projected ?? 0) > 0.2)).toBe(true);
  });

  it('records batch norms and the optimiser when asked, and old records lack norms', () => {
    const r = makeRunRecord({ epochs: 2, layers: LAYERS, batchNorms: 10, optimizer: 'adamw:lr=0.001,wd=1e-4' });
    expect(r.config).toMatchObject({ trackNorms: 'batch', optimizer: 'adamw:lr=0.001,wd=1e-4' });
    expect(r.epochs[1]?.batchNorms?.map((b) => b.batch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.epochs[1]?.batchNorms?.at(-1)?.layers.map((l) => l.mean)).toEqual(r.epochs[1]?.norms.map((n) => n.mean));
    const old = withoutNorms(r);
    expect(hasNorms(old)).toBe(false);
    expect('norms' in old.initial).toBe(false);
    expect('trackNorms' in old.config).toBe(false);
  });
});

describe('normBins and normTicks', () => {
  it('bins norms right-closed over [0, xMax] as shares, counting norms beyond xMax', () => {
    const { rows, above } = normBins([0, 0.5, 1, 1, 1.7, 2.5], 2, 4);
    expect(rows.map((r) => [r.x0, r.x1])).toEqual([
      [0, 0.5],
      [0.5, 1],
      [1, 1.5],
      [1.5, 2],
    ]);
    // 0 and 0.5 in (0, 0.5]; 1 twice in (0.5, 1]; 1.7 in (1.5, 2]; 2.5 beyond.
    expect(rows.map((r) => r.share * 6)).toEqual([2, 2, 0, 1]);
    expect(above).toBe(1);
  });

  it('puts ticks at round steps', () => {
    expect(normTicks(2.5)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(normTicks(4)).toEqual([0, 1, 2, 3, 4]);
    expect(normTicks(1.5)).toEqual([0, 0.5, 1, 1.5]);
  });
});

describe('normsGridSpec', () => {
  const spec = plain(normsGridSpec(run));
  /** Every column's rows of `kind`. */
  const allRows = (spec: any, kind: string): any[] => spec.hconcat.flatMap((c: any) => rowsOf(c, kind));
  const LABELS = ['conv2d_1 · 32 ch', 'conv2d_2 · 64 ch', 'conv2d_3 · 128 ch', 'dense_1 · 128 ch', 'dense_2 · 10 ch'];

  it('has rows = epochs 0..N and columns = layers with their channel counts', () => {
    expect(spec.hconcat.map((c: any) => c.title.text)).toEqual(LABELS);
    for (const c of spec.hconcat) {
      expect(c.facet.row.field).toBe('row');
      expect(headerLabels(c.facet.row.header)).toEqual(['epoch=0', 'epoch=1', 'epoch=2', 'epoch=3', 'epoch=4']);
    }
    // The row labels on the first column only.
    expect(spec.hconcat[0].facet.row.header.labels).toBeUndefined();
    expect(spec.hconcat.slice(1).every((c: any) => c.facet.row.header.labels === false)).toBe(true);
  });

  it('shows up to six spread epochs of a long run, or the epochs asked for', () => {
    const long = makeRunRecord({ epochs: 20, layers: LAYERS });
    expect(headerLabels(plain(normsGridSpec(long)).hconcat[0].facet.row.header)).toEqual(spreadEpochs(20, 6).map((e) => `epoch=${e}`));
    expect(spreadEpochs(20, 6)).toEqual([0, 4, 8, 12, 16, 20]);
    expect(headerLabels(plain(normsGridSpec(long, { epochs: [0, 20] })).hconcat[0].facet.row.header)).toEqual(['epoch=0', 'epoch=20']);
  });

  it('gives each layer its own norm axis, fitted to its norms, and every cell one share axis', () => {
    const yTops = new Set<number>();
    for (const [col, c] of spec.hconcat.entries()) {
      const bars = layerOf(c, 'bar');
      expect(c.resolve).toEqual({ scale: { x: 'shared', y: 'shared' } });
      const [x0, xMax] = bars.encoding.x.scale.domain;
      const [y0, yMax] = bars.encoding.y.scale.domain;
      expect([x0, y0]).toEqual([0, 0]);
      const norms = snapshots(run).flatMap((s) => s.norms[col]!.norms);
      expect(xMax).toBeGreaterThanOrEqual(Math.max(...norms));
      expect(xMax).toBeLessThan(Math.max(...norms) * 1.6);
      expect(rowsOf(c, 'bar').every((r) => r.x0 >= 0 && r.x1 <= xMax + 1e-12)).toBe(true);
      yTops.add(yMax);
    }
    expect(yTops.size).toBe(1);
    const [yMax] = [...yTops];
    const shares = allRows(spec, 'bar').map((r) => r.share);
    expect(yMax).toBeGreaterThanOrEqual(Math.max(...shares));
    expect(yMax).toBeLessThanOrEqual(1);
    // The first conv's norms (~1) and dense_1's (~15) are not on one axis.
    const tops = spec.hconcat.map((c: any) => layerOf(c, 'bar').encoding.x.scale.domain[1]);
    expect(tops[3] / tops[0]).toBeGreaterThan(3);
  });

  it("holds each cell's channel norms as shares adding up to 1", () => {
    for (const [row, s] of snapshots(run).entries()) {
      for (const [col, n] of s.norms.entries()) {
        const cell = rowsOf(spec.hconcat[col], 'bar').filter((r) => r.row === row && r.col === col);
        expect(cell).toHaveLength(40);
        expect(cell[0]).toMatchObject({ epoch: s.epoch, layer: n.layer });
        expect(cell.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
        expect(cell.reduce((a, r) => a + r.share * n.norms.length, 0)).toBeCloseTo(n.norms.length, 9);
      }
    }
  });

  it('honours given xMax/yMax (every column), so runs with different penalty strengths compare on the same axes', () => {
    const weak = makeRunRecord({ epochs: 4, penalty: 'l2:1e-4', layers: LAYERS });
    const strong = makeRunRecord({ epochs: 4, penalty: 'l2:1e-3', layers: LAYERS });
    const limits = normsLimits([weak, strong]);
    for (const r of [weak, strong]) {
      for (const c of plain(normsGridSpec(r, limits)).hconcat) {
        expect(layerOf(c, 'bar').encoding.x.scale.domain).toEqual([0, limits.xMax]);
        expect(layerOf(c, 'bar').encoding.y.scale.domain).toEqual([0, limits.yMax]);
      }
    }
    const fixed = plain(normsGridSpec(strong, { xMax: 1, yMax: 0.6 }));
    expect(layerOf(fixed.hconcat[2], 'bar').encoding.x.scale.domain).toEqual([0, 1]);
    expect(layerOf(fixed.hconcat[2], 'bar').encoding.y.scale.domain).toEqual([0, 0.6]);
    // Norms beyond a given xMax are counted in the cell's note.
    expect(allRows(fixed, 'note').some((r) => / > 1$/.test(r.note))).toBe(true);
  });

  it("draws the constraint's bounds as vertical rules and notes the projected share per cell", () => {
    const spec = plain(normsGridSpec(bounded));
    for (const c of spec.hconcat) {
      const rule = layerOf(c, 'bound');
      expect(rule.mark.type).toBe('rule');
      expect(rule.encoding.x.field).toBe('bound');
      expect(rule.encoding.x.scale.domain).toEqual(layerOf(c, 'bar').encoding.x.scale.domain);
      expect(rule.encoding.y).toBeUndefined();
      expect(layerOf(c, 'bar').encoding.x.scale.domain[1]).toBeGreaterThan(2);
    }
    const rules = allRows(spec, 'bound');
    expect(rules).toHaveLength(5 * 5);
    expect(new Set(rules.map((r) => r.bound))).toEqual(new Set([2]));
    for (const [row, e] of [bounded.initial, ...bounded.epochs].entries()) {
      for (const [col, n] of e.norms.entries()) {
        const notes = rowsOf(spec.hconcat[col], 'note')
          .filter((r) => r.row === row)
          .map((r) => r.note);
        expect(notes).toEqual(n.projected === undefined ? [] : [`projected ${shortPercent(n.projected)}`]);
      }
    }
    expect(spec.title.subtitle.join(' ')).toContain('maxnorm:m=2,axis=0');
    // With the constraint on the first layer's kernel only, only that column has rules.
    const first = allRows(plain(normsGridSpec(onFirst(bounded))), 'bound');
    expect(first).toHaveLength(5);
    expect(new Set(first.map((r) => r.col))).toEqual(new Set([0]));
    expect(allRows(plain(normsGridSpec(run)), 'bound')).toEqual([]);
  });

  it("draws no bound on a frozen layer's panel (its kernel is never updated, so a constraint never acts on it)", () => {
    const first = bounded.config.weights[0]!.layer;
    const frozen: RunRecord = {
      ...bounded,
      config: { ...bounded.config, weights: bounded.config.weights.map((w) => (w.layer === first ? { ...w, trainable: false } : w)) },
    };
    const rules = allRows(plain(normsGridSpec(frozen)), 'bound');
    expect(rules).toHaveLength(4 * 5);
    expect(new Set(rules.map((r) => r.col))).toEqual(new Set([1, 2, 3, 4]));
    const curves = plain(normCurvesSpec([frozen]));
    expect(JSON.stringify(curves)).toContain('"bound":2');
    const page = pageModel([frozen]);
    expect(page.runs[0]?.bounds.map((b) => b.length)).toEqual([0, 1, 1, 1, 1]);
    // The figure's words say it too (they had said 'on every kernel' alone).
    expect(constraintText(frozen)).toBe(`maxnorm:m=2,axis=0 (max=2, axis=0) on every kernel (${first} frozen: it never acts there)`);
  });

  it('draws both bounds of minmaxnorm and the one of unitnorm', () => {
    const minmax = makeRunRecord({ epochs: 1, layers: LAYERS, constraintBounds: { min: 0.5, max: 1.5, axis: 0 } });
    expect([...new Set(allRows(plain(normsGridSpec(minmax)), 'bound').map((r) => r.bound))]).toEqual([0.5, 1.5]);
    const unit = makeRunRecord({ epochs: 1, layers: LAYERS, constraintBounds: { min: 1, max: 1, axis: 0 } });
    expect([...new Set(allRows(plain(normsGridSpec(unit)), 'bound').map((r) => r.boundLabel))]).toEqual(['norm=1']);
  });

  it('does not crash on records without norms: it says so instead', async () => {
    const spec = plain(normsGridSpec(withoutNorms(run)));
    expect(spec.hconcat).toBeUndefined();
    expect(JSON.stringify(spec)).toContain('no channel norms');
    await expect(renderSvg(normsGridSpec(withoutNorms(run)))).resolves.toContain('no channel norms');
  });
});

describe('compareNormsGridSpec', () => {
  const adamL2 = makeRunRecord({ epochs: 6, penalty: 'l2:1e-4', layers: LAYERS, optimizer: 'adam:lr=0.001' });
  const adamw = makeRunRecord({ epochs: 6, penalty: 'none', layers: LAYERS, optimizer: 'adamw:lr=0.001,wd=1e-4', seed: 2 });
  const short = makeRunRecord({ epochs: 3, penalty: 'l1:1e-4', layers: LAYERS, seed: 3 });

  it('rows = runs, columns = layers: each column on its own norm axis, bars after the last epoch over the initial outline', () => {
    const spec = plain(compareNormsGridSpec([adamL2, adamw]));
    expect(spec.hconcat.map((c: any) => c.title.text)).toEqual(LAYERS.map((l) => normLayerLabelOf(adamL2, l)));
    for (const [col, column] of spec.hconcat.entries()) {
      const layer = LAYERS[col]!;
      // Its own axis: the largest norm of this layer over both runs' shown and initial snapshots.
      const norms = [adamL2, adamw].flatMap((r) =>
        [0, 6].flatMap(
          (e) =>
            snapshots(r)
              .find((s) => s.epoch === e)!
              .norms.find((n) => n.layer === layer)!.norms,
        ),
      );
      const [, xMax] = layerOf(column, 'bar').encoding.x.scale.domain;
      expect(xMax).toBeGreaterThanOrEqual(Math.max(...norms));
      expect(xMax).toBeLessThan(2 * Math.max(...norms));
      expect(headerLabels(column.facet.row.header)).toEqual(['l2:1e-4 · adam:lr=0.001', 'none · adamw:lr=0.001,wd=1e-4']);
      for (const [row, run] of [adamL2, adamw].entries()) {
        const at = (kind: string) => rowsOf(column, kind).filter((v) => v.row === row);
        const last = run.epochs.at(-1)!.norms.find((n) => n.layer === layer)!.norms;
        expect(at('bar').reduce((a, v) => a + v.share * last.length, 0)).toBeCloseTo(last.length, 6);
        expect(at('initial').map((v) => v.share)).toEqual([
          ...normBins(run.initial.norms.find((n) => n.layer === layer)!.norms, xMax).rows.map((r) => r.share),
          at('initial').at(-2).share,
        ]);
      }
    }
    // One share axis everywhere.
    expect(new Set(spec.hconcat.map((c: any) => layerOf(c, 'bar').encoding.y.scale.domain[1])).size).toBe(1);
    expect(spec.title.subtitle[0]).toContain('bars after epoch 6');
  });

  it('says where a run has no such epoch or no norms', () => {
    const spec = plain(compareNormsGridSpec([adamL2, short, withoutNorms(adamw)]));
    const notes = rowsOf(spec.hconcat[0], 'note');
    expect(notes.map((n) => [n.row, n.note])).toEqual([
      [1, 'no epoch 6'],
      [2, 'no norms'],
    ]);
    expect(plain(compareNormsGridSpec([short, adamL2], { epoch: 3 })).title.subtitle[0]).toContain('bars after epoch 3');
  });

  it('labels a small norm axis exactly (0.25, not 0.3)', async () => {
    const svg = await renderSvg(compareNormsGridSpec([adamL2], { xMax: 1 }));
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toContain('0.25');
    expect(labels).toContain('0.75');
  });
});

describe('a frozen layer’s norms (its kernel not trainable)', () => {
  /** `run` with dense_1 frozen, as a model with `trainable: false` on it records it. */
  const frozen: RunRecord = {
    ...run,
    config: { ...run.config, weights: run.config.weights.map((w) => (w.layer === 'dense_1' ? { ...w, trainable: false } : w)) },
  };

  it('are labelled non-trainable in the norm histograms, the norm curves and the report, as in the layer histograms', async () => {
    expect(normLayerLabel([frozen], 'dense_1')).toBe('dense_1 (non-trainable) · 128 ch');
    expect(normLayerLabel([frozen], 'conv2d_1')).toBe('conv2d_1 · 32 ch');
    expect(plain(normsGridSpec(frozen)).hconcat.map((c: any) => c.title.text)).toContain('dense_1 (non-trainable) · 128 ch');
    expect(headerLabels(plain(normCurvesSpec([frozen])).facet.header)).toContain('dense_1 (non-trainable) · 128 ch');
    expect(pageModel([frozen]).norms?.labels).toContain('dense_1 (non-trainable) · 128 ch');
    // Drawn: before, the frozen layer's panel read `dense_1 · 128 ch`, like the trained ones.
    expect(await renderSvg(normCurvesSpec([frozen]))).toContain('>dense_1 (non-trainable) · 128 ch<');
  });
});

describe("an Embedding's norms: one per row (token), in a run's record and its figures", () => {
  it('records ‖E[i, :]‖₂ of each of its rows, labels them `rows`, says so in the subtitles, and draws the axis=1 bound that holds them', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({
          name: 'emb',
          inputDim: 5,
          outputDim: 3,
          inputLength: 4,
          embeddingsInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 2 }),
          embeddingsConstraint: constraint('maxnorm:m=1,axis=1'),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ name: 'out', units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      ],
    });
    const x = tf.tensor2d(
      Array.from({ length: 32 }, (_, i) => (i * 7) % 5),
      [8, 4],
    );
    const y = tf.tensor1d([0, 1, 0, 1, 1, 0, 1, 0]);
    const record = await fit(model, { x, y }, { epochs: 1, batchSize: 4, seed: 1, loss: 'sparseCategoricalCrossentropy' });
    const e = Array.from(model.getLayer('emb').getWeights()[0]!.dataSync());
    const rows = [0, 1, 2, 3, 4].map((i) => Math.hypot(...e.slice(3 * i, 3 * i + 3)));
    const norms = record.epochs.at(-1)!.norms.find((n) => n.layer === 'emb')!;
    norms.norms.forEach((n, i) => expect(n).toBeCloseTo(rows[i]!, 6));
    expect(Math.max(...norms.norms)).toBeLessThanOrEqual(1 + 1e-5);
    expect(normLayerLabel([record], 'emb')).toBe('emb · 5 rows');
    expect(normLayerLabel([record], 'out')).toBe('out · 2 ch');
    expect(layerBounds(record, 'emb')).toMatchObject({ max: 1, axis: 1 });
    const note = '(emb: of each embedding row, one per token)';
    expect(plain(normsGridSpec(record)).title.subtitle.join(' ')).toContain(note);
    expect(plain(normCurvesSpec([record])).title.subtitle.join(' ')).toContain(note);
    expect(plain(projectedSpec([record])).title.subtitle.join(' ')).toContain(note);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe("a SeparableConv2D's norm panel", () => {
  it('takes its bound from the pointwise kernel, whose norms it shows, not from the depthwise kernel before it', () => {
    const kernel = bounded.config.weights.find((w) => w.layer === 'conv2d_1' && w.kind === 'kernel')!;
    const sep: RunRecord = {
      ...bounded,
      config: {
        ...bounded.config,
        weights: bounded.config.weights.flatMap((w) =>
          w === kernel
            ? [
                // A multiplier of 1: its 32 norms are the pointwise kernel's (an older record's would be 1, the depthwise kernel's).
                {
                  ...w,
                  name: 'conv2d_1/depthwise_kernel',
                  shape: [9, 1],
                  constraint: { spec: 'maxnorm:m=5,axis=0', source: 'builtin', bounds: { max: 5, axis: 0 } },
                },
                { ...w, name: 'conv2d_1/pointwise_kernel', shape: [1, 32] },
              ]
            : [w],
        ),
      },
    };
    expect(layerBounds(sep, 'conv2d_1')).toEqual(kernel.constraint!.bounds);
  });
});

describe('normCurvesSpec', () => {
  it('draws mean and max per layer after each epoch: a panel per layer, dashes for the statistic', () => {
    const spec = plain(normCurvesSpec([run]));
    // A wrapped facet (wrap.ts), the file's five layers in one row.
    expect(spec.facet.field).toBe('panel');
    expect(spec.columns).toBe(5);
    expect(headerLabels(spec.facet.header)).toEqual(['conv2d_1 · 32 ch', 'conv2d_2 · 64 ch', 'conv2d_3 · 128 ch', 'dense_1 · 128 ch', 'dense_2 · 10 ch']);
    const line = spec.spec.layer[0];
    expect(line.mark.type).toBe('line');
    expect(line.encoding.strokeDash.scale.domain).toEqual(['mean', 'max']);
    expect(line.encoding.y.field).toBe('norm');
    expect(line.encoding.x.field).toBe('epoch');
    const curves = rowsOf(spec, 'curve');
    expect(curves).toHaveLength(5 * 2 * 5);
    for (const s of snapshots(run)) {
      for (const [panel, n] of s.norms.entries()) {
        expect(curves).toContainEqual({ kind: 'curve', panel, run: 'l1:1e-4', stat: 'mean', epoch: s.epoch, norm: n.mean, at: 'epoch' });
        expect(curves).toContainEqual({ kind: 'curve', panel, run: 'l1:1e-4', stat: 'max', epoch: s.epoch, norm: n.max, at: 'epoch' });
      }
    }
    expect(rowsOf(spec, 'bound')).toEqual([]);
  });

  it('uses batch norms when recorded, at epoch − 1 + batch/batches', () => {
    const r = makeRunRecord({ epochs: 3, layers: LAYERS, batchNorms: 10 });
    const points = normCurve(r);
    expect(points.filter((p) => p.at === 'batch')).toHaveLength(3 * 10 * 5);
    const b = r.epochs[1]?.batchNorms?.[4];
    const p = points.find((q) => q.at === 'batch' && q.layer === 'dense_1' && Math.abs(q.epoch - 1.5) < 1e-12);
    expect(p?.mean).toBe(b?.layers.find((l) => l.layer === 'dense_1')?.mean);
    const xs = rowsOf(plain(normCurvesSpec([r])), 'curve').map((v) => v.epoch);
    expect(xs).toContain(0.1);
    expect(xs).toContain(2.7);
    expect(plain(normCurvesSpec([r])).title.subtitle[0]).toContain('after every batch');
    // Long epochs are thinned to evenly spread batches, the last one kept.
    const long = makeRunRecord({ epochs: 2, layers: LAYERS, batchNorms: 469 });
    const thinned = normCurve(long).filter((q) => q.at === 'batch' && q.layer === 'conv2d_1');
    expect(thinned).toHaveLength(2 * 50);
    expect(thinned.map((q) => q.epoch)).toContain(2);
    expect(thinned[0]?.epoch).toBeCloseTo(9 / 469, 12);
    // Batches counted from 0 land on the same places.
    const zero = { ...r, epochs: r.epochs.map((e) => ({ ...e, batchNorms: e.batchNorms?.map((x) => ({ ...x, batch: x.batch - 1 })) })) };
    expect(normCurve(zero).map((q) => q.epoch)).toEqual(points.map((q) => q.epoch));
  });

  it("draws the constraint's bounds as horizontal rules in every panel of a layer it acts on, and only there", () => {
    const spec = plain(normCurvesSpec([bounded]));
    const rule = spec.spec.layer.find((l: any) => l.mark.type === 'rule');
    expect(rule.encoding.y.field).toBe('bound');
    expect(rule.encoding.x).toBeUndefined();
    expect(rowsOf(spec, 'bound').map((r) => [r.panel, r.bound, r.label])).toEqual([0, 1, 2, 3, 4].map((p) => [p, 2, 'max=2']));
    // The constraint on the first layer's kernel only: its panel alone has the rule.
    expect(rowsOf(plain(normCurvesSpec([onFirst(bounded)])), 'bound').map((r) => [r.panel, r.bound])).toEqual([[0, 2]]);
  });

  it('gives each run one colour, labelled so Adam + L2 and AdamW are told apart', () => {
    const adamL2 = makeRunRecord({ epochs: 3, penalty: 'l2:1e-4', layers: LAYERS, optimizer: 'adam:lr=0.001' });
    const adamw = makeRunRecord({ epochs: 3, penalty: 'none', layers: LAYERS, optimizer: 'adamw:lr=0.001,wd=1e-4' });
    const spec = plain(normCurvesSpec([adamL2, adamw]));
    const color = spec.spec.layer[0].encoding.color;
    expect(color.scale.domain).toEqual(['l2:1e-4 · adam:lr=0.001', 'none · adamw:lr=0.001,wd=1e-4']);
    expect(new Set(color.scale.range).size).toBe(2);
    expect(color.title).toBe('penalty · optimizer');
    expect(new Set(rowsOf(spec, 'curve').map((v) => v.run))).toEqual(new Set(color.scale.domain));
  });

  it('leaves runs without norms out, and says so when none has any', () => {
    const spec = plain(normCurvesSpec([run, withoutNorms(makeRunRecord({ epochs: 2, penalty: 'none' }))]));
    expect(spec.spec.layer[0].encoding.color.scale.domain).toEqual(['l1:1e-4']);
    expect(plain(normCurvesSpec([withoutNorms(run)])).title.text).toBe('Channel norms over training');
    expect(JSON.stringify(plain(normCurvesSpec([withoutNorms(run)])))).toContain('no channel norms');
  });
});

describe('runLabels with optimisers', () => {
  const l2adam = makeRunRecord({ epochs: 1, penalty: 'l2:1e-4', optimizer: 'adam:lr=0.001' });
  const noneAdamw = makeRunRecord({ epochs: 1, penalty: 'none', optimizer: 'adamw:lr=0.001,wd=1e-4' });
  const l2adamw = makeRunRecord({ epochs: 1, penalty: 'l2:1e-4', optimizer: 'adamw:lr=0.001,wd=1e-4' });

  it("adds the optimiser when the runs' optimisers differ", () => {
    expect(runLabels([l2adam, noneAdamw])).toEqual(['l2:1e-4 · adam:lr=0.001', 'none · adamw:lr=0.001,wd=1e-4']);
    // Run records hold normalised specs: parameters at their defaults are left out of labels.
    const full = makeRunRecord({ epochs: 1, penalty: 'none', optimizer: 'adamw:lr=0.001,wd=1e-4,beta1=0.9,beta2=0.98,eps=1e-7' });
    expect(runLabels([l2adam, full])).toEqual(['l2:1e-4 · adam:lr=0.001', 'none · adamw:lr=0.001,wd=1e-4,beta2=0.98']);
    expect(runLabels([l2adam, l2adamw])).toEqual(['l2:1e-4 · adam:lr=0.001', 'l2:1e-4 · adamw:lr=0.001,wd=1e-4']);
  });

  it('keeps penalty-only labels when all runs share the optimiser', () => {
    expect(runLabels([l2adam, makeRunRecord({ epochs: 1, penalty: 'none', optimizer: 'adam:lr=0.001' })])).toEqual(['l2:1e-4', 'none']);
  });
});

describe('constraintText and constraintLines', () => {
  const minmax = makeRunRecord({ epochs: 1, layers: LAYERS, constraintBounds: { min: 0.5, max: 1.5, axis: 0 } });
  const nonneg = makeRunRecord({ epochs: 1, layers: LAYERS, constraint: 'nonneg' });
  it("names the constraint and a norm constraint's bounds", () => {
    expect(constraintText(bounded)).toBe('maxnorm:m=2,axis=0 (max=2, axis=0) on every kernel');
    expect(constraintText(nonneg)).toBe('nonneg on every kernel');
    expect(constraintText(onFirst(bounded))).toBe(`maxnorm:m=2,axis=0 (max=2, axis=0) on ${LAYERS[0]}`);
    expect(constraintText(run)).toBeUndefined();
  });
  it("names the norm's axes as the spec writes them, and perchannel=1's norms by what the last axis is (the fixture's kernels are 2-D: per unit, not axis=0)", () => {
    const perChannel = makeRunRecord({
      epochs: 1,
      layers: LAYERS,
      constraint: 'maxnorm:m=2,perchannel=1',
      constraintBounds: { max: 2, axis: 0, perChannel: true },
    });
    expect(constraintText(perChannel)).toBe('maxnorm:m=2,perchannel=1 (max=2, per unit) on every kernel');
    const filters = makeRunRecord({ epochs: 1, layers: LAYERS, constraint: 'maxnorm:m=2,axis=0+1+2', constraintBounds: { max: 2, axis: [0, 1, 2] } });
    expect(constraintText(filters)).toBe('maxnorm:m=2,axis=0+1+2 (max=2, axis=0+1+2) on every kernel');
  });
  it('gives one line when the runs agree, else one per run led by its label', () => {
    expect(constraintLines([bounded, bounded, run], ['a', 'b', 'c'], 'any')).toEqual(['maxnorm:m=2,axis=0 (max=2, axis=0) on every kernel']);
    expect(constraintLines([bounded, minmax, run], ['a', 'b', 'c'], 'any')).toEqual([
      'a: maxnorm:m=2,axis=0 (max=2, axis=0) on every kernel',
      `b: ${constraintText(minmax)}`,
    ]);
    expect(constraintLines([run], ['a'], 'any')).toEqual([]);
  });
  it('keeps only norm constraints when asked for bounded ones', () => {
    expect(constraintLines([nonneg, bounded], ['a', 'b'], 'bounded')).toEqual(['maxnorm:m=2,axis=0 (max=2, axis=0) on every kernel']);
    expect(constraintLines([nonneg, bounded], ['a', 'b'], 'any')).toEqual([
      'a: nonneg on every kernel',
      'b: maxnorm:m=2,axis=0 (max=2, axis=0) on every kernel',
    ]);
  });
});

describe('projectedSpec', () => {
  it('plots the projected share per epoch and layer, one colour per run, on one y scale', () => {
    const spec = plain(projectedSpec([bounded]));
    expect(spec.resolve).toEqual({ scale: { x: 'shared', y: 'shared' } });
    expect(headerLabels(spec.facet.column.header)).toEqual(LAYERS);
    expect(spec.data.values).toHaveLength(4 * 5);
    for (const e of bounded.epochs) {
      for (const [panel, n] of e.norms.entries()) expect(spec.data.values).toContainEqual({ panel, run: 'none', epoch: e.epoch, projected: n.projected });
    }
    expect(spec.spec.encoding.y.scale.domain[1]).toBeGreaterThanOrEqual(Math.max(...spec.data.values.map((v: any) => v.projected)));
    expect(spec.title.subtitle.join(' ')).toContain('maxnorm:m=2,axis=0');
    // The record's meaning of "projected" (see RunRecord's norms), not the constraint's own slices.
    expect(spec.title.subtitle[0]).toContain('output channels (last axis) in which the constraint changed a weight');
  });

  it('says "no norm constraint" in its title without one', () => {
    expect(plain(projectedSpec([run])).title.text).toContain('no norm constraint');
    expect(plain(projectedSpec([withoutNorms(run)])).title.text).toContain('no norm constraint');
  });
});

describe('rendering the norm figures', () => {
  it('renders them with and without bounds, for one and two runs, and for old records', async () => {
    const two = [makeRunRecord({ epochs: 2, penalty: 'l2:1e-4', layers: LAYERS, optimizer: 'adam:lr=0.001', batchNorms: 5 }), bounded];
    const specs = [
      normsGridSpec(bounded),
      compareNormsGridSpec(two),
      normCurvesSpec(two),
      projectedSpec(two),
      normCurvesSpec([withoutNorms(run)]),
      compareNormsGridSpec([withoutNorms(run)]),
    ];
    for (const spec of specs) expect((await renderSvg(spec)).startsWith('<svg')).toBe(true);
  });
});
