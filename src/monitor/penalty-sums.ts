/**
 * Each penalised weight's λ·penalty at a snapshot, its sum over the weight's entries taken in
 * float64 here, whatever the model's size:
 *
 *   this library's penalty, element-wise φ(w)  ─► φ(w) on the backend ─┐
 *   TF.js's L1L2 { l1, l2 }                     ─► w (unless given) ─────┼► flattened, concatenated, one download
 *   any other (a penalty whose φ is a scalar,   ─► its own value ────────┘   ─► λ·Σφ, l1·Σ|w| + l2·Σw², the value: here
 *   another class)
 *
 * A backend's float32 sum drifts with size: a Dense 4000×4000 of weights 1e-3 under L1 (Σ|w| ≈
 * 16 000) summed to 15 655 on wasm and 15 757 on onnxruntime, and a sum past 3.4e38 became ∞
 * (written as null, "not measured"). Here: 16 000.0008 (each weight is float32 1e-3), finite.
 *
 * @example
 * penaltySums(inventory(model).weights)   // Map { entry ─► λ·Σφ }, one download
 * penaltySums(inventory(model).weights, (w) => w.variable.read().dataSync())   // the same, L1L2 summed from the values given
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

/** What one penalised weight adds to the one read-back: how many values, and its λ·penalty from them. */
interface Piece {
  readonly w: WeightEntry;
  readonly size: number;
  readonly sum: (values: Float32Array) => number;
}

/**
 * Each penalised weight of `weights` ─► its λ·penalty now. `values` gives a weight's values when the
 * caller has them downloaded already (TF.js's L1L2 is summed from them); without it, they are read
 * back with the rest. Everything read from the backend — each element-wise φ(w), each weight under
 * L1L2 (without `values`), each other penalty's own value — is flattened into one tensor and read
 * back once (one `dataSync`, not one per weight).
 */
export function penaltySums(weights: readonly WeightEntry[], values?: (w: WeightEntry) => ArrayLike<number>): Map<WeightEntry, number> {
  const sums = new Map<WeightEntry, number>();
  const pieces: Piece[] = [];
  const flat = tf.tidy(() => {
    const tensors: tf.Tensor[] = [];
    const add = (w: WeightEntry, t: tf.Tensor, sum: Piece['sum']) => {
      tensors.push(tf.cast(tf.reshape(t, [-1]), 'float32'));
      pieces.push({ w, size: t.size, sum });
    };
    for (const w of weights) {
      const r = w.regularizer;
      if (!r) continue;
      const l1l2 = l1l2Of(r);
      const l1l2Sum = (v: ArrayLike<number>) => (l1l2?.l1 ? l1l2.l1 * sumOf(v, Math.abs) : 0) + (l1l2?.l2 ? l1l2.l2 * sumOf(v, (x) => x * x) : 0);
      if (l1l2 && values) sums.set(w, l1l2Sum(values(w)));
      else if (l1l2) add(w, w.variable.read(), l1l2Sum);
      else {
        const penalty = isPenalty(r) ? r : undefined;
        const terms = penalty?.terms(w.variable.read());
        // An element-wise penalty: φ(w), summed here; any other (φ a scalar, another class): its own value.
        if (penalty && terms && terms.rank > 0) add(w, terms, (phi) => penalty.strength * sumOf(phi, (x) => x));
        else add(w, r.apply(w.variable.read()), (v) => v[0] ?? NaN);
      }
    }
    return tensors.length > 0 ? tf.concat(tensors) : undefined;
  });
  if (!flat) return sums;
  const all = flat.dataSync() as Float32Array;
  flat.dispose();
  let at = 0;
  for (const p of pieces) {
    sums.set(p.w, p.sum(all.subarray(at, at + p.size)));
    at += p.size;
  }
  return sums;
}
