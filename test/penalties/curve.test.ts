/**
 * A penalty's stored curve (λ·φ(w) and its slope at 401 single weights): a built-in's, sampled at
 * once on TF.js's cpu and the onnxruntime backend, is the per-point sampling's bit for bit (what
 * run.json records: each value and slope, ±0 too) for every built-in and parameters at their
 * extremes, and a curve that is not finite is left out alike; a user's penalty (which may be of the
 * whole tensor) is still sampled point by point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/backends/select.ts';
import { definePenalty, penalty, type Scalar, type Tensor, tf } from '../../src/index.ts';
import { sampleCurve, samplePenaltyCurve } from '../../src/penalties/index.ts';

/** Every built-in (test/penalties/builtins.test.ts' cases), parameters at their extremes, and curves that overflow float32 or have an infinite slope. */
const SPECS = [
  'none',
  'l1:0.5',
  'l1:1e-4',
  'l1:1,prox',
  'l2:0.5',
  'l1l2:0.5,l1=0.3,l2=0.2',
  'l1l2:1,l1=1,l2=0',
  'l3:0.5',
  'l4:3e-7',
  'lp:0.5,p=3',
  'lp:0.5,p=0.5',
  'lp:1,p=0.05',
  'lp:1,p=10',
  'lp:0.5,p=1',
  'deadzone:0.5',
  'deadzone:0.5,a=0.5',
  'deadzone:1,a=0',
  'deadzone:1,a=0.1',
  'deadzone:1,a=2',
  'l2:1e38',
  'l4:1e38',
];

/** The per-point sampling, as every penalty's curve was sampled before (401 calls of λ·value). */
const pointByPoint = (spec: string) => {
  const reg = penalty(spec);
  return sampleCurve((w) => tf.mul(reg.strength, reg.value(w)) as Scalar, reg.spec, '');
};

let before: string;
beforeAll(async () => {
  before = tf.getBackend();
  await selectBackend('onnxruntime', { threads: 1 });
});
afterAll(async () => {
  await tf.setBackend(before);
});

describe.each(['cpu', 'onnxruntime'])('a built-in penalty curve sampled at once on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each(SPECS)('%s: the per-point sampling, bit for bit', (spec) => {
    const once = samplePenaltyCurve(penalty(spec));
    const each = pointByPoint(spec);
    if (spec === 'l2:1e38' || spec === 'l4:1e38') expect(once, 'not finite: no curve').toBeUndefined();
    expect(once === undefined).toBe(each === undefined);
    if (!once || !each) return;
    expect(once.spec).toBe(each.spec);
    expect(once.points).toHaveLength(401);
    // toEqual tells +0 from −0; JSON is what run.json holds.
    expect(once.points).toEqual(each.points);
    expect(JSON.stringify(once.points)).toBe(JSON.stringify(each.points));
  });

  it('calls φ twice (the values, the slopes), not once per point', () => {
    const reg = penalty('l1:1e-4');
    let calls = 0;
    const terms = reg.terms.bind(reg);
    reg.terms = (w: Tensor) => {
      calls++;
      return terms(w);
    };
    expect(samplePenaltyCurve(reg)).toBeDefined();
    expect(calls).toBe(2);
  });
});

describe("a user's penalty curve", () => {
  it('is sampled point by point: φ of the whole tensor is not φ of each weight', async () => {
    await tf.setBackend('cpu');
    let calls = 0;
    // φ(w) = (Σ w)²: a whole-tensor value; at once, each point's would be the square of every point's sum.
    definePenalty({
      name: 'curvesquaredsum',
      fn: (w: Tensor) => {
        calls++;
        return tf.square(tf.sum(w));
      },
    });
    const curve = samplePenaltyCurve(penalty('curvesquaredsum:0.5'));
    expect(calls).toBe(401);
    expect(curve?.points[0]).toEqual({ w: -2, value: 2, slope: -2 });
    expect(curve?.points[400]).toEqual({ w: 2, value: 2, slope: 2 });
  });
});
