/**
 * RMSprop's step (src/optim/update-kernels.ts) as one loop over the host's Float32Arrays: each
 * element read once and its two results written once, instead of ~6 passes and arrays.
 *
 *   a' = ρ·a + (1−ρ)·g²;  u = g / √(a' + ε)
 *
 * Every operation is rounded to float32 (Math.fround) in the order the composed TF.js ops run
 * them, with ρ, 1−ρ and ε rounded as TF.js rounds a scalar: the results are bit for bit those of
 * the ops (as adadelta-loop.ts).
 */

/** The constants of a step. */
export interface RmsConstants {
  readonly rho: number;
  readonly eps: number;
}

/** The input arrays g, a and the output arrays [u, a'] of a step. */
export interface RmsArrays {
  readonly g: Float32Array;
  readonly a: Float32Array;
  readonly u: Float32Array;
  readonly aOut: Float32Array;
}

/** Elements [from, to) of RMSprop's step. */
export function rmsLoop({ g, a, u, aOut }: RmsArrays, { rho, eps }: RmsConstants, from: number, to: number): void {
  const f = Math.fround;
  const [r, r1, e] = [f(rho), f(1 - rho), f(eps)];
  for (let i = from; i < to; i++) {
    const gi = g[i] as number;
    const ai = f(f((a[i] as number) * r) + f(f(gi * gi) * r1));
    aOut[i] = ai;
    u[i] = f(gi / f(Math.sqrt(f(ai + e))));
  }
}
