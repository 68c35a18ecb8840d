/** Small numeric helpers shared by the tests. */
import { type Tensor, tf } from '../src/index.ts';

/** The scalar value of f at a 1-element tensor holding x. */
export function at(f: (w: Tensor) => Tensor, x: number): number {
  return tf.tidy(() => f(tf.tensor1d([x])).dataSync()[0] ?? NaN);
}

/** d f / dx at x by TF.js autodiff. */
export function gradAt(f: (w: Tensor) => Tensor, x: number): number {
  return tf.tidy(
    () =>
      tf
        .grad((w: Tensor) => f(w))(tf.tensor1d([x]))
        .dataSync()[0] ?? NaN,
  );
}

/** Central finite difference of f at x. */
export function finiteDiff(f: (w: Tensor) => Tensor, x: number, h = 1e-3): number {
  return (at(f, x + h) - at(f, x - h)) / (2 * h);
}

export function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Expect two arrays to agree within a relative tolerance (absolute near 0). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-5, abs = 1e-7): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) {
      throw new Error(`at index ${i}: got ${a}, expected ${e} (rel ${rel}, abs ${abs})`);
    }
  }
}
