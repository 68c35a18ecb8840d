/**
 * The playground's code box as a penalty (mnist-demo/playground/user-penalty.ts), in Node: the
 * formula the record gets says what the library really adds to the loss — the sum of an
 * element-wise φ(w), the value of a scalar one — checked against the value itself.
 */
import { describe, expect, it } from 'vitest';
import { defineUserPenalty, formulaOf } from '../../mnist-demo/playground/user-penalty.ts';
import { lossFormula, penalty, tf } from '../../src/index.ts';

describe("the code box's formula", () => {
  it('an element-wise φ(w) is shown with the sum the library takes of it (it was λ·tf.square(w)), a scalar one as it is', () => {
    // `mine` is defined once per process (a worker's run): this one, at λ = 0.5.
    defineUserPenalty('tf.square(w)');
    const reg = penalty('mine:0.5');
    expect(lossFormula(reg.definition)).toBe('λ·Σ tf.square(w)');
    // 0.5·(1 + 4 + 9 + 0.25): the sum of the squares, as the formula says.
    expect(tf.tidy(() => reg.apply(tf.tensor2d([1, -2, 3, 0.5], [2, 2])).dataSync()[0])).toBe(7.125);

    expect(formulaOf('tf.sum(tf.square(w))')).toBe('tf.sum(tf.square(w))');
    expect(formulaOf('tf.max(abs(w))')).toBe('tf.max(abs(w))');
    expect(formulaOf('tf.scalar(NaN)')).toBe('tf.scalar(NaN)');
    // Several lines on one; a function body in braces after the Σ.
    expect(formulaOf('tf.log1p(\n  tf.div(abs(w), 0.05))')).toBe('Σ tf.log1p( tf.div(abs(w), 0.05))');
    expect(formulaOf('const a = abs(w);\n  return tf.mul(a, 2);')).toBe('Σ{ const a = abs(w); return tf.mul(a, 2); }');
    expect(formulaOf('const a = abs(w);\n  return tf.sum(a);')).toBe('const a = abs(w); return tf.sum(a);');
    // Code that throws: as it is (the probe says why it is refused).
    expect(formulaOf('w.nosuch()')).toBe('w.nosuch()');
  });
});
