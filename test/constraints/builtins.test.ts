import { describe, expect, it } from 'vitest';
import { BUILTIN_CONSTRAINTS, constraint, EPSILON, SpecError, tf, type BuiltinConstraintName } from '../../src/index.ts';
import { expectClose } from '../helpers.ts';

/** A 3×4 matrix as rows, and the hand computations of Keras's constraints on it. */
const W = [
  [0.5, -2, 0, 3],
  [1, 0.25, -0.1, -4],
  [-0.5, 1, 0, 0.2],
];
const cols = (m: number[][]) => m[0]!.map((_, j) => m.map((r) => r[j]!));
const rows = (m: number[][]) => m;
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Scale each slice along `axis` (0: columns, 1: rows) by desired(n)/(ε + n). */
function rescaleByHand(axis: 0 | 1, desired: (n: number) => number): number[] {
  const out = W.map((r) => [...r]);
  const slices = axis === 0 ? cols(W) : rows(W);
  slices.forEach((s, k) => {
    const n = norm(s);
    const scale = desired(n) / (EPSILON + n);
    for (let i = 0; i < s.length; i++) {
      if (axis === 0) out[i]![k]! *= scale;
      else out[k]![i]! *= scale;
    }
  });
  return out.flat();
}

const CASES: Record<BuiltinConstraintName, ReadonlyArray<readonly [string, number[]]>> = {
  maxnorm: [
    ['maxnorm:m=2', rescaleByHand(0, (n) => clip(n, 0, 2))],
    ['maxnorm:m=1,axis=1', rescaleByHand(1, (n) => clip(n, 0, 1))],
    ['maxnorm:m=1,axis=-1', rescaleByHand(1, (n) => clip(n, 0, 1))],
  ],
  nonneg: [['nonneg', W.flat().map((x) => (x >= 0 ? x : 0))]],
  unitnorm: [
    ['unitnorm', rescaleByHand(0, () => 1)],
    ['unitnorm:axis=1', rescaleByHand(1, () => 1)],
  ],
  minmaxnorm: [0, 0.1, 0.5, 1].flatMap((rate) => [
    [`minmaxnorm:min=1,max=2,rate=${rate}`, rescaleByHand(0, (n) => rate * clip(n, 1, 2) + (1 - rate) * n)] as const,
    [`minmaxnorm:min=0.5,max=1.5,rate=${rate},axis=1`, rescaleByHand(1, (n) => rate * clip(n, 0.5, 1.5) + (1 - rate) * n)] as const,
  ]),
};

describe('built-in constraints', () => {
  it('every registry entry has hand-computed cases here', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(BUILTIN_CONSTRAINTS).sort());
  });
  for (const [spec, expected] of Object.values(CASES).flat()) {
    it(`${spec} matches the hand computation`, () => {
      const out = tf.tidy(() => Array.from(constraint(spec).apply(tf.tensor2d(W)).dataSync()));
      expectClose(out, expected, 1e-5, 1e-6);
    });
  }
  it('MinMaxNorm with rate < 1 moves the norm part of the way, not clipping elements', () => {
    // One column of norm 5 with [min, max] = [0, 1] and rate 0.5: the norm becomes 0.5·1 + 0.5·5 = 3.
    const out = constraint('minmaxnorm:min=0,max=1,rate=0.5').apply(tf.tensor2d([[3], [4]]));
    expectClose([norm(Array.from(out.dataSync()))], [3], 1e-5);
  });
  it('rejects an axis outside the weight', () => {
    expect(() => constraint('maxnorm:axis=2').apply(tf.tensor2d(W))).toThrow(SpecError);
  });
});
