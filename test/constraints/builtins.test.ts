import { describe, expect, it } from 'vitest';
import { BUILTIN_CONSTRAINTS, type BuiltinConstraintName, constraint, EPSILON, normsAlong, SpecError, tf } from '../../src/index.ts';
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
  it('refuses perchannel=1 given with another axis (the axis was ignored silently)', () => {
    for (const spec of ['maxnorm:m=2,axis=1,perchannel=1', 'unitnorm:axis=0+1,perchannel=1', 'minmaxnorm:max=2,axis=-1,perchannel=1']) {
      expect(() => constraint(spec)).toThrow(SpecError);
      expect(() => constraint(spec)).toThrow(/perchannel=1 takes the norms over every axis but the last, so it cannot be given with axis=/);
    }
    expect(() => constraint('minmaxnorm:min=3,max=2,perchannel=1')).toThrow(/minmaxnorm needs min ≤ max/);
    expect(constraint('maxnorm:m=2,perchannel=1').spec).toBe('maxnorm:m=2,perchannel=1');
  });
  it('its spec shows no axis with perchannel=1, which overrides it (it read as if axis 0 were meant); a model saved before loads with that spec', () => {
    expect(constraint('maxnorm:m=2,axis=0,perchannel=1').spec).toBe('maxnorm:m=2,perchannel=1');
    expect(constraint('unitnorm:perchannel=1').spec).toBe('unitnorm:perchannel=1');
    expect(constraint('minmaxnorm:max=3,perchannel=1').spec).toBe('minmaxnorm:min=0,max=3,rate=1,perchannel=1');
    // Without perchannel the axis is what the norms are taken along: shown, as always.
    expect(constraint('maxnorm:m=2').spec).toBe('maxnorm:m=2,axis=0');
    expect(constraint('maxnorm:m=2,axis=1,perchannel=0').spec).toBe('maxnorm:m=2,axis=1');
    // A model's config keeps every value (the axis too); one saved before the change loads with the spec shown now.
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap['penx.constraint.maxnorm']!;
    const saved = fromConfig(cls, { m: 2, axis: [0], perchannel: 1 }) as ReturnType<typeof constraint>;
    expect(saved.spec).toBe('maxnorm:m=2,perchannel=1');
    expect(saved.getConfig()).toEqual({ m: 2, axis: [0], perchannel: 1 });
  });
  it('rejects an axis outside the weight', () => {
    expect(() => constraint('maxnorm:axis=2').apply(tf.tensor2d(W))).toThrow(SpecError);
  });
});

describe('constraints on several axes, and constraints that change nothing', () => {
  it('maxnorm over axes 0+1+2 bounds each Conv2D filter (Keras per-filter form)', () => {
    const w = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 5);
    const out = constraint('maxnorm:m=1,axis=0+1+2').apply(w);
    const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(out), [0, 1, 2])).dataSync());
    const before = tf.tidy(() => tf.sqrt(tf.sum(tf.square(w), [0, 1, 2])).dataSync());
    // Every filter started above the bound (so the check is not vacuous) and ends on it.
    expect(Math.min(...before)).toBeGreaterThan(1);
    expectClose(Array.from(norms), [1, 1, 1, 1], 1e-5);
  });

  it('a user constraint returning its input leaves the weight as is during training', async () => {
    const { defineConstraint, applyConstraints } = await import('../../src/index.ts');
    defineConstraint({ name: 'ident', fn: (w) => w });
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], kernelConstraint: constraint('ident') })] });
    const before = Array.from(model.getWeights()[0]!.dataSync());
    expect(applyConstraints(model, true)).toEqual({ 'dense_Dense1/kernel': 0 });
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(before);
  });

  it('a constraint that cannot apply to a weight is refused before training, naming the weight', async () => {
    const { checkConstraints } = await import('../../src/index.ts');
    const model = tf.sequential({ layers: [tf.layers.dense({ name: 'd', units: 2, inputShape: [3], kernelConstraint: constraint('maxnorm:m=1,axis=2') })] });
    expect(() => checkConstraints(model)).toThrow(/constraint maxnorm:m=1,axis=2 cannot be applied to d\/kernel \(shape \[3,2\]\): axis=2 is out of range/);
  });

  it('"projected" is the share of output channels (last axis) in which the constraint changed a weight', async () => {
    const { applyConstraints } = await import('../../src/index.ts');
    // A conv kernel [1, 2, 1, 4]; maxnorm over axis 0+1+2 with m = 1: channels 0 and 2 are above 1, 1 and 3 within.
    const k = [2, 0.1, 0.5, 0.1, 0, 0.2, 1, 0.3];
    const layer = tf.layers.conv2d({ inputShape: [2, 2, 1], filters: 4, kernelSize: [1, 2], kernelConstraint: constraint('maxnorm:m=1,axis=0+1+2') });
    const model = tf.sequential({ layers: [layer] });
    layer.setWeights([tf.tensor4d(k, [1, 2, 1, 4]), tf.zeros([4])]);
    (model.getWeights()[0] as unknown as tf.Variable).assign(tf.tensor4d(k, [1, 2, 1, 4]));
    expect(Object.values(applyConstraints(model, true))[0]).toBeCloseTo(0.5, 6);
  });
});

describe('perchannel=1: one spec for every kernel of a model', () => {
  it('bounds each Conv2D filter and each Dense unit alike', () => {
    const c = constraint('maxnorm:m=0.5,perchannel=1');
    for (const shape of [
      [3, 3, 2, 4],
      [6, 5],
    ] as const) {
      const w = tf.randomNormal([...shape], 0, 1, 'float32', 9);
      const axes = shape.slice(0, -1).map((_, i) => i);
      const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(c.apply(w)), axes)).dataSync());
      expectClose(
        Array.from(norms),
        Array.from({ length: shape.at(-1)! }, () => 0.5),
        1e-5,
      );
    }
    expect(c.spec).toBe('maxnorm:m=0.5,perchannel=1');
  });

  it('on a rank-1 weight (a bias, one value per output channel): each value is its channel, |w_i| bounded on its own', () => {
    // A vector of norm 5: the whole vector's norm would scale every value (to 0.6, -0.8, 0.06, …).
    const b = tf.tensor1d([3, -4, 0.3, -0.2]);
    const by = (spec: string) => Array.from(constraint(spec).apply(b).dataSync());
    expectClose(by('maxnorm:m=1,perchannel=1'), [1, -1, 0.3, -0.2], 1e-5);
    expectClose(
      by('unitnorm:perchannel=1'),
      [3, -4, 0.3, -0.2].map((x) => x / (EPSILON + Math.abs(x))),
      1e-5,
    );
    expectClose(by('minmaxnorm:min=0.5,max=2,perchannel=1'), [2, -2, 0.5, -0.5], 1e-5);
    // As the tracked channel norms of a rank-1 kernel are its |w_i|, and the projected share counts each value.
    expect(BUILTIN_CONSTRAINTS.maxnorm.params['perchannel']?.doc).toMatch(/on a rank-1 weight \(a bias\) each value is its channel's, norm \|w_i\|/);
    expectClose(Array.from(normsAlong(b, []).dataSync()), [3, 4, 0.3, 0.2], 1e-7);
  });
});
