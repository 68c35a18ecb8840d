/**
 * The prune-curve figure on real records (`fit` measuring the curve after epochs 1 and 2 of a small
 * model): one line per run and scope from the record's points, the sparse size under it; runs
 * without a curve left out, and a figure that says so when no run has one; with `epochs`, the
 * curves after each epoch side by side on shared axes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PrunePoint, RunRecord } from '../../../src/formats/run.ts';
import { renderSvg } from '../../../src/render/render.ts';
import { hasPruneCurve, latestPruneCurve, pruneCurveSpec, prunedEpochs, RUN_COLORS, sparsitySpec, toVega } from '../../../src/viz/index.ts';
import { fineRuns } from '../views/fine-runs.ts';
import { plain } from './spec-helpers.ts';

let runs: RunRecord[] = [];
beforeAll(async () => {
  runs = await fineRuns(['none', 'l1:1e-2'], 2, 'all');
});

/** The record without its prune curve, as a run measured with prune off. */
const unpruned = (run: RunRecord): RunRecord => ({ ...run, epochs: run.epochs.map(({ prune: _, ...e }) => e) });
/** The record without the prune curve measured after `epoch`. */
const unprunedAt = (run: RunRecord, epoch: number): RunRecord => ({
  ...run,
  epochs: run.epochs.map(({ prune, ...e }) => (e.epoch === epoch || !prune ? e : { ...e, prune })),
});
type Row = { panel: number; run: string; scope: string; level: string; acc: number; epoch: number };

describe('pruneCurveSpec', () => {
  it('draws each run’s latest curve, both scopes, from the record’s points, with the sparse size below', async () => {
    const spec = plain(pruneCurveSpec(runs));
    expect(spec.title.text).toBe('Prune curve');
    expect(spec.title.subtitle[0]).toContain('after epoch 2');
    const rows = spec.data.values as Array<{ run: string; scope: string; level: string; acc: number; sparse: number; dense: number }>;
    for (const [i, run] of runs.entries()) {
      const curve = latestPruneCurve(run)!.curve;
      const label = run.config.penalty;
      const global = rows.filter((r) => r.run === label && r.scope === 'all kernels together');
      const perLayer = rows.filter((r) => r.run === label && r.scope === 'each layer apart');
      expect(
        global.map((r) => [r.level, r.acc]),
        `run ${i}`,
      ).toEqual(curve.global.map((p) => [String(p.level), p.testAcc]));
      expect(perLayer.map((r) => [r.level, r.acc])).toEqual(curve.perLayer.map((p) => [String(p.level), p.testAcc]));
      expect(global.map((r) => r.sparse)).toEqual(curve.global.map((p) => p.size.sparse / 1024));
    }
    expect(spec.vconcat).toHaveLength(2);
    expect((await toVega(pruneCurveSpec(runs))).marks?.length).toBeGreaterThan(0);
  });

  it('leaves out runs without a curve and names them, and says so when none has one', async () => {
    const spec = plain(pruneCurveSpec([runs[0]!, unpruned(runs[1]!)]));
    expect(new Set(spec.data.values.map((r: { run: string }) => r.run))).toEqual(new Set([runs[0]!.config.penalty]));
    // The run left out is named, not silently dropped from a figure that reads as all the runs.
    expect(spec.title.subtitle).toEqual([
      'test accuracy with the k % smallest kernel weights set to 0, after epoch 2; 0 % is the trained model',
      'curves also measured after epoch 1, not drawn here',
      `no curve measured for "${runs[1]!.config.penalty}"`,
    ]);
    expect(hasPruneCurve([unpruned(runs[0]!)])).toBe(false);
    const none = plain(pruneCurveSpec([unpruned(runs[0]!), unpruned(runs[1]!)]));
    expect(none.title.text).toBe('Prune curve: not measured for these runs');
    expect(none.data.values).toEqual([{ text: 'no run chosen has a prune curve' }]);
    expect((await toVega(pruneCurveSpec([unpruned(runs[0]!)]))).marks?.length).toBe(1);
  });

  it('draws each run in its colour of the other figures, also when an earlier run has no curve', () => {
    const two = [unpruned(runs[0]!), runs[1]!];
    const color = (spec: any) => spec.vconcat[0].encoding.color;
    const prune = color(plain(pruneCurveSpec(two)));
    // The sparsity and accuracy figures give run i RUN_COLORS[i]; before, the prune curve gave the
    // second run the first run's colour, since the first had no curve.
    const sparsity = plain(sparsitySpec(two)).encoding.color.scale;
    expect(prune.scale).toEqual({ domain: [runs[1]!.config.penalty], range: [sparsity.range[1]] });
    expect(prune.scale.range[0]).toBe(RUN_COLORS[1]);
  });

  it('says which measured curves the default leaves out', () => {
    expect(prunedEpochs(runs)).toEqual([1, 2]);
    expect(plain(pruneCurveSpec(runs)).title.subtitle).toEqual([
      'test accuracy with the k % smallest kernel weights set to 0, after epoch 2; 0 % is the trained model',
      'curves also measured after epoch 1, not drawn here',
    ]);
  });
});

