import { describe, expect, it } from 'vitest';
import { decodeCounts, encodeCounts } from '../../src/formats/counts.ts';
import { tf } from '../../src/index.ts';
import { FINE_LINEAR, FINE_LOG, fineHistogram, logAbsHistogram } from '../../src/monitor/fine.ts';
import { PERCENTILES, percentiles } from '../../src/monitor/percentiles.ts';
import { snapshotWeights } from '../../src/monitor/snapshot.ts';
import { histogram } from '../../src/monitor/stats.ts';
import { fineCounts, rebin, sumCounts } from '../../src/viz/figures/binning.ts';

describe('run-length counts', () => {
  it('writes runs of equal counts as c*r and reads them back', () => {
    expect(encodeCounts([0, 0, 0, 3, 17, 0, 0, 1])).toBe('0*3,3,17,0*2,1');
    expect(Array.from(decodeCounts('0*3,3,17,0*2,1', 8))).toEqual([0, 0, 0, 3, 17, 0, 0, 1]);
    const random = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? (i * 31) % 5 : 0));
    expect(Array.from(decodeCounts(encodeCounts(random), 1000))).toEqual(random);
  });

  it('refuses text that does not hold the number of bins', () => {
    expect(() => decodeCounts('0*3,1', 8)).toThrow(/4 bins, expected 8/);
    expect(() => decodeCounts('0*9', 8)).toThrow(RangeError);
    expect(() => decodeCounts('x', 1)).toThrow(RangeError);
  });
});

describe('fine histograms', () => {
  it('linear: 1000 bins of 0.004 over [−2, 2], by hand', () => {
    const h = fineHistogram([[-2.5, -2, -1.999, 0, 0, 0.0039, 0.004, 1.999, 2, 3]]);
    expect([h.scale, h.lo, h.hi, h.bins]).toEqual(['linear', -2, 2, 1000]);
    expect([h.below, h.above, h.zeros, h.count]).toEqual([1, 1, 2, 10]);
    const c = decodeCounts(h.counts, 1000);
    expect(c[0]).toBe(2); // −2 and −1.999
    expect(c[500]).toBe(3); // 0, 0, 0.0039
    expect(c[501]).toBe(1); // 0.004
    expect(c[999]).toBe(2); // 1.999 and 2 (the top edge belongs to the last bin)
    expect(c.reduce((s, k) => s + k, 0)).toBe(8);
  });

  it('log10|w|: 20 bins per decade over [1e-10, 100], exact zeros apart', () => {
    const h = logAbsHistogram([[0, 0, 1e-12, 1e-5, -1e-5, 0.3, -150, 1]]);
    expect([h.scale, h.lo, h.hi, h.bins]).toEqual(['log10abs', FINE_LOG.lo, FINE_LOG.hi, 240]);
    expect([h.zeros, h.below, h.above, h.count]).toEqual([2, 1, 1, 8]);
    const c = decodeCounts(h.counts, 240);
    expect(c[100]).toBe(2); // log10(1e-5) = −5 → bin (−5 + 10)·20
    expect(c[Math.floor((Math.log10(0.3) + 10) * 20)]).toBe(1);
    expect(c[200]).toBe(1); // |w| = 1
    expect(c.reduce((s, k) => s + k, 0)).toBe(4);
  });

  it('re-binned to the reference 100 bins over [−1, 1], it is the recorded histogram exactly', () => {
    const w = Float32Array.from({ length: 20000 }, (_, i) => Math.sin(i * 12.9898) * 1.3);
    const reference = histogram([w]);
    const fine = rebin(fineCounts(fineHistogram([w])), 100, [-1, 1]);
    const width = 0.02;
    expect(Array.from(fine.counts)).toEqual(reference.density.map((d) => Math.round(d * reference.count * width)));
    expect([Math.round(fine.below), Math.round(fine.above)]).toEqual([reference.below, reference.above]);
  });

  it('tensors add up: the fine histogram of two tensors is the sum of theirs', () => {
    const a = [0.1, -0.5, 1e-4, 0];
    const b = [0.1, 3, -3, 0.25];
    const sum = sumCounts([fineCounts(fineHistogram([a])), fineCounts(fineHistogram([b]))]);
    const both = fineCounts(fineHistogram([a, b]));
    expect(Array.from(sum?.counts ?? [])).toEqual(Array.from(both.counts));
    expect([sum?.below, sum?.above, sum?.zeros, sum?.count]).toEqual([both.below, both.above, both.zeros, both.count]);
  });
});

describe('percentiles', () => {
  it('min, 7 … 93 %, max, linearly between sorted neighbours (NumPy default)', () => {
    const xs = Array.from({ length: 101 }, (_, i) => 100 - i); // 0..100 shuffled by reversal
    expect(percentiles([xs])).toEqual([...PERCENTILES]);
    // rank p·(n−1)/100 over [1, 2, 3]: 7 % → 1.14
    expect(percentiles([[3, 1], [2]])).toEqual([1, 1.14, 1.32, 1.62, 2, 2.38, 2.68, 2.86, 3]);
    expect(percentiles([])).toEqual([]);
  });
});

describe('snapshot', () => {
  it('records fine and log10|w| histograms and percentiles per weight, per layer and for all weights', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'd1', units: 5, inputShape: [4], kernelInitializer: tf.initializers.randomUniform({ minval: -1.5, maxval: 1.5, seed: 3 }) }),
      ],
    });
    const s = snapshotWeights(model, 0, { loss: null, acc: null });
    const [kernel, bias] = s.layers[0]?.weights ?? [];
    const values = Array.from(model.layers[0]!.getWeights()[0]!.dataSync());
    expect(kernel?.fine?.count).toBe(20);
    expect(kernel?.logAbs?.zeros).toBe(0);
    expect(bias?.logAbs?.zeros).toBe(5); // zero-initialised biases, counted apart
    expect(kernel?.percentiles?.[0]).toBeCloseTo(Math.min(...values), 5);
    expect(kernel?.percentiles?.[8]).toBeCloseTo(Math.max(...values), 5);
    expect(s.layers[0]?.percentiles?.[0]).toBeCloseTo(Math.min(0, ...values), 5);
    expect(s.percentiles).toEqual(s.layers[0]?.percentiles);
    expect(decodeCounts(kernel?.fine?.counts ?? '', FINE_LINEAR.bins).reduce((a, k) => a + k, 0)).toBe(20);
    model.dispose();
  });
});
