/**
 * Each penalised weight's λ·penalty at a snapshot, its sum over the weight's entries taken in
 * float64 here, whatever the model's size:
 *
 *   this library's penalty, element-wise φ(w)  ─► φ(w) on the backend, downloaded, λ·Σφ summed here
 *   TF.js's L1L2 { l1, l2 }                     ─► l1·Σ|w| + l2·Σw² from the weight's values, here
 *   any other (a penalty whose φ is a scalar,   ─► its own value, from the backend (one download for all)
 *   another class)
 *
 * A backend's float32 sum drifts with size: a Dense 4000×4000 of weights 1e-3 under L1 (Σ|w| ≈
 * 16 000) summed to 15 655 on wasm and 15 757 on onnxruntime, and a sum past 3.4e38 became ∞
 * (written as null, "not measured"). Here: 16 000.0008 (each weight is float32 1e-3), finite.
 *
 * @example
 * penaltySums(inventory(model).weights, (w) => w.variable.read().dataSync() as Float32Array)   // Map { entry ─► λ·Σφ }
 */
import type { WeightEntry } from '../model/index.ts';
import { isPenalty } from '../penalties/index.ts';
import { tf } from '../tf.ts';

/** Σ f(values[i]), in float64. */
function sumOf(values: ArrayLike<number>, f: (v: number) => number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += f(values[i] as number);
  return s;
}

/** TF.js's L1L2 factors, when `r` is one (its class name and config, as TF.js serialises it). */
export function l1l2Of(r: WeightEntry['regularizer']): { l1: number; l2: number } | undefined {
  if (r?.getClassName?.() !== 'L1L2') return undefined;
  const { l1, l2 } = r.getConfig() as { l1?: unknown; l2?: unknown };
  return typeof l1 === 'number' && typeof l2 === 'number' ? { l1, l2 } : undefined;
}

/** Each penalised weight of `weights` ─► its λ·penalty now; `values` gives a weight's downloaded values. */
export function penaltySums(weights: readonly WeightEntry[], values: (w: WeightEntry) => ArrayLike<number>): Map<WeightEntry, number> {
  const sums = new Map<WeightEntry, number>();
  const rest: WeightEntry[] = [];
  for (const w of weights) {
    const r = w.regularizer;
    if (!r) continue;
    const l1l2 = l1l2Of(r);
    if (l1l2) {
      const v = values(w);
      sums.set(w, (l1l2.l1 ? l1l2.l1 * sumOf(v, Math.abs) : 0) + (l1l2.l2 ? l1l2.l2 * sumOf(v, (x) => x * x) : 0));
      continue;
    }
    const penalty = isPenalty(r) ? r : undefined;
    const terms = penalty ? tf.tidy(() => penalty.terms(w.variable.read())) : undefined;
    if (!penalty || !terms || terms.rank === 0) {
      terms?.dispose();
      rest.push(w);
      continue;
    }
    const phi = terms.dataSync();
    terms.dispose();
    sums.set(w, penalty.strength * sumOf(phi, (x) => x));
  }
  if (rest.length) {
    const all = tf.tidy(() => tf.stack(rest.map((w) => w.regularizer!.apply(w.variable.read()))).dataSync());
    rest.forEach((w, i) => sums.set(w, all[i] ?? NaN));
  }
  return sums;
}
