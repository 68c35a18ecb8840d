/**
 * The playground's code box as a penalty (mnist-demo/playground/user-penalty.ts), in Node: the
 * formula the record gets says what the library really adds to the loss — the sum of an
 * element-wise φ(w), the value of a scalar one — checked against the value itself; and its probe's
 * advice, worded for code that has `abs` in its scope.
 */
import { describe, expect, it } from 'vitest';
import { defineUserPenalty, formulaOf, probeUserPenalty } from '../../mnist-demo/playground/user-penalty.ts';
import { definePenalty, lossFormula, penalty, SpecError, tf } from '../../src/index.ts';

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

describe("the code box's probe", () => {
  it("refuses tf.abs saying abs is in the code box's scope (it said to import it, which the code box cannot)", () => {
    // Its code as defineUserPenalty runs it (`mine` is this file's tf.square): tf.abs(w).
    definePenalty({ name: 'boxtfabs', fn: (w) => tf.abs(w) });
    let message = '';
    try {
      probeUserPenalty(penalty('boxtfabs:1e-3'));
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^penalty boxtfabs has gradient -1 at w = 0, /);
    // Its values at ±1e-3 as written (it said 0.0010000000474974513, float32's 1e-3 as a double).
    expect(message).toContain('(0.001 at w = ±0.001, 0 at w = 0)');
    expect(message).toMatch(
      /use the library's abs instead \(abs is already in the code box's scope; gradient sign\(w\), 0 at w = 0\), e\.g\. abs\(w\), not tf\.abs\(w\)$/,
    );
    expect(message).not.toContain('import');
  });

  it("refuses a penalty beyond float32's range saying float32's largest value (it said only that a penalty must be finite)", () => {
    for (const [name, fn] of [
      ['boxstrong', (w: tf.Tensor) => tf.mul(tf.square(w), 1e38)],
      ['boxconst', () => tf.scalar(1e45)],
    ] as const) {
      definePenalty({ name, fn });
      let message = '';
      try {
        probeUserPenalty(penalty(`${name}:1e-3`));
      } catch (err) {
        expect(err).toBeInstanceOf(SpecError);
        message = (err as Error).message;
      }
      expect([name, message]).toEqual([
        name,
        expect.stringMatching(
          new RegExp(
            `^penalty ${name} returned Infinity on a probe tensor of shape \\[4,4\\]; a penalty must be finite: .*or a value too large for float32 \\(TF\\.js computes in float32, whose largest value is 3\\.4028235e38: `,
          ),
        ),
      ]);
    }
  });
});
