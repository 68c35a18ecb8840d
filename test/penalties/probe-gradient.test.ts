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
    // Σ w² with −2w: at w = 0.001 the gradient is −0.002, the value's slope 0.002 (its extrapolated one-sided slopes are exact for w²).
    expect(
      probed(
        'signflipped',
        withGradient(square, (w, dy) => tf.mul(dy, tf.mul(-2, w))),
      ),
    ).toMatch(
      /^penalty signflipped has a gradient that is not the derivative of its value: at w = 0\.001 \(entry 0 of probe weights of shape \[15\], the others fixed\) TF\.js's gradient is -0\.002, but finite differences of its value give 0\.002 \(its slope 0\.002 to the left, 0\.002 to the right, extrapolated to a zero step from steps down to 0\.000125\); .*Fix the gradient: a tf\.customGrad's gradFunc must return dy times the derivative of the value it returns/,
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
      libabs: (w: Tensor) => abs(w), // the library's |w|: gradient sign(w), 0 at 0
      deadzoneonprobe: (w: Tensor) => tf.relu(tf.sub(abs(w), 0.1)), // kinks at ±0.1, two probe values
      deadzonewithinstep: (w: Tensor) => tf.relu(tf.sub(abs(w), 0.1004)),
      kinkwithinstep: (w: Tensor) => tf.abs(tf.sub(w, 0.5005)),
      huber: (w: Tensor) => {
        const m = tf.minimum(abs(w), 0.1);
        return tf.div(tf.mul(m, tf.sub(abs(w), tf.div(m, 2))), 0.1);
      },
      groupnorm: (w: Tensor) => tf.sqrt(tf.add(tf.sum(tf.square(w)), 1e-8)), // a whole-tensor value (smoothed: tf.norm's gradient at w = 0 is NaN)
      // Terms float32 rounds to 1 on either side (1 − exp(−50), at w = 1 and 2): their right, tiny gradients were refused.
      welsch: (w: Tensor) => tf.sub(1, tf.exp(tf.div(tf.square(w), -0.02))),
      gemanmcclure: (w: Tensor) => tf.div(tf.square(w), tf.add(1e-6, tf.square(w))),
    };
    for (const [name, fn] of Object.entries(accepted)) expect([name, probed(name, fn)]).toEqual([name, undefined]);
  });

  it("refuses tf.abs, whose gradient at w = 0 is −1 where its value is symmetric and smallest, saying to use the library's abs (it was accepted: an L1 that never let a weight rest at 0); smooth penalties and abs pass", () => {
    // Why: two steps of the user's L1 from w = 0 with tf.abs leave 0; with the library's abs they stay.
    const stepped = (phi: (w: Tensor) => Tensor) =>
      tf.tidy(() => {
        const w = tf.zeros([1]);
        return tf.sub(w, tf.mul(0.5, tf.grad((x: Tensor) => tf.mul(0.1, phi(x)))(w))).dataSync()[0];
      });
    expect([stepped((w) => tf.abs(w)), stepped(abs)]).toEqual([0.05000000074505806, 0]);
    expect(probed('tfabsonly', (w) => tf.abs(w))).toBe(
      'penalty tfabsonly has gradient -1 at w = 0, where its value is symmetric and smallest (0.001 at w = ±0.001, 0 at w = 0): ' +
        'its gradient there must be 0, else training pushes every weight that sits at exactly 0 off it on every step — an L1 that never lets a weight rest at 0. ' +
        "TF.js's tf.abs has gradient -1 at w = 0: use the library's abs instead (import { abs } from 'penalty-explorer'; gradient sign(w), 0 at w = 0), e.g. abs(w), not tf.abs(w)",
    );
    // Inside another op: log(1 + |w|/0.05) has gradient −1/0.05 = −20 at 0; and added to a smooth one.
    expect(probed('tfabslogsum', (w) => tf.log1p(tf.div(tf.abs(w), 0.05)))).toMatch(
      /^penalty tfabslogsum has gradient -20 at w = 0, .*use the library's abs instead \(import \{ abs \} from 'penalty-explorer'/,
    );
    expect(probed('tfabsplussquare', (w) => tf.add(tf.abs(w), tf.square(w)))).toMatch(/^penalty tfabsplussquare has gradient -1 at w = 0/);
    const passing = {
      zsquare: (w: Tensor) => tf.square(w),
      zlogsquare: (w: Tensor) => tf.log1p(tf.square(w)),
      liblogsum: (w: Tensor) => tf.log1p(tf.div(abs(w), 0.05)),
      cubic: (w: Tensor) => tf.mul(tf.abs(w), tf.square(w)), // tf.abs, but its gradient at 0 is 0
      offcentre: (w: Tensor) => tf.abs(tf.sub(w, 0.5)), // −1 at 0 is its true slope: smallest at 0.5, not 0
    };
    for (const [name, fn] of Object.entries(passing)) expect([name, probed(name, fn)]).toEqual([name, undefined]);
    expect(() => probePenalty(penalty('l1:1e-3'))).not.toThrow();
  });

  it('refuses a gradient that is NaN or ±∞ at w = 0 (√|w|, |w|^0.5, a norm: a bias starts at 0), saying what to write instead, which passes (each was accepted, finite elsewhere)', () => {
    const refused = {
      sqrttfabs: [(w: Tensor) => tf.sqrt(tf.abs(w)), '-Infinity'], // 1/(2√0) · tf.abs's −1
      sqrtabs: [(w: Tensor) => tf.sqrt(abs(w)), 'NaN'], // ∞ · 0
      powhalf: [(w: Tensor) => tf.pow(abs(w), 0.5), 'NaN'],
      wholenorm: [(w: Tensor) => tf.norm(w), 'NaN'], // a whole-tensor value: √Σw²
    } as const;
    for (const [name, [fn, slope]] of Object.entries(refused))
      expect([name, probed(name, fn)]).toEqual([name, expect.stringContaining(`penalty ${name} has gradient ${slope} at w = 0: `)]);
    expect(probed('sqrtabs2', (w) => tf.sqrt(abs(w)))).toBe(
      'penalty sqrtabs2 has gradient NaN at w = 0: its gradient must be finite at every w, 0 included, else a weight at exactly 0 ' +
        "(a bias, which starts at 0, or one the penalty has zeroed) takes a NaN step and the model's weights turn NaN. " +
        "TF.js's gradient of √x and of x^p with p < 1 is infinite at x = 0, and 0·∞ is NaN (tf.sqrt(abs(w)), tf.pow(abs(w), 0.5), a norm tf.norm(w) at w = 0): " +
        'smooth it at 0 by writing |w| as √(w² + eps) with a small eps, e.g. tf.pow(tf.add(tf.square(w), 1e-8), 0.25) for √|w| ' +
        'or tf.sqrt(tf.add(tf.sum(tf.square(w)), 1e-8)) for a norm, or use the built-in lp (lp:λ,p=0.5: its gradient is 0 at w = 0)',
    );
    // What it says to write instead passes, and so does the built-in lp below p = 1 (its gradient taken as 0 at w = 0).
    expect(probed('smoothroot', (w) => tf.pow(tf.add(tf.square(w), 1e-8), 0.25))).toBeUndefined();
    expect(probed('smoothnorm', (w) => tf.sqrt(tf.add(tf.sum(tf.square(w)), 1e-8)))).toBeUndefined();
    for (const spec of ['lp:1e-3,p=0.5', 'lp:1e-3,p=0.05']) expect(() => probePenalty(penalty(spec)), spec).not.toThrow();
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
    // The central difference at the first step, 10⁻³ (across the kink), is ≈ −0.5: neither −1 (the gradient) nor anything near it.
    expect(gradientMismatch([0.5], [-1], phi)).toBeUndefined();
    // +1 is refused with the slopes of the steps short of the kink: −1 on both sides.
    const bad = gradientMismatch([0.5], [1], phi);
    expect(bad).toMatchObject({ index: 0, at: 0.5, gradient: 1 });
    expect([bad?.left, bad?.right].map((s) => Math.round(s ?? 0))).toEqual([-1, -1]);
  });

  // Smooth penalties whose curve is as narrow as the smallest probe value, c = 1e-3, with their closed-form derivatives.
  const narrow = {
    cauchy: {
      value: (w: Tensor, c: number) => tf.log1p(tf.square(tf.div(w, c))),
      grad: (w: Tensor, c: number) => tf.div(tf.mul(2, w), tf.add(c * c, tf.square(w))),
    },
    welsch: {
      value: (w: Tensor, c: number) => tf.sub(1, tf.exp(tf.neg(tf.square(tf.div(w, c))))),
      grad: (w: Tensor, c: number) => tf.mul(tf.div(tf.mul(2, w), c * c), tf.exp(tf.neg(tf.square(tf.div(w, c))))),
    },
    gemanmcclure: {
      value: (w: Tensor, c: number) => tf.div(tf.square(w), tf.add(tf.square(w), c * c)),
      grad: (w: Tensor, c: number) => tf.div(tf.mul(2 * c * c, w), tf.square(tf.add(tf.square(w), c * c))),
    },
  };
  const scales = { c1e3: 1e-3, c1e2: 1e-2, c1: 1 };
  /** The gradient `wrong` makes of the closed form g where |w| ≤ 0.001 (the probe's smallest values), g elsewhere. */
  const atSmallW = (wrong: (g: Tensor) => Tensor) => (w: Tensor, g: Tensor) => tf.where(tf.lessEqual(tf.abs(w), 1e-3), wrong(g), g);

  it("accepts Cauchy's, Welsch's and Geman–McClure's right gradients at c = 1e-3, 1e-2 and 1 (at c = 1e-3 the first step, w/2 at w = 0.001, is wider than the curve: Cauchy's was refused)", () => {
    for (const [family, { value, grad }] of Object.entries(narrow))
      for (const [scale, c] of Object.entries(scales)) {
        const name = `${family}${scale}`;
        const fn = withGradient(
          (w) => value(w, c),
          (w, dy) => tf.mul(dy, grad(w, c)),
        );
        expect([name, probed(name, fn)]).toEqual([name, undefined]);
      }
  });

  it('refuses those gradients off by a factor of 1.01, or with their sign flipped, at w = ±0.001 alone (the factor passed within 1 %)', () => {
    const wrongs = { times101: atSmallW((g) => tf.mul(1.01, g)), flipped: atSmallW((g) => tf.neg(g)) };
    for (const [family, { value, grad }] of Object.entries(narrow))
      for (const [scale, c] of Object.entries(scales))
        for (const [how, wrong] of Object.entries(wrongs)) {
          // Welsch's 1 − exp(−(w/c)²) at w = 0.001, c = 1 is 1 − exp(−10⁻⁶): float32 holds it to ±3 % (exp's last digit), too coarse for 1 %.
          if (family === 'welsch' && c === 1 && how === 'times101') continue;
          const name = `${family}${scale}${how}`;
          const fn = withGradient(
            (w) => value(w, c),
            (w, dy) => tf.mul(dy, wrong(w, grad(w, c))),
          );
          expect([name, probed(name, fn)]).toEqual([name, expect.stringMatching(/not the derivative of its value: at w = -?0\.001 \(entry [01] /)]);
        }
  });
});
