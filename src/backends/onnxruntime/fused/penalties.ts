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
import { BUILTIN_PENALTIES, isProximal, PenaltyRegularizer } from '../../../penalties/index.ts';
import type { ParamValues } from '../../../registry/index.ts';
import type { tf } from '../../../tf.ts';
import type { GraphBuilder } from '../onnx/builder.ts';
import type { LayerWeight } from './layers/layer.ts';

/** φ(w) summed (a scalar), and its gradient built when asked (a proximal-mode penalty never asks), of the graph value `w`. */
type PenaltyGraph = (b: GraphBuilder, w: string, p: ParamValues) => { value: string; grad: () => string };

const sum = (b: GraphBuilder, x: string): string => b.op('ReduceSum', [x], { keepdims: 0 });
const mul = (b: GraphBuilder, x: string, y: string): string => b.op('Mul', [x, y]);

const GRAPHS: ReadonlyMap<unknown, PenaltyGraph> = new Map<unknown, PenaltyGraph>([
  [BUILTIN_PENALTIES.l1, (b, w) => ({ value: sum(b, b.op('Abs', [w])), grad: () => b.op('Sign', [w]) })],
  [BUILTIN_PENALTIES.l2, (b, w) => ({ value: sum(b, mul(b, w, w)), grad: () => mul(b, w, b.scalar(2)) })],
  [
    BUILTIN_PENALTIES.l1l2,
    (b, w, p) => {
      const [l1, l2] = [b.scalar(p['l1'] as number), b.scalar(p['l2'] as number)];
      const value = sum(b, b.op('Add', [mul(b, l1, b.op('Abs', [w])), mul(b, l2, mul(b, w, w))]));
      return { value, grad: () => b.op('Add', [mul(b, l1, b.op('Sign', [w])), mul(b, l2, mul(b, w, b.scalar(2)))]) };
    },
  ],
  [
    BUILTIN_PENALTIES.l3,
    (b, w) => {
      const [a, sq] = [b.op('Abs', [w]), mul(b, w, w)];
      return { value: sum(b, mul(b, a, sq)), grad: () => b.op('Add', [mul(b, a, mul(b, w, b.scalar(2))), mul(b, sq, b.op('Sign', [w]))]) };
    },
  ],
  [
    BUILTIN_PENALTIES.l4,
    (b, w) => {
      const sq = mul(b, w, w);
      return { value: sum(b, mul(b, sq, sq)), grad: () => mul(b, mul(b, sq, b.scalar(2)), mul(b, w, b.scalar(2))) };
    },
  ],
  [
    BUILTIN_PENALTIES.lp,
    (b, w, p) => {
      const power = p['p'] as number;
      const a = b.op('Abs', [w]);
      const grad = () => {
        const g = mul(b, b.scalar(power), mul(b, b.op('Sign', [w]), b.op('Pow', [a, b.scalar(power - 1)])));
        return b.op('Where', [b.op('Equal', [w, b.scalar(0)]), b.scalar(0), g]);
      };
      return { value: sum(b, b.op('Pow', [a, b.scalar(power)])), grad };
    },
  ],
  [
    BUILTIN_PENALTIES.deadzone,
    (b, w, p) => {
      const over = b.op('Sub', [b.op('Abs', [w]), b.scalar(p['a'] as number)]);
      return { value: sum(b, b.op('Relu', [over])), grad: () => mul(b, b.op('Sign', [w]), b.op('Cast', [b.op('Greater', [over, b.scalar(0)])], { to: 1 })) };
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
