/**
 * Run names too long for a legend: every legend whose labels name runs (or their penalties) shows
 * a label longer than 48 characters shortened in its middle (`shortLabels`, through `runColor`), so
 * two runs whose names differ only at their end read apart — Vega cut them at the end, to the same
 * text. A name holding a control character is matched as the figure shows it (escaped). Spec level:
 * each spec compiled and run in Vega, its legend labels read from the scenegraph, in a file and on a narrow card.
 */
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import type { EpochRecord, PrunePoint, RunRecord } from '../../../src/formats/run.ts';
import * as viz from '../../../src/viz/index.ts';
import { pageOverlaySpec } from '../../../src/viz/report/views-specs.ts';
import { makeRunRecord } from '../../fixtures/run-record-fixture.ts';

const point = (level: number): PrunePoint => ({
  level,
  testLoss: 0.1,
  testAcc: 0.9 - level / 200,
  zeros: level / 100,
  layers: [{ name: 'dense_1/kernel', zeros: level / 100 }],
  size: { dense: 4096, sparse: 4096 - 20 * level, ratio: 1 },
});

/** A run named 78 characters, the same as the other's but for its end (the second's with a control character there). */
function longRun(i: number): RunRecord {
  const run = makeRunRecord({ epochs: 2, seed: i, batchNorms: 3, constraintBounds: { max: 2, axis: 0 } });
  const prune = { weights: 4096, global: [point(0), point(50)], perLayer: [point(0), point(50)], seconds: 1 };
  const name = `a_run_with_a_rather_long_name_that_differs_only_at_its_end_number_${i === 1 ? '1' : '\u202e2'}`;
  // The last epoch's prune curve, and a log10|w| histogram per layer (a kernel of 6 weights: 5 at 1e-3, one exactly 0).
  const logAbs = { scale: 'log10abs', lo: -10, hi: 2, bins: 240, counts: '0*140,5,0*99', below: 0, above: 0, zeros: 1, count: 6 } as const;
  const kernel = (l: EpochRecord['layers'][number]) => ({
    ...l,
    weights: [{ ...l, name: `${l.name}/kernel`, kind: 'kernel' as const, shape: [6], trainable: true, logAbs }],
  });
  const last = (e: EpochRecord): EpochRecord => ({ ...e, prune, layers: e.layers.map(kernel) });
  return { ...run, config: { ...run.config, name }, epochs: run.epochs.map((e, j) => (j === run.epochs.length - 1 ? last(e) : e)) };
}

const runs = [longRun(1), longRun(2)];
/** Two penalties (a sum of terms) alike but for their last term's strength. */
const penalties = ['1e-4', '2e-4'].map((s) => ({
  spec: `l1:1e-4+group_lasso:3e-4+orthogonal:1e-5+kl_sparsity:rho=0.05,beta=${s}`,
  formula: 'λ·Σ|w| + …',
  points: [-1, 0, 1].map((w) => ({ w, value: Math.abs(w), slope: Math.sign(w) })),
}));

/** The figures whose colour legend names runs (or penalties). */
const FIGURES: Record<string, () => TopLevelSpec> = {
  accuracySpec: () => viz.accuracySpec(runs),
  curvesSpec: () => viz.curvesSpec(runs),
  logAbsSpec: () => viz.logAbsSpec(runs),
  normCurvesSpec: () => viz.normCurvesSpec(runs),
  overlaySpec: () => viz.overlaySpec(runs),
  pageOverlaySpec: () => pageOverlaySpec(runs, 'linear', [-1, 1]),
  penaltyShapesSpec: () => viz.penaltyShapesSpec(penalties),
  projectedSpec: () => viz.projectedSpec(runs),
  pruneCurveSpec: () => viz.pruneCurveSpec(runs),
  sparsitySpec: () => viz.sparsitySpec(runs),
};

/** The labels of each legend `view` shows now (its scenegraph's legend-label items' text, after their labelExpr). */
function legendLabels(view: vega.View): string[][] {
  type Node = { items?: Node[]; role?: string; text?: string };
  const labels = (node: Node): string[] => (node.role === 'legend-label' ? (node.items ?? []).map((t) => String(t.text)) : (node.items ?? []).flatMap(labels));
  const legends = (node: Node): string[][] => (node.role === 'legend' ? [labels(node)] : (node.items ?? []).flatMap(legends));
  return legends((view.scenegraph() as unknown as { root: Node }).root);
}

describe('legends of runs whose names differ only at their end', () => {
  // A file's budget, 48 characters; on a page's card of 300 px (labelLimit 180) 27: before, 48 there too, Vega cutting their end.
  it.each(Object.keys(FIGURES))('%s: each label within its budget (48, 27 in a card of 300 px), shortened in its middle, no two alike', async (name) => {
    const spec = await viz.toVega((FIGURES[name] as () => TopLevelSpec)());
    const view = new vega.View(vega.parse(spec), { renderer: 'none' });
    try {
      const wraps = spec.signals?.some((s) => s.name === viz.WRAP_WIDTH) ?? false;
      for (const [width, most] of wraps ? [[undefined, 48] as const, [300, 27] as const] : [[undefined, 48] as const]) {
        if (width) view.signal(viz.WRAP_WIDTH, width);
        await view.runAsync();
        const legends = legendLabels(view).filter((labels) => labels.some((l) => l.includes('a_r') || l.startsWith('l1:1e-4+')));
        expect(legends.length, `${name} at ${width}`).toBeGreaterThan(0);
        for (const labels of legends) {
          expect(labels).toHaveLength(2);
          for (const l of labels) {
            expect(l.length, `${l} at ${width}`).toBeLessThanOrEqual(most);
            expect(l).toContain('…');
          }
          // The ends kept: `…number_1)` and `…number_\u202e2)` (escaped, as the figure shows it).
          expect(new Set(labels).size, JSON.stringify(labels)).toBe(2);
          expect(new Set(labels.map((l) => l.slice(-4))).size, JSON.stringify(labels)).toBe(2);
        }
      }
    } finally {
      view.finalize();
    }
  });
});
