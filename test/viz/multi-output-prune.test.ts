/**
 * The prune curve of a model of two outputs: each point holds each output's accuracy (`testMetrics`,
 * no single `testAcc`); the level within an accuracy loss is chosen by every output's, and the
 * prune-curve figure, the report's prune tables and penx summary show each output's.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { summaryText } from '../../mnist-demo/cli/actions/summary.ts';
import { summarize } from '../../mnist-demo/experiment/summary.ts';
import { accuracyDrops, type PrunePoint, pruneLevelWithin, type RunRecord } from '../../src/index.ts';
import { PER_OUTPUT_PRUNE, pruneCurveSpec } from '../../src/viz/figures/index.ts';
import { pruneSection } from '../../src/viz/report/prune-section.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const size = { dense: 100, sparse: 50, ratio: 2 };
/** A point of two outputs' accuracies `digit` and `parity`. */
const point = (level: number, digit: number, parity: number): PrunePoint => ({
  level,
  testLoss: 1,
  testAcc: null,
  testMetrics: { digit_loss: 0.5, parity_loss: 0.5, digit_acc: digit, parity_acc: parity },
  zeros: level / 100,
  layers: [],
  size,
});
// digit stays within 1 point up to 50 %, parity only up to 20 %.
const curve = [point(0, 0.9, 0.8), point(20, 0.895, 0.795), point(50, 0.89, 0.7), point(80, 0.5, 0.5)];

/** A one-output fixture run whose last epoch has the two-output curve. */
function twoOutputRun(): RunRecord {
  const run = makeRunRecord({ epochs: 2, penalty: 'none' });
  const last = run.epochs.at(-1) as RunRecord['epochs'][number];
  for (const s of [run.initial, ...run.epochs])
    Object.assign(s, { testAcc: null, testMetrics: { digit_loss: 1, parity_loss: 1, digit_acc: 0.9, parity_acc: 0.8 } });
  Object.assign(last, { prune: { weights: 10, global: curve, perLayer: curve, seconds: 1 } });
  return run;
}

describe('the prune curve of a model of two outputs', () => {
  it('chooses the largest level within the loss for every output, and says each output’s drop', () => {
    const { point: p, trained } = pruneLevelWithin(curve, 1);
    expect(p.level).toBe(20); // digit alone would allow 50
    expect(pruneLevelWithin(curve, 10).point.level).toBe(50);
    const drops = accuracyDrops(p, trained);
    expect(drops.map((d) => [d.output, d.acc, d.trainedAcc])).toEqual([
      ['digit', 0.895, 0.9],
      ['parity', 0.795, 0.8],
    ]);
    expect(drops.map((d) => d.drop)).toEqual([100 * (0.9 - 0.895), 100 * (0.8 - 0.795)]);
  });

  it('the figure draws a line per output, shaped by output; the size plot each point once', () => {
    const spec = pruneCurveSpec([twoOutputRun()]) as unknown as { data: { values: Record<string, unknown>[] }; title: { subtitle: string[] } };
    const global = spec.data.values.filter((v) => v['scope'] === 'all kernels together');
    expect(global.map((v) => [v['level'], v['output'], v['acc']])).toEqual(
      curve.flatMap((p) => [
        [String(p.level), 'digit', p.testMetrics?.['digit_acc']],
        [String(p.level), 'parity', p.testMetrics?.['parity_acc']],
      ]),
    );
    expect(global.filter((v) => v['sized']).map((v) => v['output'])).toEqual(['digit', 'digit', 'digit', 'digit']);
    expect(spec.title.subtitle).toContain(PER_OUTPUT_PRUNE);
    expect(JSON.stringify(spec)).toContain('"shape":{"field":"output"');
    // The output legend's symbols as large as Vega draws a point legend's (100 px²; they were 500, as the line legends' segments).
    const legend = compile(spec as unknown as TopLevelSpec).spec.legends?.find((l) => l.shape);
    expect(legend?.symbolSize ?? 100).toBeLessThanOrEqual(100);
    // One output alone: no output, as before.
    const single = makeRunRecord({ epochs: 2, penalty: 'l1:1e-4' });
    const flat = curve.map(({ testMetrics: _, ...p }) => ({ ...p, testAcc: 0.9 }));
    Object.assign(single.epochs.at(-1) as object, { prune: { weights: 10, global: flat, perLayer: flat, seconds: 1 } });
    const one = pruneCurveSpec([single]);
    expect((one as unknown as { data: { values: unknown[] } }).data.values).toHaveLength(2 * curve.length);
    expect(JSON.stringify(one)).not.toMatch(/"output"|sized|"shape"/);
  });

  it('the report’s table and penx summary show each output’s accuracy at a level', async () => {
    const html = await pruneSection([twoOutputRun()]);
    expect(html).toContain('<th>test acc (digit), all kernels</th><th>test acc (parity), all kernels</th>');
    expect(html).toContain('<td>20</td><td>0.8950</td><td>0.7950</td><td>0.8950</td><td>0.7950</td>');
    const s = summarize([{ folder: 'cmp', records: [{ name: 'none', record: twoOutputRun() }] }], { epochs: [2], maxDrop: 1 });
    expect(s.runs[0]?.epochs[0]?.prune).toMatchObject({ level: 20, testAcc: null, testAccByOutput: { digit: 0.895, parity: 0.795 } });
    expect(summaryText(s, 1)).toContain('20 % → 89.50 % (digit), 79.50 % (parity)');
  });
});
