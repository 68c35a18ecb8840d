import { describe, expect, it } from 'vitest';
import {
  chain,
  clipByGlobalNorm,
  clipByL1Norm,
  clipByNorm,
  clipByValue,
  fromFunction,
  type GradientTransform,
  gradientTransform,
  identity,
  masked,
  optimizerSpec,
  scale,
  type Tree,
  tf,
  withLayerControls,
  zero,
} from '../../src/index.ts';
import { expectClose } from '../helpers.ts';

const G = { 'conv2d_1/kernel': [3, -4, 0.5, -0.5], 'dense_2/kernel': [0.1, -2, 2, 1] };
const tree = (o: Record<string, number[]>): Tree => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, tf.tensor1d(v)]));
const run = (t: GradientTransform, g = G): Record<string, number[]> => {
  const grads = tree(g);
  const [u] = t.update(grads, t.init(grads), grads);
  return Object.fromEntries(Object.entries(u).map(([k, v]) => [k, Array.from(v.dataSync())]));
};

describe('gradient transforms on hand-made gradients', () => {
  it('clip by value', () => {
    expect(run(clipByValue(1))['conv2d_1/kernel']).toEqual([1, -1, 0.5, -0.5]);
  });
  it('clip by L2 norm scales the tensor down to the norm, leaves smaller ones alone', () => {
    // ‖[3, −4, 0.5, −0.5]‖₂ = √25.5
    expectClose(
      run(clipByNorm(2))['conv2d_1/kernel']!,
      [3, -4, 0.5, -0.5].map((x) => (x * 2) / Math.sqrt(25.5)),
      1e-6,
    );
    expectClose(run(clipByNorm(100))['conv2d_1/kernel']!, [3, -4, 0.5, -0.5], 1e-7);
  });
  it('clip by global norm scales every gradient by one factor, from the norm of them all (a pattern: of those it matches)', () => {
    // ‖conv‖² = 25.5, ‖dense‖² = 9.01: ‖G‖ = √34.51; each tensor alone would take its own factor.
    const all = run(gradientTransform('clipglobalnorm:2'));
    for (const [k, g] of Object.entries(G))
      expectClose(
        all[k]!,
        g.map((x) => (x * 2) / Math.sqrt(34.51)),
        1e-6,
      );
    expectClose(run(clipByGlobalNorm(6))['dense_2/kernel']!, G['dense_2/kernel'], 1e-7);
    // SGD after it, on the weights a pattern matches: dense_2 alone, ‖G‖ = √9.01; conv2d_1 untouched.
    const names = Object.keys(G);
    const sgd = withLayerControls(optimizerSpec('sgd:lr=0.5').transform, { grad: [{ pattern: 'dense*', transform: 'clipglobalnorm:1' }] }, names);
    const u = run(sgd);
    expectClose(
      u['dense_2/kernel']!,
      G['dense_2/kernel'].map((x) => (-0.5 * x) / Math.sqrt(9.01)),
      1e-6,
    );
    expectClose(
      u['conv2d_1/kernel']!,
      G['conv2d_1/kernel'].map((x) => -0.5 * x),
      1e-6,
    );
  });
  it('clip by L1 norm', () => {
    // ‖·‖₁ = 8
    expectClose(run(clipByL1Norm(4))['conv2d_1/kernel']!, [1.5, -2, 0.25, -0.25], 1e-6);
  });
  it('scale, zero and a user function', () => {
    expect(run(scale(-2))['dense_2/kernel']).toEqual([-0.2, 4, -4, -2].map((x) => Math.fround(x)));
    expect(run(zero())['dense_2/kernel']).toEqual([0, 0, 0, 0]);
    expect(run(fromFunction((g, w) => tf.mul(g, w)))['conv2d_1/kernel']).toEqual([9, 16, 0.25, 0.25]);
  });
  it('masked applies to matching layers only; chain applies in order', () => {
    const out = run(masked('dense*', zero()));
    expect(out['dense_2/kernel']).toEqual([0, 0, 0, 0]);
    expect(out['conv2d_1/kernel']).toEqual([3, -4, 0.5, -0.5]);
    expect(run(chain(clipByValue(1), scale(3)))['conv2d_1/kernel']).toEqual([3, -3, 1.5, -1.5]);
    expect(run(chain(scale(3), clipByValue(1)))['conv2d_1/kernel']).toEqual([1, -1, 1, -1]);
    expect(run(chain(identity))).toEqual(run(identity));
  });
});
