import { describe, expect, it } from 'vitest';
import { BUILTIN_PENALTIES, type BuiltinPenaltyName, type PenaltySpec, penalty, probePenalty, SpecError, type Tensor, tf } from '../../src/index.ts';
import { at, expectClose, finiteDiff, gradAt } from '../helpers.ts';

const λ = 0.5;
const sign = Math.sign;

interface Case {
  readonly spec: string;
  readonly f: (x: number) => number;
  /** The gradient, with the library's choice at kinks (subgradient 0 at w = 0, [|w| > a] for deadzone). */
  readonly g: (x: number) => number;
  readonly kinks: readonly number[];
}

const CASES: Record<BuiltinPenaltyName, readonly Case[]> = {
  none: [{ spec: 'none', f: () => 0, g: () => 0, kinks: [] }],
  l1: [{ spec: `l1:${λ}`, f: (x) => λ * Math.abs(x), g: (x) => λ * sign(x), kinks: [0] }],
  l2: [{ spec: `l2:${λ}`, f: (x) => λ * x * x, g: (x) => 2 * λ * x, kinks: [] }],
  l1l2: [{ spec: `l1l2:${λ},l1=0.3,l2=0.2`, f: (x) => λ * (0.3 * Math.abs(x) + 0.2 * x * x), g: (x) => λ * (0.3 * sign(x) + 0.4 * x), kinks: [0] }],
  l3: [{ spec: `l3:${λ}`, f: (x) => λ * Math.abs(x) ** 3, g: (x) => 3 * λ * x * Math.abs(x), kinks: [] }],
  l4: [{ spec: `l4:${λ}`, f: (x) => λ * x ** 4, g: (x) => 4 * λ * x ** 3, kinks: [] }],
  lp: [
    { spec: `lp:${λ},p=3`, f: (x) => λ * Math.abs(x) ** 3, g: (x) => 3 * λ * sign(x) * Math.abs(x) ** 2, kinks: [] },
    { spec: `lp:${λ},p=0.5`, f: (x) => λ * Math.abs(x) ** 0.5, g: (x) => (x === 0 ? 0 : 0.5 * λ * sign(x) * Math.abs(x) ** -0.5), kinks: [0] },
    { spec: `lp:${λ},p=1`, f: (x) => λ * Math.abs(x), g: (x) => λ * sign(x), kinks: [0] },
  ],
  deadzone: [
    { spec: `deadzone:${λ}`, f: (x) => λ * Math.max(0, Math.abs(x) - 0.25), g: (x) => (Math.abs(x) > 0.25 ? λ * sign(x) : 0), kinks: [-0.25, 0.25] },
    { spec: `deadzone:${λ},a=0.5`, f: (x) => λ * Math.max(0, Math.abs(x) - 0.5), g: (x) => (Math.abs(x) > 0.5 ? λ * sign(x) : 0), kinks: [-0.5, 0.5] },
  ],
};

// Includes w = 0 and |w| = a for both dead-zone widths; all exactly representable in float32.
const POINTS = [-2, -1, -0.5, -0.375, -0.25, -0.125, -0.0625, 0, 0.0625, 0.125, 0.25, 0.375, 0.5, 0.75, 1, 1.5, 2];

describe('built-in penalties', () => {
  it('every registry entry has closed-form cases here', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(BUILTIN_PENALTIES).sort());
  });

  it("every case, and the parameters' extremes, pass the probe's check of a gradient against finite differences of the value (a user's penalty's)", () => {
    const extremes = ['lp:1,p=0.05', 'lp:1,p=10', 'deadzone:1,a=0', 'deadzone:1,a=0.1', 'deadzone:1,a=2', 'l1l2:1,l1=1,l2=0', 'l1:1,prox'];
    for (const spec of [...Object.values(CASES).flatMap((cases) => cases.map((c) => c.spec)), ...extremes]) {
      expect(() => probePenalty(penalty(spec)), spec).not.toThrow();
    }
  });

  for (const c of Object.values(CASES).flat()) {
    describe(c.spec, () => {
      const reg = penalty(c.spec);
      const f = (w: Tensor) => reg.apply(w);

      it('value equals the closed form, element by element', () => {
        expectClose(
          POINTS.map((x) => at(f, x)),
          POINTS.map(c.f),
          1e-5,
          1e-7,
        );
      });

      it('sums over a whole tensor', () => {
        const xs = Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * 1.4);
        const total = tf.tidy(() => reg.apply(tf.tensor3d(xs, [2, 3, 4])).dataSync()[0] ?? NaN);
        expectClose([total], [xs.reduce((s, x) => s + c.f(x), 0)], 1e-5, 1e-6);
      });

      it('gradient equals the closed form, including w = 0 and |w| = a', () => {
        expectClose(
          POINTS.map((x) => gradAt(f, x)),
          POINTS.map(c.g),
          1e-5,
          1e-7,
        );
      });

      it('gradient agrees with central finite differences away from kinks', () => {
        const smooth = POINTS.filter((x) => c.kinks.every((k) => Math.abs(x - k) > 0.01));
        expectClose(
          smooth.map((x) => gradAt(f, x)),
          smooth.map((x) => finiteDiff(f, x)),
          3e-3,
          2e-4,
        );
      });
    });
  }
});

describe('dead-zone penalty', () => {
  it('is never negative on random tensors, and zero inside the dead zone', () => {
    for (let seed = 0; seed < 20; seed++) {
      const scale = [0.05, 0.2, 1, 3][seed % 4] as number;
      const w = tf.randomNormal([17, 9], 0, scale, 'float32', seed);
      const v = penalty('deadzone:1').apply(w).dataSync()[0] ?? NaN;
      const expected = Array.from(w.dataSync()).reduce((s, x) => s + Math.max(0, Math.abs(x) - 0.25), 0);
      expect(v).toBeGreaterThanOrEqual(0);
      expectClose([v], [expected], 1e-4, 1e-6);
      w.dispose();
    }
    expect(
      penalty('deadzone:1')
        .apply(tf.tensor([0.1, -0.2, 0.25, -0.25, 0]))
        .dataSync()[0],
    ).toBe(0);
  });
});

describe('a penalty spec object from JavaScript', () => {
  it('with a value that is not a number is a SpecError naming it (it was a TypeError, "x.map is not a function")', () => {
    const bad = (o: unknown) => () => penalty(o as PenaltySpec);
    for (const [o, message] of [
      [{ name: 'lp', strength: 1e-4, params: { p: '3' } }, /lp parameter p must be a number, got "3"/],
      [{ name: 'l1', strength: '0.1' }, /strength of l1 must be a number, got "0.1"/],
      [{ name: 'l1', strength: null }, /strength of l1 must be a number, got null/],
    ] as const) {
      expect(bad(o)).toThrow(SpecError);
      expect(bad(o)).toThrow(message);
    }
    expect(penalty({ name: 'lp', strength: 1e-4, params: { p: 3 } }).spec).toBe('lp:1e-4,p=3');
  });
});
