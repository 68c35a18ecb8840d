/**
 * One pass per weight (tally.ts) gives exactly what the one-purpose functions give — the histogram,
 * sparsity, fine and log10|w| histograms, and the percentiles of the sorted values — per weight, per
 * layer and for all weights; and a snapshot sorts no large weight (it sorted each, then merged them per
 * layer and for all: most of a 16 M-weight model's 4.5–6.5 s an epoch).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fineHistogram, logAbsHistogram } from '../../src/monitor/fine.ts';
import { percentiles } from '../../src/monitor/percentiles.ts';
import { snapshotWeights } from '../../src/monitor/snapshot.ts';
import { histogram, sparsity } from '../../src/monitor/stats.ts';
import { addTallies, fineOfTally, histogramOfTally, percentilesOfTally, RADIX_MIN, sparsityOfTally, tallyValues } from '../../src/monitor/tally.ts';
import { tf } from '../../src/tf.ts';

afterEach(() => vi.restoreAllMocks());

/** Values that test every edge: ±0, bin edges of every grid (10^(k/20) too), beyond ±1 and ±2, below 1e-10, ties, denormals. */
function awkward(seed: number, n: number): Float32Array {
  let x = seed;
  const random = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const edges = [0, -0, 1, -1, 2, -2, 0.02, -0.02, 0.004, 1e-3, -1e-3, 1e-2, 1e-10, 1e-11, 100, 101, 1e-45, -1e-45, 10 ** -0.05, 10 ** -7.35, 3.4e38];
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = random();
    v[i] =
      i < edges.length
        ? (edges[i] as number)
        : r < 0.2
          ? 0
          : r < 0.3
            ? (edges[Math.floor(random() * edges.length)] as number)
            : r < 0.6
              ? (random() - 0.5) * 5
              : (random() < 0.5 ? -1 : 1) * 10 ** (random() * 14 - 11);
  }
  return v;
}

describe('tallyValues', () => {
  // Large ones (percentiles by radix selection) and small ones (from a sorted copy), together too.
  const parts = [awkward(1, 5000), awkward(2, 3), awkward(3, 2 * RADIX_MIN), awkward(4, RADIX_MIN), new Float32Array([7]), new Float32Array(0)];

  it('each part: the histogram, sparsity, fine and log10|w| histograms and percentiles the one-purpose functions give', () => {
    for (const p of parts) {
      const t = tallyValues(p);
      expect(histogramOfTally(t)).toEqual(histogram([p]));
      expect(sparsityOfTally(t)).toEqual(sparsity([p]));
      expect(fineOfTally(t, 'linear')).toEqual(fineHistogram([p]));
      expect(fineOfTally(t, 'log10abs')).toEqual(logAbsHistogram([p]));
      expect(percentilesOfTally([p], [t])).toEqual(percentiles([p]));
    }
  });

  it('parts together: their tallies added give what the values together give', () => {
    const tallies = parts.map((p) => tallyValues(p));
    const t = addTallies(tallies);
    expect(histogramOfTally(t)).toEqual(histogram(parts));
    expect(sparsityOfTally(t)).toEqual(sparsity(parts));
    expect(fineOfTally(t, 'log10abs')).toEqual(logAbsHistogram(parts));
    expect(percentilesOfTally(parts, tallies)).toEqual(percentiles(parts));
    // A tie across a bucket: all values equal, and −0 with +0.
    const same = [new Float32Array(RADIX_MIN).fill(0.25), new Float32Array([-0, 0, -0])];
    expect(
      percentilesOfTally(
        same,
        same.map((p) => tallyValues(p)),
      ),
    ).toEqual(percentiles(same));
  });

  it('percentiles by radix selection equal the sorted copy’s when a rank’s bucket holds few keys or very many, ties, ±0 and denormals', () => {
    // One bucket: the float32s of [1, 1 + 1/128), or ±0 and the denormals next to them.
    const crowded = (seed: number, n: number, near: number) => awkward(seed, n).map((v, i) => (i % 3 === 0 ? v : near * (1 + Math.abs(v % 1) / 128)));
    for (const [seed, n, near] of [
      [5, RADIX_MIN, 1], // ranks in a bucket of ~43 000 keys: counted
      [6, RADIX_MIN + 7, -0], // ±0 and −denormals: a crowded bucket of ties
      [7, 3 * RADIX_MIN, 1e-40],
      [8, RADIX_MIN, 0.3], // a few hundred keys per bucket: sorted
    ] as const) {
      const parts = [crowded(seed, n, near), awkward(seed + 10, 300), crowded(seed + 20, RADIX_MIN + 1, -near)];
      for (const p of [[parts[0] as Float32Array], parts])
        expect(
          percentilesOfTally(
            p,
            p.map((v) => tallyValues(v)),
          ),
        ).toEqual(percentiles(p));
    }
  });

  it('counts NaN and ±∞ apart (a snapshot refuses them)', () => {
    expect(tallyValues(new Float32Array([1, Number.NaN, Number.POSITIVE_INFINITY, -Number.POSITIVE_INFINITY])).nonFinite).toBe(3);
  });
});

describe('snapshotWeights', () => {
  it('sorts no large weight, and gives per weight, layer and all weights the one-purpose functions’ numbers', () => {
    const dense = (name: string, units: number, seed: number, inputShape?: number[]) =>
      tf.layers.dense({ name, units, ...(inputShape ? { inputShape } : {}), kernelInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed }) });
    // t1's kernel and the layer t1 are large (RADIX_MIN values or more), the rest small.
    const model = tf.sequential({ layers: [dense('t1', 260, 1, [260]), dense('t2', 20, 2), dense('t3', 3, 3)] });
    const sort = vi.spyOn(Float32Array.prototype, 'sort');
    const s = snapshotWeights(model, 0, { loss: null, acc: null });
    expect(sort.mock.contexts.map((a) => (a as Float32Array).length).filter((n) => n >= RADIX_MIN)).toEqual([]);
    expect(sort).toHaveBeenCalled();
    sort.mockRestore();
    const values = model.layers.map((l) => l.getWeights().map((w) => w.dataSync() as Float32Array));
    const all = values.flat();
    expect(s.histogram).toEqual(histogram(all));
    expect(s.sparsity).toEqual(sparsity(all));
    expect(s.percentiles).toEqual(percentiles(all));
    s.layers.forEach((layer, i) => {
      const mine = values[i] as Float32Array[];
      expect(layer.histogram).toEqual(histogram(mine));
      expect(layer.percentiles).toEqual(percentiles(mine));
      expect(layer.weights).toHaveLength(2);
      layer.weights?.forEach((w, j) => {
        const v = [mine[j] as Float32Array];
        expect([w.histogram, w.sparsity, w.fine, w.logAbs, w.percentiles]).toEqual([
          histogram(v),
          sparsity(v),
          fineHistogram(v),
          logAbsHistogram(v),
          percentiles(v),
        ]);
      });
    });
    model.dispose();
  });
});
