import { describe, expect, it } from 'vitest';
import { decodeCounts } from '../../src/formats/counts.ts';
import { fineHistogram } from '../../src/monitor/fine.ts';
import { histogram, sparsity } from '../../src/monitor/stats.ts';

describe('weights histogram', () => {
  it('counts by hand: bins of width 0.02 over [−1, 1], density, below/above/zeros', () => {
    const w = [-1.5, -1, -0.999, -0.5, 0, 0, 0.0001, 0.019, 0.02, 0.5, 0.999, 1, 2, 3];
    const h = histogram([w.slice(0, 7), w.slice(7)]);
    expect(h.density).toHaveLength(100);
    expect([h.lo, h.hi, h.below, h.above, h.zeros, h.count]).toEqual([-1, 1, 1, 2, 2, 14]);
    const counts = h.density.map((d) => Math.round(d * 14 * 0.02));
    const expected = new Array(100).fill(0);
    expected[0] = 2; // −1 and −0.999
    expected[25] = 1; // −0.5
    expected[50] = 4; // 0, 0, 0.0001, 0.019
    expected[51] = 1; // 0.02
    expected[75] = 1; // 0.5
    expected[99] = 2; // 0.999 and 1 (the top edge belongs to the last bin)
    expect(counts).toEqual(expected);
    // The density integrates to the share of weights inside [−1, 1].
    expect(h.density.reduce((s, d) => s + d * 0.02, 0)).toBeCloseTo(11 / 14, 10);
  });

  it('puts a tiny negative weight in the bin below 0, and −0 with the zeros: each bin is [a, b) exactly', () => {
    // −1e-20 − (−1) rounds to 1 in float64, which put these negative weights in the bin [0, 0.02).
    const w = new Float32Array([-1e-20, -1e-40, -(2 ** -60), -0, 1e-40, Math.fround(-0.5), -0.5 - 2 ** -24]);
    const h = histogram([w]);
    const counts = h.density.map((d) => Math.round(d * w.length * 0.02));
    const expected = new Array(100).fill(0);
    expected[49] = 3; // [−0.02, 0): −1e-20, −1e-40 (a float32 denormal), −2⁻⁶⁰
    expected[50] = 2; // [0, 0.02): −0 and 1e-40
    expected[25] = 1; // −0.5, on the bin's lower edge
    expected[24] = 1; // the float32 just below −0.5
    expect(counts).toEqual(expected);
    expect(h.zeros).toBe(1);
    const fine = decodeCounts(fineHistogram([w]).counts, 1000);
    expect([fine[499], fine[500], fine[375], fine[374]]).toEqual([3, 2, 1, 1]);
  });

  it('sparsity is the share of |w| under 1e-3 and 1e-2', () => {
    expect(
      sparsity([
        [0, 5e-4, -9e-4, 5e-3, -0.5],
        [1e-3, 0.02, 1e-2],
      ]),
    ).toEqual({ lt1e3: 3 / 8, lt1e2: 5 / 8 });
  });
});
