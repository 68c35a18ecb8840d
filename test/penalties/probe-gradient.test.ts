/**
 * The probe's check that a penalty's gradient is the derivative of its value: a tf.customGrad with
 * a wrong gradient is refused before training (it used to pass, finite, and train on it), a right
 * one and a penalty with kinks (|w| at 0, a dead zone at ±a, a kink within the step) pass.
 */
import { describe, expect, it } from 'vitest';
import { abs, definePenalty, penalty, probePenalty, SpecError, type Tensor, tf } from '../../src/node.ts';
import { gradientMismatch } from '../../src/penalties/gradient-check.ts';

/** A penalty φ with the gradient `grad(w, dy)` given by tf.customGrad. */
function withGradient(value: (w: Tensor) => Tensor, grad: (w: Tensor, dy: Tensor) => Tensor): (w: Tensor) => Tensor {
  const f = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const w = args[0] as Tensor;
    (args[1] as tf.GradSaveFunc)([w]);
    return { value: value(w), gradFunc: (dy: Tensor, saved: Tensor[]) => grad(saved[0] as Tensor, dy) };
  });
  // Called with w alone (a penalty's fn is given its parameters too, which customGrad would take for a tensor).
  return (w) => f(w);
}

/** The probe of a penalty defined as `name` with `fn`: undefined when it passes, else its refusal. */
function probed(name: string, fn: (w: Tensor) => Tensor): string | undefined {
  definePenalty({ name, fn });
  try {
    probePenalty(penalty(`${name}:1e-3`));
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as Error).message;
  }
}

describe("the probe's check of a penalty's gradient against finite differences of its value", () => {
  it("refuses a tf.customGrad whose gradient has the wrong sign, is another function's, or ignores dy, saying where, what and what to fix (each was accepted: finite)", () => {
    const square = (w: Tensor) => tf.square(w);
    // Σ w² with −2w: at w = 0.1 the gradient is −0.2, the value's slope 0.2.
    expect(
      probed(
        'signflipped',
        withGradient(square, (w, dy) => tf.mul(dy, tf.mul(-2, w))),
      ),
    ).toMatch(
      /^penalty signflipped has a gradient that is not the derivative of its value: at w = 0\.1 \(entry 2 of probe weights of shape \[15\], the others fixed\) TF\.js's gradient is -0\.2, but finite differences of its value give 0\.2 \(its slope 0\.19\d* to the left, 0\.20\d* to the right, step 0\.001\); .*Fix the gradient: a tf\.customGrad's gradFunc must return dy times the derivative of the value it returns/,
    );
    // Σ log(1 + w²) with the gradient of Σ w² (2w, not 2w/(1 + w²)).
    expect(
      probed(
        'otherfunction',
        withGradient(
          (w) => tf.log1p(tf.square(w)),
          (w, dy) => tf.mul(dy, tf.mul(2, w)),
        ),
      ),
    ).toMatch(/has a gradient that is not the derivative of its value/);
    // The right derivative, without dy: training's dy is λ, so it would train as if λ were 1.
    expect(
      probed(
        'ignoresdy',
        withGradient(square, (w) => tf.mul(2, w)),
      ),
    ).toMatch(/TF\.js's gradient is (-?[\d.]+), but finite differences of its value give (-?[\d.]+)/);
  });

  it('accepts a right tf.customGrad, kinks (|w| at 0, a dead zone at ±a on and off the probe values, |w − c| with c within the step) and terms rounding holds still', () => {
    const logSquare = withGradient(
      (w) => tf.log1p(tf.square(w)),
      (w, dy) => tf.mul(dy, tf.div(tf.mul(2, w), tf.add(1, tf.square(w)))),
    );
    const accepted = {
      logsquare: logSquare,
      tfabs: (w: Tensor) => tf.abs(w), // TF.js's own |w|: gradient −1 at 0
      deadzoneonprobe: (w: Tensor) => tf.relu(tf.sub(abs(w), 0.1)), // kinks at ±0.1, two probe values
      deadzonewithinstep: (w: Tensor) => tf.relu(tf.sub(abs(w), 0.1004)),
      kinkwithinstep: (w: Tensor) => tf.abs(tf.sub(w, 0.5005)),
      huber: (w: Tensor) => {
        const m = tf.minimum(abs(w), 0.1);
        return tf.div(tf.mul(m, tf.sub(abs(w), tf.div(m, 2))), 0.1);
      },
      groupnorm: (w: Tensor) => tf.norm(w), // a whole-tensor value
      // Terms float32 rounds to 1 on either side (1 − exp(−50), at w = 1 and 2): their right, tiny gradients were refused.
      welsch: (w: Tensor) => tf.sub(1, tf.exp(tf.div(tf.square(w), -0.02))),
      gemanmcclure: (w: Tensor) => tf.div(tf.square(w), tf.add(1e-6, tf.square(w))),
    };
    for (const [name, fn] of Object.entries(accepted)) expect([name, probed(name, fn)]).toEqual([name, undefined]);
  });

  it('says an error of its extra evaluations happened on the 15 probe weights, one moved (it said a probe tensor of shape [4,4])', () => {
    // Throws only past the largest probe value, 2: on the finite difference's step to 2.001.
    const pastTwo = (w: Tensor) => {
      if ((tf.max(w).dataSync()[0] ?? 0) > 2) throw new Error('past 2');
      return tf.square(w);
    };
    expect(probed('pasttwo', pastTwo)).toBe(
      'penalty pasttwo threw on probe weights of shape [15] (the non-zero probe values, or with one moved by up to 0.001, to check its gradient): past 2',
    );
  });

  it('takes a gradient between the slopes on either side of a kink; a central difference alone would refuse |w − 0.5005| at 0.5', () => {
    const phi = (w: readonly number[]) => w.map((x) => Math.abs(x - 0.5005));
    expect(gradientMismatch([0.5], [-1], phi)).toBeUndefined();
    const bad = gradientMismatch([0.5], [1], phi);
    expect(bad).toMatchObject({ index: 0, at: 0.5, gradient: 1, step: 1e-3 });
    // The central difference, (L + R)/2 ≈ −0.5, is neither −1 (the gradient) nor anything near it.
    expect(((bad?.left ?? 0) + (bad?.right ?? 0)) / 2).toBeCloseTo(-0.5, 2);
  });
});
