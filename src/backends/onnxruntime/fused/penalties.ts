/**
 * The built-in penalties inside the fused graph: each weight's λ·φ(w) summed into the graph's
 * `penalty` output, and its gradient added to the weight's data gradient — the same formulas
 * TF.js differentiates in src/penalties/builtins.ts (|w| with gradient sign(w)):
 *
 *   l1        Σ|w|                    sign(w)
 *   l2        Σw²                     2w
 *   l1l2      l1·Σ|w| + l2·Σw²        l1·sign(w) + l2·2w
 *   l3        Σ|w|·w²                 |w|·2w + w²·sign(w)
 *   l4        Σ(w²)²                  2w²·2w
 *   lp        Σ|w|^p                  p·sign(w)·|w|^(p−1), 0 at w = 0
 *   deadzone  Σ max(0, |w| − a)       sign(w)·[|w| − a > 0]
 *
 * A user's penalty (or any other regularizer) is left to TF.js: its value and gradient come from
 * autodiff of the layer's regularizer, added to the graph's gradients (strategy.ts); on a weight
 * not trained (a frozen layer's), its value only.
 */

import { penalised } from '../../../model/index.ts';
import { chunkOf } from '../../../monitor/index.ts';
import { BUILTIN_PENALTIES, isProximal, PenaltyRegularizer } from '../../../penalties/index.ts';
import type { ParamValues } from '../../../registry/index.ts';
import type { tf } from '../../../tf.ts';
import type { GraphBuilder } from '../onnx/builder.ts';
import type { LayerWeight } from './layers/layer.ts';

/** φ(w) summed (a scalar), and its gradient built when asked (a proximal-mode penalty never asks), of the graph value `w` of `n` entries. */
type PenaltyGraph = (b: GraphBuilder, w: string, p: ParamValues, n: number) => { value: string; grad: () => string };

/**
 * Σ x over its `n` entries: in chunks of at most 256 (`chunkOf`) summed in float32, the chunks'
 * sums added in float64 (Cast to double), so the step's recorded penalty does not drift with the
 * weight count as one float32 ReduceSum does (a Dense 1000×1000 of 1e-3 under L1: 999.54 for 1000).
 */
const sum = (b: GraphBuilder, x: string, n: number): string => {
  const c = chunkOf(n);
  if (c === n) return b.op('ReduceSum', [x], { keepdims: 0 });
  const chunks = b.op('Cast', [b.sum(b.reshape(x, [n / c, c]), [1])], { to: DOUBLE });
  return b.op('Cast', [b.op('ReduceSum', [chunks], { keepdims: 0 })], { to: FLOAT });
};
/** ONNX's element types: float32, float64. */
const [FLOAT, DOUBLE] = [1, 11];
const mul = (b: GraphBuilder, x: string, y: string): string => b.op('Mul', [x, y]);

const GRAPHS: ReadonlyMap<unknown, PenaltyGraph> = new Map<unknown, PenaltyGraph>([
  [BUILTIN_PENALTIES.l1, (b, w, _p, n) => ({ value: sum(b, b.op('Abs', [w]), n), grad: () => b.op('Sign', [w]) })],
  [BUILTIN_PENALTIES.l2, (b, w, _p, n) => ({ value: sum(b, mul(b, w, w), n), grad: () => mul(b, w, b.scalar(2)) })],
  [
    BUILTIN_PENALTIES.l1l2,
    (b, w, p, n) => {
      const [l1, l2] = [b.scalar(p['l1'] as number), b.scalar(p['l2'] as number)];
      const value = sum(b, b.op('Add', [mul(b, l1, b.op('Abs', [w])), mul(b, l2, mul(b, w, w))]), n);
      return { value, grad: () => b.op('Add', [mul(b, l1, b.op('Sign', [w])), mul(b, l2, mul(b, w, b.scalar(2)))]) };
    },
  ],
  [
    BUILTIN_PENALTIES.l3,
    (b, w, _p, n) => {
      const [a, sq] = [b.op('Abs', [w]), mul(b, w, w)];
      return { value: sum(b, mul(b, a, sq), n), grad: () => b.op('Add', [mul(b, a, mul(b, w, b.scalar(2))), mul(b, sq, b.op('Sign', [w]))]) };
    },
  ],
  [
    BUILTIN_PENALTIES.l4,
    (b, w, _p, n) => {
      const sq = mul(b, w, w);
      return { value: sum(b, mul(b, sq, sq), n), grad: () => mul(b, mul(b, sq, b.scalar(2)), mul(b, w, b.scalar(2))) };
    },
  ],
  [
    BUILTIN_PENALTIES.lp,
    (b, w, p, n) => {
      const power = p['p'] as number;
      const a = b.op('Abs', [w]);
      const grad = () => {
        const g = mul(b, b.scalar(power), mul(b, b.op('Sign', [w]), b.op('Pow', [a, b.scalar(power - 1)])));
        return b.op('Where', [b.op('Equal', [w, b.scalar(0)]), b.scalar(0), g]);
      };
      return { value: sum(b, b.op('Pow', [a, b.scalar(power)]), n), grad };
    },
  ],
  [
    BUILTIN_PENALTIES.deadzone,
    (b, w, p, n) => {
      const over = b.op('Sub', [b.op('Abs', [w]), b.scalar(p['a'] as number)]);
      return { value: sum(b, b.op('Relu', [over]), n), grad: () => mul(b, b.op('Sign', [w]), b.op('Cast', [b.op('Greater', [over, b.scalar(0)])], { to: 1 })) };
    },
  ],
]);

/** A weight's penalty inside the graph: its strength, parameters and formulas. */
export interface GraphPenalty {
  readonly weight: LayerWeight;
  readonly strength: number;
  readonly params: ParamValues;
  readonly graph: PenaltyGraph;
  /** In proximal mode (`,prox`): its value counts, its gradient does not (the step's proximal operator applies it). */
  readonly proximal: boolean;
}

/** A weight's regularizer left to TF.js: its value `apply(w)` and gradient by autodiff. */
export interface TfjsPenalty {
  readonly weight: LayerWeight;
  readonly regularizer: { apply(w: tf.Tensor): tf.Scalar };
}

/**
 * The model's penalised weights (wherever TF.js keeps their regularizers: model/inventory.ts):
 * the built-in penalties the graph computes (`inGraph`), and the regularizers left to TF.js
 * (`rest`: a user's penalty, another regularizer class).
 */
export function graphPenalties(model: tf.LayersModel): { inGraph: GraphPenalty[]; rest: TfjsPenalty[] } {
  const inGraph: GraphPenalty[] = [];
  const rest: TfjsPenalty[] = [];
  for (const { variable: weight, regularizer } of penalised(model)) {
    const graph = regularizer instanceof PenaltyRegularizer ? GRAPHS.get(regularizer.definition) : undefined;
    if (graph && regularizer instanceof PenaltyRegularizer)
      inGraph.push({ weight, strength: regularizer.strength, params: regularizer.params, graph, proximal: isProximal(regularizer) });
    else if (!(regularizer instanceof PenaltyRegularizer && regularizer.definition === BUILTIN_PENALTIES.none))
      rest.push({ weight, regularizer: regularizer as unknown as TfjsPenalty['regularizer'] });
  }
  return { inGraph, rest };
}
