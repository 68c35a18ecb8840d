/**
 * Adam's step (src/optim/update-kernels.ts) as one loop over the host's Float32Arrays: each
 * element read once and its three results written once, instead of ~12 passes and arrays.
 *
 *   m' = β₁·m + (1−β₁)·g;  v' = β₂·v + (1−β₂)·g²;  u = (m'/c₁) / (√(v'/c₂) + ε)
 *
 * Every operation is rounded to float32 (Math.fround) in the order the composed TF.js ops run
 * them, with β₁, 1−β₁, β₂, 1−β₂ and ε rounded as TF.js rounds a scalar and c₁, c₂ the float32
 * scalars TF.js computed: the results are bit for bit those of the ops (as adadelta-loop.ts).
 */

/** The constants of a step: β₁, β₂ and ε as given, c₁ and c₂ as the float32 scalars hold them. */
export interface AdamConstants {
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;
  readonly c1: number;
  readonly c2: number;
}

/** The input arrays g, m, v and the output arrays [u, m', v'] of a step. */
export interface AdamArrays {
  readonly g: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly u: Float32Array;
  readonly mOut: Float32Array;
  readonly vOut: Float32Array;
}

/** Elements [from, to) of Adam's step. */
export function adamLoop({ g, m, v, u, mOut, vOut }: AdamArrays, { b1, b2, eps, c1, c2 }: AdamConstants, from: number, to: number): void {
  const f = Math.fround;
  const [r1, s1, r2, s2, e] = [f(b1), f(1 - b1), f(b2), f(1 - b2), f(eps)];
  const [k1, k2] = [f(c1), f(c2)];
  for (let i = from; i < to; i++) {
    const gi = g[i] as number;
    const mi = f(f((m[i] as number) * r1) + f(gi * s1));
    const vi = f(f((v[i] as number) * r2) + f(f(gi * gi) * s2));
    mOut[i] = mi;
    vOut[i] = vi;
    u[i] = f(f(mi / k1) / f(f(Math.sqrt(f(vi / k2))) + e));
  }
}