describe('pruneCurveSpec with epochs', () => {
  it('draws the curves after each epoch in a panel of their own, each from that epoch’s points, on shared axes', async () => {
    const spec = plain(pruneCurveSpec(runs, { epochs: [1, 2] }));
    expect(spec.title.subtitle).toContain('after epochs 1, 2, one panel each');
    const [accuracy, stored] = spec.vconcat;
    expect(accuracy.hconcat.map((p: { title: string }) => p.title)).toEqual(['after epoch 1', 'after epoch 2']);
    expect(stored.hconcat.every((p: { title?: string }) => p.title === undefined)).toBe(true);
    for (const row of [accuracy, stored]) expect(row.resolve.scale.y).toBe('shared');
    expect(accuracy.hconcat.map((p: { transform: Array<{ filter: string }> }) => p.transform[0]?.filter)).toEqual(['datum.panel === 0', 'datum.panel === 1']);
    const rows = spec.data.values as Row[];
    for (const [panel, epoch] of [1, 2].entries()) {
      for (const run of runs) {
        const curve = run.epochs.find((e) => e.epoch === epoch)!.prune!;
        const global = rows.filter((r) => r.panel === panel && r.run === run.config.penalty && r.scope === 'all kernels together');
        expect(global.map((r) => [r.level, r.acc, r.epoch])).toEqual(curve.global.map((p) => [String(p.level), p.testAcc, epoch]));
      }
    }
    // The two epochs' curves differ (training went on), so each panel shows its own.
    const acc = (panel: number) => rows.filter((r) => r.panel === panel && r.run === runs[1]!.config.penalty).map((r) => r.acc);
    expect(acc(0)).not.toEqual(acc(1));
    expect((await toVega(pruneCurveSpec(runs, { epochs: [1, 2] }))).marks?.length).toBeGreaterThan(0);
  });

  it('leaves a run out of the panel of an epoch it has no curve after, and says so', () => {
    const spec = plain(pruneCurveSpec([runs[0]!, unprunedAt(runs[1]!, 1)], { epochs: [1, 2] }));
    const panel0 = new Set(spec.data.values.filter((r: Row) => r.panel === 0).map((r: Row) => r.run));
    const panel1 = new Set(spec.data.values.filter((r: Row) => r.panel === 1).map((r: Row) => r.run));
    expect(panel0).toEqual(new Set(['none']));
    expect(panel1).toEqual(new Set(['none', runs[1]!.config.penalty]));
    expect(spec.title.subtitle).toContain(`no curve after epoch 1: ${runs[1]!.config.penalty}`);
  });
});

describe('the prune curve’s accuracy axis', () => {
  it('labels every tick apart when the accuracies span a few points (ticks every 0.5 %: 98.5 % is not another 99 %)', async () => {
    const point = (level: number, testAcc: number): PrunePoint => ({
      level,
      testLoss: 0.1,
      testAcc,
      zeros: level / 100,
      layers: [],
      size: { dense: 1000, sparse: 900, ratio: 1.1 },
    });
    const curve = [point(0, 0.99), point(50, 0.985), point(90, 0.97), point(95, 0.955)];
    const last = runs[1]!.epochs.length - 1;
    const run = {
      ...runs[1]!,
      epochs: runs[1]!.epochs.map((e, i) => (i === last ? { ...e, prune: { weights: 1000, global: curve, perLayer: curve, seconds: 1 } } : e)),
    };
    const svg = await renderSvg(pruneCurveSpec([run]));
    const labels = [...svg.matchAll(/>(\d+(?:\.\d)?%)</g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThan(3);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
