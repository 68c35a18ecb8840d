/**
 * Adadelta's step (src/optim/update-kernels.ts) as one loop over the host's Float32Arrays: each
 * element read once and its three results written once, instead of ~16 passes and arrays.
 *
 *   a' = ρ·a + (1−ρ)·g²;  u = g·√(d + ε)/√(a' + ε);  d' = ρ·d + (1−ρ)·u²
 *
 * Every operation is rounded to float32 (Math.fround) in the order the composed TF.js ops run
 * them, with ρ, 1−ρ and ε rounded as TF.js rounds a scalar: the results are bit for bit those of
 * the ops (a double's result of + − × ÷ √ on float32s, rounded to float32, is the float32 result).
 */

/** The constants of a step, as TF.js's float32 scalars hold them. */
export interface AdadeltaConstants {
  readonly rho: number;
  readonly eps: number;
}

/** The output arrays [u, a', d'] of a step. */
export interface AdadeltaArrays {
  readonly g: Float32Array;
  readonly a: Float32Array;
  readonly d: Float32Array;
  readonly u: Float32Array;
  readonly aOut: Float32Array;
  readonly dOut: Float32Array;
}

/** Elements [from, to) of Adadelta's step. */
export function adadeltaLoop({ g, a, d, u, aOut, dOut }: AdadeltaArrays, { rho, eps }: AdadeltaConstants, from: number, to: number): void {
  const f = Math.fround;
  const r = f(rho);
  const r1 = f(1 - rho);
  const e = f(eps);
  for (let i = from; i < to; i++) {
    const gi = g[i] as number;
    const di = d[i] as number;
    const ai = f(f((a[i] as number) * r) + f(f(gi * gi) * r1));
    const ui = f(f(f(Math.sqrt(f(di + e))) / f(Math.sqrt(f(ai + e)))) * gi);
    aOut[i] = ai;
    u[i] = ui;
    dOut[i] = f(f(di * r) + f(f(ui * ui) * r1));
  }
}
