/**
 * The prune-curve figure on real records (`fit` with `prune: true` on a small model): one line per
 * run and scope from the record's points, the sparse size under it; runs without a curve left out,
 * and a figure that says so when no run has one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/formats/run.ts';
import { hasPruneCurve, latestPruneCurve, pruneCurveSpec, toVega } from '../../../src/viz/index.ts';
import { fineRuns } from '../views/fine-runs.ts';
import { plain } from './spec-helpers.ts';

let runs: RunRecord[] = [];
beforeAll(async () => {
  runs = await fineRuns(['none', 'l1:1e-2'], 2);
});

/** The record without its prune curve, as a run measured with prune off. */
const unpruned = (run: RunRecord): RunRecord => ({ ...run, epochs: run.epochs.map(({ prune: _, ...e }) => e) });

describe('pruneCurveSpec', () => {
  it('draws each run’s latest curve, both scopes, from the record’s points, with the sparse size below', async () => {
    const spec = plain(pruneCurveSpec(runs));
    expect(spec.title.text).toBe('Prune curve');
    expect(spec.title.subtitle).toContain('after epoch 2');
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

  it('leaves out runs without a curve, and says so when none has one', async () => {
    const spec = plain(pruneCurveSpec([runs[0]!, unpruned(runs[1]!)]));
    expect(new Set(spec.data.values.map((r: { run: string }) => r.run))).toEqual(new Set([runs[0]!.config.penalty]));
    expect(hasPruneCurve([unpruned(runs[0]!)])).toBe(false);
    const none = plain(pruneCurveSpec([unpruned(runs[0]!), unpruned(runs[1]!)]));
    expect(none.title.text).toBe('Prune curve: not measured for these runs');
    expect(none.data.values).toEqual([{ text: 'no run chosen has a prune curve' }]);
    expect((await toVega(pruneCurveSpec([unpruned(runs[0]!)]))).marks?.length).toBe(1);
  });
});
